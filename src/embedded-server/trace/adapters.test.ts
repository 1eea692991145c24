import { describe, expect, it } from 'vitest';
import { type Message, newUUID } from '../message';
import { serverHooks } from './adapters';
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
