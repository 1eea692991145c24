import { describe, expect, it } from 'vitest';
import { type Message, newUUID } from '../message';
import { proxyHooks, serverHooks } from './adapters';
import { TraceBus } from './trace-bus';

describe('serverHooks', () => {
  it('reads a frame’s type, uuids, uri and channel off the message the server decoded or encoded', () => {
    const bus = new TraceBus();
    const hooks = serverHooks(bus);
    const call = newUUID();
    const res = newUUID();
    // the text is not read for these fields when the message is there: it disagrees here on purpose
    hooks.onFrame!({
      connId: 'c',
      direction: 'in',
      text: '{"meta":{"type":1,"uuid":"x"},"payload":{"uri":"other","args":1}}',
      type: 1,
      uuid: call,
      message: { meta: { type: 1, uuid: call }, payload: { uri: 'test.echo', timeout: 0, args: '1' } } as unknown as Message,
      at: performance.now(),
    });
    hooks.onFrame!({
      connId: 'c',
      direction: 'out',
      text: 'x',
      type: 10,
      uuid: res,
      message: { meta: { type: 10, uuid: res }, payload: { for: call, channel: 'news', args: '1' } } as unknown as Message,
      at: performance.now(),
    });
    const [inFrame, outFrame] = bus.events();
    expect(inFrame).toMatchObject({ type: 'CALL', uuid: call, uri: 'test.echo', corr: call, side: 'server', dir: 'in' });
    expect(outFrame).toMatchObject({ type: 'EVNT', uuid: res, channel: 'news', corr: call, dir: 'out' });
    expect(outFrame).not.toHaveProperty('uri', expect.anything());
  });

  it('scans the head of a frame that came without a message', () => {
    const bus = new TraceBus();
    const hooks = serverHooks(bus);
    const call = newUUID();
    const ack = newUUID();
    const text = `{"meta":{"type":8,"uuid":"${ack}"},"payload":{"for":"${call}","for_type":1,"uri":"test.echo"}}\n`;
    hooks.onFrame!({ connId: 'c', direction: 'out', text, type: 8, uuid: ack, at: performance.now() });
    hooks.onFrame!({ connId: 'c', direction: 'in', text: 'not json', at: performance.now() });
    const [ackFrame, bad] = bus.events();
    expect(ackFrame).toMatchObject({ type: 'ACK', uuid: ack, corr: call, uri: 'test.echo', size: text.length });
    expect(bad).toMatchObject({ text: 'not json', error: 'refused: not a juggler.0 request' });
    expect(bad).not.toHaveProperty('type', expect.anything());
  });
});

describe('proxyHooks', () => {
  it('records proxy frames with side proxy, the proxy as source, and corr like server frames; a bad frame keeps its error', () => {
    const bus = new TraceBus();
    const hooks = proxyHooks(bus, 'ws://upstream:9000/ws');
    const call = newUUID();
    const res = newUUID();
    const callText = `{"meta":{"type":1,"uuid":"${call}"},"payload":{"uri":"test.echo","timeout":0,"args":1}}`;
    const resText = `{"meta":{"type":9,"uuid":"${res}"},"payload":{"for":"${call}","uri":"test.echo","args":1}}`;
    const at = performance.now();
    hooks.onFrame!({ connId: 'px1.1', direction: 'in', text: callText, binary: false, size: callText.length, at });
    hooks.onFrame!({ connId: 'px1.1', direction: 'out', text: resText, binary: false, size: resText.length, at });
    hooks.onFrame!({ connId: 'px1.1', direction: 'in', text: 'garbage', binary: true, size: 7, at });
    hooks.onConnState!({ id: 'px1.1', remote: '127.0.0.1:1', path: '/ws', upstreamUrl: 'ws://upstream:9000/ws' }, 'closed', {
      code: 1000,
      reason: 'bye',
      by: 'client',
    });
    const [c, r, bad, closed] = bus.events();
    expect(c).toMatchObject({ side: 'proxy', source: 'ws://upstream:9000/ws', dir: 'in', type: 'CALL', corr: call, uri: 'test.echo' });
    expect(r).toMatchObject({ side: 'proxy', dir: 'out', type: 'RES', uuid: res, corr: call });
    expect(bad).toMatchObject({ side: 'proxy', text: 'garbage', error: 'not a juggler.0 frame' });
    expect(closed).toMatchObject({
      kind: 'conn',
      side: 'proxy',
      source: 'ws://upstream:9000/ws',
      state: 'closed',
      code: 1000,
      reason: 'bye',
    });
    expect(bus.chain(call)!.hops.map((h) => h.event.seq)).toEqual([c!.seq, r!.seq]);
  });
});
