// A BridgeLike for store and feed tests: calls answered by the functions given (an unknown method
// fails, as the host would refuse it), recorded; events emitted by the test; a link whose state the
// test sets. No host, no socket: what is tested is the store's and the feed's own logic.
import type { BridgeLike, LinkLike } from './bridge-like';
import type { LinkState } from './transport';

export function testBridge(answers: Record<string, (params: unknown) => unknown> = {}) {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  const bridge = {
    call: async (method: string, params?: unknown) => {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`${method}: not answered in this test`);
      return answer(params);
    },
    on: (event: string, l: (p: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(l);
      listeners.set(event, set);
      return () => set.delete(l);
    },
  } as unknown as BridgeLike;
  const link: LinkLike = {
    onState: (cb) => {
      linkListeners.add(cb);
      return () => linkListeners.delete(cb);
    },
  };
  return {
    bridge,
    link,
    calls,
    emit: (event: string, payload: unknown) => {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    setLink: (s: LinkState) => {
      for (const l of linkListeners) l(s);
    },
    /** Subscriptions still held (a stopped feed holds none). */
    listening: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) + linkListeners.size,
  };
}
