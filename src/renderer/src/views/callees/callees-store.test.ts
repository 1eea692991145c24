import { describe, expect, it, test, vi } from 'vitest';
import type { CalleeInfo, CalleeLog } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { testBridge } from '../../bridge/test-bridge';
import { startCalleesFeed } from './callees-feed';
import { createCalleesStore, MAX_LOGS, STARTER_JS, STARTER_TS, sourceFrames } from './callees-store';

/** A host these tests never reach (the list and the draft do not call it). */
const noHost = {
  call: async (method: string) => {
    throw new Error(`unexpected ${method}`);
  },
  on: () => () => undefined,
} as unknown as BridgeLike;

const metrics = { invocations: 0, errors: 0, expired: 0, killed: 0, avgMs: 0, p95Ms: 0 };

function demo(uri: string, o: Partial<CalleeInfo> = {}): CalleeInfo {
  return { uri, kind: 'demo', running: true, metrics, ...o };
}

function user(uri: string, o: Partial<CalleeInfo> = {}): CalleeInfo {
  return { uri, kind: 'user', running: true, language: 'ts', source: `export default () => '${uri}'`, version: 1, metrics, ...o };
}

describe('the callee list', () => {
  it('puts demo callees first, user callees by URI, and keeps unchanged rows as they were', () => {
    const s = createCalleesStore(noHost);
    s.getState().setCallees([user('user.b'), demo('test.echo'), user('user.a')]);
    expect(s.getState().callees.map((c) => c.uri)).toEqual(['test.echo', 'user.a', 'user.b']);
    const before = s.getState().callees;
    s.getState().setCallees([demo('test.echo'), user('user.a'), user('user.b', { metrics: { ...metrics, invocations: 3 } })]);
    const after = s.getState().callees;
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[2]?.metrics.invocations).toBe(3);
    // an identical poll changes nothing (no re-render)
    s.getState().setCallees([demo('test.echo'), user('user.a'), user('user.b', { metrics: { ...metrics, invocations: 3 } })]);
    expect(s.getState().callees).toBe(after);
  });

  it('a start/stop answer replaces its row; a removed selected callee is unselected', () => {
    const s = createCalleesStore(noHost);
    s.getState().setCallees([demo('test.echo'), user('user.a')]);
    s.getState().upsertCallee(demo('test.echo', { running: false }));
    expect(s.getState().callees[0]?.running).toBe(false);
    s.getState().edit('user.a');
    expect(s.getState().selected).toBe('user.a');
    s.getState().setCallees([demo('test.echo')]);
    expect(s.getState().selected).toBeUndefined();
  });
});

describe('the editor draft', () => {
  it('editing loads the saved source; demo callees are not editable', () => {
    const s = createCalleesStore(noHost);
    s.getState().setCallees([demo('test.echo'), user('user.a', { language: 'js', source: 'module.exports = () => 1' })]);
    s.getState().edit('test.echo');
    expect(s.getState().draft.editing).toBeUndefined();
    s.getState().edit('user.a');
    expect(s.getState().draft).toEqual({
      uri: 'user.a',
      language: 'js',
      source: 'module.exports = () => 1',
      editing: 'user.a',
      dirty: false,
    });
    s.getState().setDraft({ source: 'module.exports = () => 2' });
    expect(s.getState().draft.dirty).toBe(true);
  });

  it('switching the language of the untouched starter switches the starter', () => {
    const s = createCalleesStore(noHost);
    expect(s.getState().draft.source).toBe(STARTER_TS);
    s.getState().setDraft({ language: 'js' });
    expect(s.getState().draft.source).toBe(STARTER_JS);
    s.getState().setDraft({ source: 'mine' });
    s.getState().setDraft({ language: 'ts' });
    expect(s.getState().draft.source).toBe('mine');
  });
});

describe('logs', () => {
  it('are kept per URI, oldest first, bounded, with the number dropped', () => {
    const s = createCalleesStore(noHost);
    const log = (uri: string, n: number): CalleeLog => ({ uri, level: 'log', message: String(n), at: n });
    for (let i = 1; i <= MAX_LOGS + 3; i++) s.getState().addLog(log('user.a', i));
    s.getState().addLog(log('user.b', 1));
    expect(s.getState().logs['user.a']).toHaveLength(MAX_LOGS);
    expect(s.getState().logs['user.a']?.[0]?.message).toBe('4');
    expect(s.getState().droppedLogs['user.a']).toBe(3);
    expect(s.getState().logs['user.b']).toHaveLength(1);
    s.getState().clearLogs('user.a');
    expect(s.getState().logs['user.a']).toBeUndefined();
  });
});

describe('saving', () => {
  function bridgeAnswering(save: unknown) {
    return {
      call: async (method: string) => {
        if (method === 'callees.save') return save;
        throw new Error(method);
      },
      on: () => () => undefined,
    } as unknown as BridgeLike;
  }

  it('a saved draft becomes the callee being edited, with its version', async () => {
    const s = createCalleesStore(bridgeAnswering({ ok: true, callee: user('user.double', { version: 2 }) }));
    s.getState().setDraft({ uri: 'user.double', source: 'export default (n: number) => n * 2' });
    await s.getState().saveDraft();
    expect(s.getState().save).toEqual({ state: 'saved', uri: 'user.double', version: 2 });
    expect(s.getState().draft).toMatchObject({ editing: 'user.double', dirty: false });
    expect(s.getState().callees.map((c) => c.uri)).toEqual(['user.double']);
  });

  it('compile problems are kept with their positions and the version that keeps serving', async () => {
    const problems = [{ message: 'Unexpected end of file', line: 1, column: 35 }];
    const s = createCalleesStore(bridgeAnswering({ ok: false, problems }));
    s.getState().setCallees([user('user.double', { version: 2 })]);
    s.getState().edit('user.double');
    s.getState().setDraft({ source: 'export default (n: number) => n *' });
    await s.getState().saveDraft();
    expect(s.getState().save).toEqual({ state: 'problems', uri: 'user.double', problems, servingVersion: 2 });
    expect(s.getState().draft.dirty).toBe(true);
  });

  it('an empty URI is not sent', async () => {
    const s = createCalleesStore(bridgeAnswering(undefined));
    s.getState().setDraft({ uri: ' ' });
    await s.getState().saveDraft();
    expect(s.getState().save).toMatchObject({ state: 'failed', message: expect.stringMatching(/URI: empty/) });
  });
});

describe('where a user callee threw', () => {
  test("the stack's frames in the user's file, with the text of their lines, once each", () => {
    const source = 'export default (n) => {\n  if (n > 1) throw new Error("x");\n  return n;\n};\n';
    const stack = [
      'Error: x',
      '    at default (user.a.b.ts:2:20)',
      '    at user.a.b.ts:2:20',
      '    at other.ts:9:1',
      '    at userXa.b.ts:3:1',
    ].join('\n');
    expect(sourceFrames(stack, 'user.a.b', source)).toEqual([{ line: 2, column: 20, text: '  if (n > 1) throw new Error("x");' }]);
    expect(sourceFrames(stack, 'user.a.b', undefined)).toEqual([]);
  });
});

describe('the feed', () => {
  it('loads the list, then follows callees.changed and every log line; stopped, it follows nothing', async () => {
    const host = testBridge({ 'callees.list': () => [demo('test.echo')] });
    const s = createCalleesStore(host.bridge);
    const stop = startCalleesFeed(host.bridge, s);
    await vi.waitFor(() => expect(s.getState().callees.map((c) => c.uri)).toEqual(['test.echo']));
    host.emit('callees.changed', [demo('test.echo'), user('user.a')]);
    host.emit('callees.log', { uri: 'user.a', level: 'log', message: 'hi', at: 1 });
    expect(s.getState().callees.map((c) => c.uri)).toEqual(['test.echo', 'user.a']);
    expect(s.getState().logs['user.a']?.map((l) => l.message)).toEqual(['hi']);
    stop();
    expect(host.listening()).toBe(0);
    host.emit('callees.log', { uri: 'user.a', level: 'log', message: 'late', at: 2 });
    expect(s.getState().logs['user.a']).toHaveLength(1);
  });
});

describe('serving the attached redis', () => {
  it('sends the switch with its confirmation, and shows a refusal', async () => {
    const host = testBridge({ 'callees.serveOnAttached': () => ({}) });
    const s = createCalleesStore(host.bridge);
    await s.getState().serveOnAttached(true);
    expect(host.calls).toEqual([{ method: 'callees.serveOnAttached', params: { on: true, confirm: true } }]);
    expect(s.getState().serveAttached).toEqual({ busy: false });
    const refusing = testBridge({
      'callees.serveOnAttached': () => {
        throw new Error('callees.serveOnAttached: no redis is attached');
      },
    });
    const r = createCalleesStore(refusing.bridge);
    await r.getState().serveOnAttached(false);
    expect(r.getState().serveAttached).toEqual({ busy: false, problem: 'callees.serveOnAttached: no redis is attached' });
  });
});
