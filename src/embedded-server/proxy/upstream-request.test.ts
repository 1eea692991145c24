import { describe, expect, it } from 'vitest';
import { wireCloseCode, wireCloseReason } from './close-codes';
import { checkExtraHeaders, parseHeaderLine, parseUpstream, upstreamHeaders, upstreamUrl } from './upstream-request';

describe('upstreamUrl', () => {
  it('uses the client path when the upstream has none, and the upstream path when it names one; queries are joined', () => {
    expect(upstreamUrl(parseUpstream('ws://h:9000'), '/ws?a=1')).toBe('ws://h:9000/ws?a=1');
    expect(upstreamUrl(parseUpstream('ws://h:9000/'), '/x/y')).toBe('ws://h:9000/x/y');
    expect(upstreamUrl(parseUpstream('wss://h/juggler?t=1'), '/ws?a=1')).toBe('wss://h/juggler?t=1&a=1');
    expect(upstreamUrl(parseUpstream('ws://h:9000/ws'), '/')).toBe('ws://h:9000/ws');
  });
});

describe('upstream options', () => {
  it('refuses an upstream that is not ws:// or wss://, and headers that are not headers, with a code', () => {
    expect(() => parseUpstream('http://h/ws')).toThrow(expect.objectContaining({ code: 'BAD_UPSTREAM' }));
    expect(() => parseUpstream('nonsense')).toThrow(expect.objectContaining({ code: 'BAD_UPSTREAM' }));
    expect(() => checkExtraHeaders({ 'Bad Name': 'x' })).toThrow(expect.objectContaining({ code: 'BAD_HEADER' }));
    expect(() => checkExtraHeaders({ 'X-A': 'a\r\nInjected: 1' })).toThrow(expect.objectContaining({ code: 'BAD_HEADER' }));
    expect(() => checkExtraHeaders({ Host: 'x' })).toThrow(expect.objectContaining({ code: 'BAD_HEADER' }));
    expect(() => parseHeaderLine('no colon')).toThrow(expect.objectContaining({ code: 'BAD_HEADER' }));
    expect(parseHeaderLine('Authorization: Bearer a:b')).toEqual(['Authorization', 'Bearer a:b']);
  });

  it('passes only allowed client headers, and extra headers replace a client one of any case', () => {
    const h = upstreamHeaders(
      { authorization: 'a', 'x-b': 'b', referer: 'r', host: 'h', 'sec-websocket-key': 'k', cookie: 'c' },
      { AUTHORIZATION: 'z' },
    );
    expect(h).toEqual({ 'x-b': 'b', cookie: 'c', AUTHORIZATION: 'z' });
  });
});

describe('close codes', () => {
  it('passes wire codes through; 1005 becomes a close frame without code, 1006 becomes 1001 with a reason', () => {
    expect(wireCloseCode(4001)).toBe(4001);
    expect(wireCloseCode(1005)).toBeUndefined();
    expect(wireCloseCode(1006)).toBe(1001);
    expect(wireCloseReason(1006, '', 'client')).toMatch(/client connection ended without a close frame/);
    expect(wireCloseReason(1000, 'bye', 'upstream')).toBe('bye');
  });
});
