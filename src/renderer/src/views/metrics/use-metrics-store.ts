// The renderer's one Metrics store, made on first use; it keeps following the host's metrics while
// other views are shown, so the rolling window stays whole.
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startMetricsFeed } from './metrics-feed';
import { createMetricsStore, type MetricsState, type MetricsStore } from './metrics-store';

let store: MetricsStore | undefined;

export function metricsStore(): MetricsStore {
  if (!store) {
    store = createMetricsStore(getBridge().client);
    startMetricsFeed(getBridge().client, store);
  }
  return store;
}

/** Select primitives or stable references: a fresh object per call re-renders forever (zustand 5). */
export function useMetricsStore<T>(selector: (s: MetricsState) => T): T {
  return useStore(metricsStore(), selector);
}
