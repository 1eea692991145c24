// The redis watch control's state (bridge `watch.*`): MONITOR on the inspected redis, which costs
// redis throughput, so starting takes two steps (ask, then confirm after the warning); a time limit
// in minutes (default 5); the live status the host sends every second.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WatchStatus } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage } from '../../lib/error-message';

export const DEFAULT_LIMIT_MIN = 5;

export const MONITOR_WARNING =
  'MONITOR makes redis copy every command it runs to the Studio: a busy redis slows down while the watch runs (in bench/redis-watch.ts redis spent about 6 times the CPU per command and RPC round trips fell by half). It stops by itself after the time limit.';

export interface WatchState {
  status?: WatchStatus;
  /** The warning is shown and waits for a confirmation. */
  confirming: boolean;
  limitMin: number;
  busy: boolean;
  error?: string;
  setStatus(status: WatchStatus): void;
  refresh(): Promise<void>;
  /** First step of starting: show the warning. */
  ask(): void;
  cancel(): void;
  setLimitMin(min: number): void;
  /** Second step: start after the warning was read. */
  confirm(): Promise<void>;
  stop(): Promise<void>;
}

export type WatchStore = StoreApi<WatchState>;

export function createWatchStore(bridge: BridgeLike): WatchStore {
  return createStore<WatchState>()((set, get) => {
    const run = async (fn: () => Promise<WatchStatus>) => {
      set({ busy: true, error: undefined });
      try {
        set({ status: await fn(), busy: false });
      } catch (err) {
        set({ busy: false, error: errorMessage(err) });
      }
    };
    return {
      confirming: false,
      limitMin: DEFAULT_LIMIT_MIN,
      busy: false,
      setStatus: (status) => set({ status }),
      refresh: () => run(() => bridge.call('watch.status')),
      ask: () => set({ confirming: true, error: undefined }),
      cancel: () => set({ confirming: false }),
      setLimitMin: (min) => set({ limitMin: min }),
      confirm: async () => {
        const { limitMin } = get();
        if (!Number.isFinite(limitMin) || limitMin <= 0 || limitMin > 24 * 60) {
          set({ error: 'the time limit must be between 1 second and 24 hours (in minutes, e.g. 0.5 or 5)' });
          return;
        }
        set({ confirming: false });
        await run(() => bridge.call('watch.start', { limitMs: Math.max(1000, Math.round(limitMin * 60_000)) }));
      },
      stop: () => run(() => bridge.call('watch.stop')),
    };
  });
}
