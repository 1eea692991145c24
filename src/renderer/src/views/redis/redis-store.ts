// The Redis view's state: the inspector's latest snapshot (polled while the view is visible), the
// pending calls of the URIs the user opened, a peeked list page, taps and their messages. Made as
// stores/README.md says: redis-feed.ts fills it, use-redis-store.ts is its one instance; tests hand it
// a fake bridge.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ListPage, PendingCalls, RedisSnapshot, RedisTapMessage } from '../../../../shared/bridge/contract';
import { redactUrl } from '../../../../shared/redact-url';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage as message } from '../../lib/error-message';

/** Tap messages kept; older ones drop off (a busy channel must not grow the page without bound). */
export const TAP_KEEP = 500;
/** Entries per peeked page. */
export const PEEK_PAGE = 50;

export interface PendingEntry {
  data?: PendingCalls;
  /** Date.now() when `data` arrived: TTLs count down from it. */
  fetchedAt: number;
  loading: boolean;
  error?: string;
}

/** A key as the snapshot gives it: its text, and its exact bytes (base64) when the text is not them. */
export interface KeyRef {
  text: string;
  base64?: string;
  bytes: number;
}

export interface PeekState {
  key: string;
  /** The snapshot's key object, for keys that are not plain UTF-8 text. */
  ref?: KeyRef;
  start: number;
  page?: ListPage;
  fetchedAt: number;
  loading: boolean;
  error?: string;
}

export interface TapInfo {
  tapId: string;
  channels: string[];
  patterns: string[];
}

export interface RedisState {
  snapshot?: RedisSnapshot;
  /** Date.now() when the snapshot arrived. */
  lastRefresh?: number;
  refreshing: boolean;
  paused: boolean;
  /** The last refresh failed (the snapshot shown is older). */
  error?: string;
  /** URI → its pending calls, for the URIs opened in the call list table. */
  pending: Record<string, PendingEntry>;
  peek?: PeekState;
  taps: TapInfo[];
  tapMessages: RedisTapMessage[];
  /** Result of the last action (fault, target, tap), shown next to the controls. */
  notice?: { text: string; error: boolean };
  busy: boolean;

  refresh(): Promise<void>;
  setPaused(paused: boolean): void;
  togglePending(uri: string): Promise<void>;
  refreshPending(uri: string): Promise<void>;
  /** `ref`: the snapshot's key object, so that keys that are not UTF-8 text are named exactly. */
  peekList(key: string, start?: number, ref?: KeyRef): Promise<void>;
  closePeek(): void;
  expireCall(uri: string, msgUUID: string): Promise<void>;
  setTarget(url: string | null, cluster: boolean): Promise<void>;
  /** Attaches a redis the Studio did not start: shown here, watched only (attach.redis). */
  attach(url: string, cluster: boolean): Promise<void>;
  /** Back to the Studio's own redis (attach.detach). */
  detach(): Promise<void>;
  pauseRedis(pause: boolean): Promise<void>;
  setCalleeDelay(ms: number): Promise<void>;
  tap(channels: string[], patterns: string[]): Promise<void>;
  untap(tapId: string): Promise<void>;
  clearTapMessages(): void;
  /** A message on one of the taps (the newest first, at most TAP_KEEP). */
  addTapMessage(m: RedisTapMessage): void;
}

export type RedisStore = StoreApi<RedisState>;

/**
 * Time left on a TTL read `fetchedAt`, as of `now`: redis counts down between two refreshes, so the UI
 * does too. Never below 0 (the key lapses; the next refresh says whether the call was taken).
 */
export function ttlLeft(ttlMs: number | undefined, fetchedAt: number, now: number): number | undefined {
  if (ttlMs === undefined) return undefined;
  return Math.max(0, ttlMs - Math.max(0, now - fetchedAt));
}

/** Age of an entry read `fetchedAt`, as of `now`. */
export function ageNow(ageMs: number | undefined, fetchedAt: number, now: number): number | undefined {
  if (ageMs === undefined) return undefined;
  return ageMs + Math.max(0, now - fetchedAt);
}

/** A redis URL without its password (the host already redacts; this guards anything typed locally). */
export { redactUrl };

/** Splits a comma- or space-separated list typed in a field. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function createRedisStore(bridge: BridgeLike, now: () => number = Date.now): RedisStore {
  const store = createStore<RedisState>()((set, get) => {
    const act = async (what: string, fn: () => Promise<string>) => {
      set({ busy: true });
      try {
        set({ notice: { text: await fn(), error: false } });
      } catch (err) {
        set({ notice: { text: `${what}: ${message(err)}`, error: true } });
      } finally {
        set({ busy: false });
      }
    };
    return {
      refreshing: false,
      paused: false,
      pending: {},
      taps: [],
      tapMessages: [],
      busy: false,

      async refresh() {
        if (get().refreshing) return;
        set({ refreshing: true });
        try {
          const snapshot = await bridge.call('redis.snapshot');
          set({ snapshot, lastRefresh: now(), error: undefined });
        } catch (err) {
          set({ error: message(err) });
        } finally {
          set({ refreshing: false });
        }
        // the opened URIs follow the snapshot, so their TTLs and depth agree with the table
        await Promise.all(Object.keys(get().pending).map((uri) => get().refreshPending(uri)));
      },

      setPaused: (paused) => set({ paused }),

      async togglePending(uri) {
        const pending = { ...get().pending };
        if (pending[uri]) {
          delete pending[uri];
          set({ pending });
          return;
        }
        pending[uri] = { fetchedAt: now(), loading: true };
        set({ pending });
        await get().refreshPending(uri);
      },

      async refreshPending(uri) {
        const cur = get().pending[uri];
        if (!cur) return;
        set({ pending: { ...get().pending, [uri]: { ...cur, loading: true } } });
        let next: PendingEntry;
        try {
          const data = await bridge.call('redis.pending', { uri });
          next = { data, fetchedAt: now(), loading: false };
        } catch (err) {
          next = { ...cur, loading: false, error: message(err) };
        }
        // closed while the call was out: stay closed
        if (get().pending[uri]) set({ pending: { ...get().pending, [uri]: next } });
      },

      async peekList(key, start = 0, ref) {
        set({ peek: { ...get().peek, key, ref, start, fetchedAt: get().peek?.fetchedAt ?? now(), loading: true, error: undefined } });
        try {
          const page = await bridge.call('redis.peek', { key: ref?.base64 ? ref : key, start, count: PEEK_PAGE });
          if (get().peek?.key === key) set({ peek: { key, ref, start, page, fetchedAt: now(), loading: false } });
        } catch (err) {
          if (get().peek?.key === key) set({ peek: { key, ref, start, fetchedAt: now(), loading: false, error: message(err) } });
        }
      },

      closePeek: () => set({ peek: undefined }),

      expireCall: (uri, msgUUID) =>
        act('let the TTL lapse', async () => {
          const r = await bridge.call('fault.expireCall', { uri, msgUUID });
          await get().refresh();
          return r.expired
            ? `the TTL of ${msgUUID} lapsed: its callee will drop it as expired`
            : `${msgUUID} is no longer pending (taken or expired already)`;
        }),

      setTarget: (url, cluster) =>
        act('inspect', async () => {
          const r = await bridge.call('redis.target', { url, cluster });
          // the taps belonged to the previous redis; the host closed them
          set({ snapshot: undefined, pending: {}, peek: undefined, taps: [], lastRefresh: undefined });
          await get().refresh();
          return `inspecting ${redactUrl(r.url)}${r.cluster ? ' (cluster)' : ''}`;
        }),

      attach: (url, cluster) =>
        act('attach', async () => {
          const s = await bridge.call('attach.redis', { url, cluster });
          // the taps belonged to the previous redis; the host closed them
          set({ snapshot: undefined, pending: {}, peek: undefined, taps: [], lastRefresh: undefined });
          await get().refresh();
          return s.redis
            ? `attached ${redactUrl(s.redis.url)}${s.redis.cluster ? ' (cluster)' : ''}: watching only, nothing is written to it`
            : `back on the Studio's own redis ${redactUrl(s.own.url)}`;
        }),

      detach: () =>
        act('detach', async () => {
          const s = await bridge.call('attach.detach');
          set({ snapshot: undefined, pending: {}, peek: undefined, taps: [], lastRefresh: undefined });
          await get().refresh();
          return `inspecting the Studio's own redis ${redactUrl(s.own.url)}`;
        }),

      pauseRedis: (pause) =>
        act(pause ? 'pause redis' : 'resume redis', async () => {
          await bridge.call('fault.redis', { action: pause ? 'pause' : 'resume' });
          return pause ? 'the embedded redis is stopped: calls NACK or wait until it is resumed' : 'the embedded redis is running again';
        }),

      setCalleeDelay: (ms) =>
        act('callee delay', async () => {
          const s = await bridge.call('fault.calleeDelay', { ms });
          return s.faults.calleeDelayMs > 0 ? `every callee run is delayed by ${s.faults.calleeDelayMs} ms` : 'callee delay off';
        }),

      tap: (channels, patterns) =>
        act('tap', async () => {
          const { tapId } = await bridge.call('redis.tap', { channels, patterns });
          set({ taps: [...get().taps, { tapId, channels, patterns }] });
          return `${tapId} listens on ${[...channels, ...patterns.map((p) => `${p} (pattern)`)].join(', ')}`;
        }),

      untap: (tapId) =>
        act('untap', async () => {
          try {
            await bridge.call('redis.untap', { tapId });
          } finally {
            // gone either way: a tap the host does not know is not listening
            set({ taps: get().taps.filter((t) => t.tapId !== tapId) });
          }
          return `${tapId} stopped`;
        }),

      clearTapMessages: () => set({ tapMessages: [] }),

      addTapMessage(m) {
        const list = [m, ...get().tapMessages];
        if (list.length > TAP_KEEP) list.length = TAP_KEEP;
        set({ tapMessages: list });
      },
    };
  });
  return store;
}
