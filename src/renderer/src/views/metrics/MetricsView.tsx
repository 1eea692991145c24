// The Metrics view: the server's rates over the last minutes, and load runs with their progress and
// report.
import { LiveCharts } from './LiveCharts';
import { LoadPanel } from './LoadPanel';
import { metricsStore } from './use-metrics-store';
import './metrics-view.css';

// the rolling window starts with the app, not with the first visit to this view
metricsStore();

export function MetricsView() {
  return (
    <section className="view mv" data-testid="view-metrics">
      <h2>Metrics</h2>
      <LiveCharts />
      <LoadPanel />
    </section>
  );
}
