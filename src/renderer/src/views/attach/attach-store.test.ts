import { describe, expect, it, vi } from 'vitest';
import type { ProxyInfo } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { testBridge } from '../../bridge/test-bridge';
import { startAttachFeed } from './attach-feed';
import { createAttachStore } from './attach-store';

function proxy(id: string, o: Partial<ProxyInfo> = {}): ProxyInfo {
  return {
    id,
    upstream: 'ws://127.0.0.1:9000/ws',
    localUrl: `ws://127.0.0.1:91${id.length}/ws`,
    headers: [],
    startedAt: 0,
    connections: { total: 0, open: 0, refused: 0 },
    frames: { in: 0, out: 0 },
    bytes: { in: 0, out: 0 },
    ...o,
  };
}

/** A bridge whose calls record their params and answer with `host.answer` (or fail with it, an Error). */
function fakeHost(calls: { method: string; params: unknown }[] = []) {
  const host: { answer: unknown; bridge: BridgeLike } = {
    answer: undefined,
    bridge: {
      call: (async (method: string, params: unknown) => {
        calls.push({ method, params });
        if (host.answer instanceof Error) throw host.answer;
        return host.answer;
      }) as BridgeLike['call'],
      on: () => () => {},
    },
  };
  return host;
}

/** A store on a host answering `answer`. */
function storeAnswering(answer: unknown, calls: { method: string; params: unknown }[] = []) {
  const host = fakeHost(calls);
  host.answer = answer;
  return { host, s: createAttachStore(host.bridge) };
}

describe('the proxy list', () => {
  it('keeps unchanged rows as they were and replaces the ones whose counts moved', () => {
    const { s } = storeAnswering(undefined);
    s.getState().setProxies([proxy('px1'), proxy('px2')]);
    const before = s.getState().proxies;
    s.getState().setProxies([proxy('px1'), proxy('px2', { frames: { in: 1, out: 2 } })]);
    expect(s.getState().proxies[0]).toBe(before[0]);
    expect(s.getState().proxies[1]).not.toBe(before[1]);
    const after = s.getState().proxies;
    s.getState().setProxies([proxy('px1'), proxy('px2', { frames: { in: 1, out: 2 } })]);
    expect(s.getState().proxies).toBe(after);
  });
});

describe('starting a proxy', () => {
  it('sends the upstream, listen address and parsed headers, and lists the new proxy', async () => {
    const calls: { method: string; params: unknown }[] = [];
    const { s } = storeAnswering(proxy('px1', { headers: ['Authorization', 'X-A'] }), calls);
    s.getState().setForm({ upstream: ' ws://h:9000/ws ', listen: '127.0.0.1:9100', headers: 'Authorization: Bearer t\n\nX-A: 1\n' });
    await s.getState().start();
    expect(calls).toEqual([
      {
        method: 'proxy.start',
        params: { upstream: 'ws://h:9000/ws', listen: '127.0.0.1:9100', headers: { Authorization: 'Bearer t', 'X-A': '1' } },
      },
    ]);
    expect(s.getState().proxies.map((p) => p.id)).toEqual(['px1']);
    expect(s.getState().starting).toBe(false);
  });

  it('an empty upstream or a header line without a colon is not sent; a refusal from the host is shown', async () => {
    const calls: { method: string; params: unknown }[] = [];
    const { s, host } = storeAnswering(undefined, calls);
    await s.getState().start();
    expect(s.getState().problem).toMatch(/Upstream: empty/);
    s.getState().setForm({ upstream: 'ws://h/ws', headers: 'no colon here' });
    await s.getState().start();
    expect(s.getState().problem).toMatch(/Headers: header "no colon here" must be "Name: value"/);
    expect(calls).toEqual([]);
    s.getState().setForm({ headers: '' });
    host.answer = new Error('proxy.start: upstream "ws://h/ws" ...');
    await s.getState().start();
    expect(s.getState().problem).toMatch(/proxy\.start/);
  });

  it('stop replaces the list with what the host says is left', async () => {
    const { s } = storeAnswering([proxy('px2')]);
    s.getState().setProxies([proxy('px1'), proxy('px2')]);
    await s.getState().stop('px1');
    expect(s.getState().proxies.map((p) => p.id)).toEqual(['px2']);
    expect(s.getState().stopping).toEqual({});
  });
});

describe('the feed', () => {
  it('loads the proxy list, then follows proxy.changed until stopped', async () => {
    const host = testBridge({ 'proxy.list': () => [proxy('px1')] });
    const s = createAttachStore(host.bridge);
    const stop = startAttachFeed(host.bridge, s);
    await vi.waitFor(() => expect(s.getState().proxies.map((p) => p.id)).toEqual(['px1']));
    host.emit('proxy.changed', [proxy('px1'), proxy('px2')]);
    expect(s.getState().proxies.map((p) => p.id)).toEqual(['px1', 'px2']);
    stop();
    host.emit('proxy.changed', []);
    expect(s.getState().proxies).toHaveLength(2);
  });
});
