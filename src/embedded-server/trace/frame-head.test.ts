import { describe, expect, it } from 'vitest';
import { encodeFrame, newUUID } from '../message';
import { readFrameHead, resIsError } from './frame-head';

describe('readFrameHead', () => {
  const u = newUUID();
  const f = newUUID();

  it('reads type, uuid and the payload head of Go-ordered frames without reading args', () => {
    // args is not valid JSON: the scan must stop before it
    expect(readFrameHead(`{"meta":{"type":1,"uuid":"${u}"},"payload":{"uri":"test.echo","timeout":2000000000,"args":{broken`)).toEqual({
      type: 1,
      uuid: u,
      uri: 'test.echo',
      timeout: 2e9,
    });
    expect(readFrameHead(encodeFrame({ meta: { type: 9, uuid: u }, payload: { for: f, uri: 'a.b', args: { x: [1, 2] } } }))).toEqual({
      type: 9,
      uuid: u,
      for: f,
      uri: 'a.b',
    });
    expect(
      readFrameHead(
        encodeFrame({ meta: { type: 7, uuid: u }, payload: { for: f, for_type: 1, uri: 'x', code: 400, message: 'bad "uri"' } }),
      ),
    ).toEqual({ type: 7, uuid: u, for: f, uri: 'x', code: 400 });
    expect(readFrameHead(`{"meta":{"type":3,"uuid":"${u}"},"payload":{"channel":"c\\u00e9","pattern":true}}`)).toEqual({
      type: 3,
      uuid: u,
      channel: 'cé',
    });
  });

  it('falls back to JSON.parse for other field orders', () => {
    expect(readFrameHead(`{"payload":{"args":[1],"uri":"late"},"meta":{"uuid":"${u}","type":1}}`)).toEqual({
      type: 1,
      uuid: u,
      uri: 'late',
    });
  });

  it('gives undefined for what is no frame', () => {
    expect(readFrameHead('not json')).toBeUndefined();
    expect(readFrameHead('[1,2]')).toBeUndefined();
    expect(readFrameHead('{"payload":{}}')).toBeUndefined();
  });

  it('tells a RES carrying an error object, also from a cut text', () => {
    const err = encodeFrame({ meta: { type: 9, uuid: u }, payload: { for: f, uri: 'a', args: { error: { message: 'no' } } } });
    const ok = encodeFrame({ meta: { type: 9, uuid: u }, payload: { for: f, uri: 'a', args: { errors: 1 } } });
    expect(resIsError(err, false)).toBe(true);
    expect(resIsError(ok, false)).toBe(false);
    expect(resIsError(err.slice(0, err.indexOf('"message"')), true)).toBe(true);
  });
});
