// The Metrics view's state: a rolling window of per-second rates from the host's `metrics` events, and
// the current load run (its progress as series, its final report). Made as stores/README.md says:
// metrics-feed.ts fills it, use-metrics-store.ts is its one instance; tests hand it a fake bridge.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type LoadParams, type LoadProgressEvent, type MetricsSample, noLatency, noLoadCounts } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage } from '../../lib/error-message';
import { deriveRates, type RatePoint, trimWindow } from './rates';

/** How much history the charts keep, ms. */
export const WINDOW_MS = 5 * 60_000;

export interface LoadPoint {
  elapsedS: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  results: number;
  nacks: number;
  expired: number;
  failed: number;
}

export interface LoadRun {
  loadId: string;
  params: LoadParams;
  points: LoadPoint[];
  latest: LoadProgressEvent;
  /** Set once the run is over (done, stopped or failed). */
  final?: LoadProgressEvent;
}

export interface MetricsState {
  last?: MetricsSample;
  points: RatePoint[];
  load?: LoadRun;
  /** load.start sent, no answer yet. */
  starting: boolean;
  stopping: boolean;
  loadError?: string;

  push(sample: MetricsSample): void;
  onProgress(ev: LoadProgressEvent): void;
  startLoad(params: LoadParams): Promise<void>;
  stopLoad(): Promise<void>;
}

export type MetricsStore = StoreApi<MetricsState>;

export const isRunning = (run: LoadRun | undefined) => run !== undefined && run.final === undefined;

function pointOf(ev: LoadProgressEvent): LoadPoint {
  return {
    elapsedS: ev.elapsedMs / 1000,
    throughput: ev.throughput,
    p50: ev.latencyMs.median,
    p90: ev.latencyMs.p90,
    p99: ev.latencyMs.p99,
    results: ev.results,
    nacks: ev.nacks,
    expired: ev.expired,
    failed: ev.failed,
  };
}

export function createMetricsStore(bridge: BridgeLike): MetricsStore {
  return createStore<MetricsState>()((set, get) => ({
    points: [],
    starting: false,
    stopping: false,

    push(sample) {
      const last = get().last;
      if (last && sample.at <= last.at) return; // a late or repeated sample
      const p = last ? deriveRates(last, sample) : undefined;
      set({ last: sample, points: p ? trimWindow([...get().points, p], WINDOW_MS) : get().points });
    },

    onProgress(ev) {
      const cur = get().load;
      // the host's first event can arrive before load.start's answer: the event names the run
      const run: LoadRun = cur && cur.loadId === ev.loadId ? { ...cur } : { loadId: ev.loadId, params: ev.params, points: [], latest: ev };
      run.latest = ev;
      if (ev.state === 'running') {
        // the final report sums the whole run: it is not a point of the live series
        if (ev.elapsedMs > 0) run.points = [...run.points, pointOf(ev)];
      } else {
        run.final = ev;
      }
      set({ load: run, stopping: ev.state === 'running' ? get().stopping : false });
    },

    async startLoad(params) {
      set({ starting: true, loadError: undefined });
      try {
        const { loadId } = await bridge.call('load.start', params);
        if (get().load?.loadId !== loadId) {
          set({
            load: {
              loadId,
              params,
              points: [],
              latest: {
                loadId,
                params,
                state: 'running',
                elapsedMs: 0,
                ...noLoadCounts,
                throughput: 0,
                latencyMs: { ...noLatency },
              },
            },
          });
        }
      } catch (err) {
        set({ loadError: errorMessage(err) });
      } finally {
        set({ starting: false });
      }
    },

    async stopLoad() {
      const run = get().load;
      if (!isRunning(run)) return;
      set({ stopping: true });
      try {
        await bridge.call('load.stop', { loadId: run!.loadId });
      } catch (err) {
        set({ loadError: errorMessage(err), stopping: false });
      }
    },
  }));
}
