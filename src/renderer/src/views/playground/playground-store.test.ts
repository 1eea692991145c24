import { describe, expect, it, vi } from 'vitest';
import type { CallOutcome, ClientEvent, ClientInfo } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { testBridge } from '../../bridge/test-bridge';
import { parseJsonInput } from '../../lib/json-input';
import { outcomeKind, outcomeLabel } from './call-outcome';
import { channelHue, eventSubscriptionName } from './channel-colour';
import { startPlaygroundFeed } from './playground-feed';
import { createPlaygroundStore, MAX_EVENTS, MAX_HISTORY, parseTimeout, shownCall } from './playground-store';

function info(clientId: string, o: Partial<ClientInfo> = {}): ClientInfo {
  return { clientId, name: clientId, url: 'ws://x', state: 'open', subscriptions: [], pendingCalls: 0, ...o };
}

function event(clientId: string, n: number, o: Partial<ClientEvent> = {}): ClientEvent {
  return { clientId, for: `u${n}`, channel: 'ch', args: n, at: n, ...o };
}

/** A host these tests never reach (the columns and the history do not call it). */
const noHost = {
  call: async (method: string) => {
    throw new Error(`unexpected ${method}`);
  },
  on: () => () => undefined,
} as unknown as BridgeLike;

const ok = (result: unknown, latencyMs = 3): CallOutcome => ({ uuid: 'x', ok: true, result, latencyMs });

describe('client columns', () => {
  it('a client the host lists gets a column; one it stops listing stays, closed, until removed', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().setClients([info('c1'), info('c2')]);
    expect(s.getState().order).toEqual(['c1', 'c2']);
    s.getState().setClients([info('c2')]);
    expect(s.getState().columns.c1?.info.state).toBe('closed');
    expect(s.getState().columns.c1?.info.closeReason).toBe('disconnected');
    expect(s.getState().order).toEqual(['c1', 'c2']);
    s.getState().removeColumn('c1');
    expect(s.getState().order).toEqual(['c2']);
    s.getState().setClients([info('c2')]);
    expect(s.getState().order).toEqual(['c2']);
  });

  it('a close code and reason from the host are kept', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().upsertClient(info('c1'));
    s.getState().upsertClient(info('c1', { state: 'closed', closeCode: 1008, closeReason: 'message type not allowed' }));
    s.getState().setClients([]);
    expect(s.getState().columns.c1?.info).toMatchObject({ state: 'closed', closeCode: 1008, closeReason: 'message type not allowed' });
  });

  it('updates keep the drafts, history and events of a column', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().upsertClient(info('c1'));
    s.getState().setDraft('c1', { uri: 'test.reverse' });
    s.getState().addEvent(event('c1', 1));
    s.getState().setClients([info('c1', { subscriptions: [{ channel: 'ch', pattern: false }] })]);
    const c = s.getState().columns.c1!;
    expect(c.draft.uri).toBe('test.reverse');
    expect(c.events).toHaveLength(1);
    expect(c.info.subscriptions).toEqual([{ channel: 'ch', pattern: false }]);
  });
});

describe('call history', () => {
  it('records calls newest first, shows the latest, and keeps at most MAX_HISTORY', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().upsertClient(info('c1'));
    const ids: number[] = [];
    for (let i = 0; i < MAX_HISTORY + 5; i++) ids.push(s.getState().startCall('c1', { uri: `u${i}`, argsText: `${i}`, args: i }));
    const col = s.getState().columns.c1!;
    expect(col.history).toHaveLength(MAX_HISTORY);
    expect(col.history[0]?.uri).toBe(`u${MAX_HISTORY + 4}`);
    expect(shownCall(col)?.id).toBe(ids.at(-1));
  });

  it('a finished call carries its outcome; a call the host could not make carries why', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().upsertClient(info('c1'));
    const a = s.getState().startCall('c1', { uri: 'test.echo', argsText: '1', args: 1 });
    const b = s.getState().startCall('c1', { uri: 'test.echo', argsText: '2', args: 2 });
    s.getState().finishCall('c1', a, { outcome: ok(1) });
    s.getState().finishCall('c1', b, { failure: 'the connection to the host is closed' });
    const [rb, ra] = s.getState().columns.c1!.history;
    expect(ra).toMatchObject({ state: 'done', outcome: { ok: true, result: 1 } });
    expect(rb).toMatchObject({ state: 'failed', failure: 'the connection to the host is closed' });
    expect(outcomeKind(ra!)).toBe('ok');
    expect(outcomeKind(rb!)).toBe('failed');
  });

  it('loading a past call puts its URI, args and timeout back in the form', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().upsertClient(info('c1'));
    const id = s.getState().startCall('c1', { uri: 'test.delay', argsText: '"50"', args: '50', timeoutMs: 20 });
    s.getState().setDraft('c1', { uri: 'other', argsText: '{}', timeoutText: '' });
    s.getState().loadCall('c1', id);
    expect(s.getState().columns.c1!.draft).toMatchObject({ uri: 'test.delay', argsText: '"50"', timeoutText: '20' });
  });

  it('names each way a call ends', () => {
    const rec = (outcome: CallOutcome) => ({
      id: 1,
      clientId: 'c',
      uri: 'u',
      argsText: '',
      args: null,
      at: 0,
      state: 'done' as const,
      outcome,
    });
    const err = (error: NonNullable<CallOutcome['error']>) => rec({ uuid: 'x', ok: false, error, latencyMs: 1 });
    expect(outcomeKind(err({ code: 'EXPIRED', message: 'expired' }))).toBe('expired');
    expect(outcomeLabel(err({ code: 'NACK', message: 'no', nackCode: 503 }))).toBe('NACK 503');
    expect(outcomeKind(err({ code: 'CALL_ERROR', message: 'x', result: { error: { message: 'x' } } }))).toBe('callee-error');
    expect(outcomeLabel(err({ code: 'CONNECTION_CLOSED', message: 'closed' }))).toBe('CONNECTION_CLOSED');
  });
});

describe('events', () => {
  it('are kept newest first, per client, bounded, with the number dropped', () => {
    const s = createPlaygroundStore(noHost);
    s.getState().setClients([info('c1'), info('c2')]);
    for (let i = 1; i <= MAX_EVENTS + 7; i++) s.getState().addEvent(event('c1', i));
    s.getState().addEvent(event('c2', 1));
    s.getState().addEvent(event('nobody', 1));
    const c1 = s.getState().columns.c1!;
    expect(c1.events).toHaveLength(MAX_EVENTS);
    expect(c1.events[0]?.args).toBe(MAX_EVENTS + 7);
    expect(c1.droppedEvents).toBe(7);
    expect(s.getState().columns.c2!.events).toHaveLength(1);
    s.getState().clearEvents('c1');
    expect(s.getState().columns.c1!.events).toHaveLength(0);
    expect(s.getState().columns.c1!.droppedEvents).toBe(0);
  });
});

describe('channel colours', () => {
  it('are stable per name, differ between names, and an event takes its pattern colour', () => {
    expect(channelHue('orders')).toBe(channelHue('orders'));
    const hues = new Set(['a', 'b', 'c', 'orders', 'orders.*', 'news'].map(channelHue));
    expect(hues.size).toBe(6);
    for (const h of hues) expect(h >= 0 && h < 360).toBe(true);
    expect(eventSubscriptionName({ channel: 'orders.eu', pattern: 'orders.*' })).toBe('orders.*');
    expect(eventSubscriptionName({ channel: 'orders.eu' })).toBe('orders.eu');
  });
});

describe('input checks', () => {
  it('invalid JSON is refused with its line and column', () => {
    const r = parseJsonInput('{\n  "a": 1,\n  b: 2\n}', 'Args');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^Args: not valid JSON at line 3, column 3/);
    expect(parseJsonInput('  ')).toMatchObject({ ok: false, message: expect.stringMatching(/empty/) });
    expect(parseJsonInput('"50"')).toEqual({ ok: true, value: '50' });
  });

  it('a timeout is empty (default) or whole milliseconds', () => {
    expect(parseTimeout('')).toEqual({ ok: true });
    expect(parseTimeout(' 250 ')).toEqual({ ok: true, ms: 250 });
    expect(parseTimeout('1.5').ok).toBe(false);
    expect(parseTimeout('0').ok).toBe(false);
  });
});

describe('actions against a bridge', () => {
  function fakeBridge(answers: Record<string, (p: unknown) => unknown>) {
    const calls: { method: string; params: unknown }[] = [];
    const bridge = {
      call: async (method: string, params?: unknown) => {
        calls.push({ method, params });
        const f = answers[method];
        if (!f) throw new Error(`no answer for ${method}`);
        return f(params);
      },
      on: () => () => undefined,
    };
    return { bridge: bridge as unknown as BridgeLike, calls };
  }

  it('an invalid args text is not sent and says why', async () => {
    const { bridge, calls } = fakeBridge({});
    const s = createPlaygroundStore(bridge);
    s.getState().upsertClient(info('c1'));
    s.getState().setDraft('c1', { argsText: '{oops' });
    expect(await s.getState().sendCall('c1')).toBeUndefined();
    expect(calls).toHaveLength(0);
    expect(s.getState().columns.c1!.callProblem).toMatch(/^Args: not valid JSON/);
  });

  it('a call is sent with its timeout, recorded with its outcome, and can be re-sent as it was', async () => {
    const { bridge, calls } = fakeBridge({ 'clients.call': (p) => ok((p as { args: unknown }).args, 4) });
    const s = createPlaygroundStore(bridge);
    s.getState().upsertClient(info('c1'));
    s.getState().setDraft('c1', { uri: 'test.echo', argsText: '{"a":1}', timeoutText: '500' });
    const a = s.getState();
    const id = await a.sendCall('c1');
    await a.resend('c1', id!);
    expect(calls.map((c) => c.params)).toEqual([
      { clientId: 'c1', uri: 'test.echo', args: { a: 1 }, timeoutMs: 500 },
      { clientId: 'c1', uri: 'test.echo', args: { a: 1 }, timeoutMs: 500 },
    ]);
    const h = s.getState().columns.c1!.history;
    expect(h).toHaveLength(2);
    expect(h.every((r) => r.state === 'done' && r.outcome?.ok)).toBe(true);
  });

  it('a refused SUB shows the host message in the column', async () => {
    const { bridge } = fakeBridge({
      'clients.sub': () => {
        throw new Error('SUB news: request refused by the server (NACK 403)');
      },
    });
    const s = createPlaygroundStore(bridge);
    s.getState().upsertClient(info('c1'));
    s.getState().setDraft('c1', { channel: 'news' });
    await s.getState().subscribe('c1', false);
    expect(s.getState().columns.c1!.pubsubProblem).toMatch(/NACK 403/);
  });
});

describe('the feed', () => {
  it('loads clients and callee URIs, follows their events, and loads again when the link is back', async () => {
    let clients = [info('c1')];
    const host = testBridge({ 'clients.list': () => clients, 'callees.list': () => [{ uri: 'test.echo' }] });
    const s = createPlaygroundStore(host.bridge);
    const stop = startPlaygroundFeed(host.bridge, s, host.link);
    await vi.waitFor(() => expect(s.getState().order).toEqual(['c1']));
    expect(s.getState().calleeUris).toEqual(['test.echo']);
    host.emit('clients.event', event('c1', 1));
    expect(s.getState().columns.c1?.events).toHaveLength(1);
    host.emit('callees.changed', [{ uri: 'user.b' }, { uri: 'test.echo' }]);
    expect(s.getState().calleeUris).toEqual(['test.echo', 'user.b']);
    // the host restarted meanwhile: its clients are new
    clients = [info('c2')];
    host.setLink('closed');
    host.setLink('open');
    await vi.waitFor(() => expect(s.getState().order).toEqual(['c1', 'c2']));
    expect(s.getState().columns.c1?.info.state).toBe('closed');
    stop();
    expect(host.listening()).toBe(0);
  });
});
