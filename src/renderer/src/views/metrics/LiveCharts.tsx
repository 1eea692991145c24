// The host's counters as per-second rates over the rolling window, plus active connections.
import { useMemo } from 'react';
import { WINDOW_MS } from './metrics-store';
import type { RatePoint } from './rates';
import { TimeChart } from './TimeChart';
import { useMetricsStore } from './use-metrics-store';

const CALLS = [{ label: 'CALL/s', color: '--accent' }];
const REPLIES = [
  { label: 'ACK/s', color: '--ok' },
  { label: 'NACK/s', color: '--err' },
  { label: 'RES/s', color: '--accent' },
  { label: 'EVNT/s', color: '--warn' },
];
const EXPIRED = [
  { label: 'expired calls/s', color: '--err' },
  { label: 'expired results/s', color: '--warn' },
];
const CONNS = [{ label: 'connections', color: '--accent' }];

function columns(points: RatePoint[], fields: (keyof RatePoint)[]): (number | null)[][] {
  return [points.map((p) => p.at / 1000), ...fields.map((f) => points.map((p) => p[f]))];
}

export function LiveCharts() {
  const points = useMetricsStore((s) => s.points);
  const calls = useMemo(() => columns(points, ['calls']), [points]);
  const replies = useMemo(() => columns(points, ['acks', 'nacks', 'results', 'events']), [points]);
  const expired = useMemo(() => columns(points, ['expiredCalls', 'expiredResults']), [points]);
  const conns = useMemo(() => columns(points, ['activeConns']), [points]);
  const last = points.at(-1);
  return (
    <section className="mv-section" aria-labelledby="mv-live-h">
      <h3 id="mv-live-h">
        Server, last {WINDOW_MS / 60_000} minutes{' '}
        <span className="mv-muted">
          {last
            ? `· now ${(last.calls ?? 0).toFixed(0)} calls/s, ${last.activeConns} connections`
            : '· waiting for the first two samples (one a second)…'}
        </span>
      </h3>
      <div className="mv-grid">
        <TimeChart title="Calls per second" series={CALLS} data={calls} time unit="/s" data-testid="chart-calls" />
        <TimeChart title="ACK, NACK, RES, EVNT per second" series={REPLIES} data={replies} time unit="/s" data-testid="chart-replies" />
        <TimeChart
          title="Expired calls and results per second"
          series={EXPIRED}
          data={expired}
          time
          unit="/s"
          data-testid="chart-expired"
        />
        <TimeChart title="Active connections" series={CONNS} data={conns} time data-testid="chart-conns" />
      </div>
    </section>
  );
}
