// Fills the Metrics store from the host: a first sample, then every `metrics` event and every load
// run's progress. Returns the stop.
import type { BridgeLike } from '../../bridge/bridge-like';
import type { MetricsStore } from './metrics-store';

export function startMetricsFeed(bridge: BridgeLike, store: MetricsStore): () => void {
  const st = () => store.getState();
  const offs = [bridge.on('metrics', (s) => st().push(s)), bridge.on('load.progress', (ev) => st().onProgress(ev))];
  bridge.call('metrics.sample').then(
    (s) => st().push(s),
    () => undefined, // the next `metrics` event seeds the series instead
  );
  return () => {
    for (const off of offs) off();
  };
}
