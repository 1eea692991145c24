// Load runs against the Studio's own server: the parameters, live progress (throughput, latency
// percentiles, NACKs and expiries) and the final report.
import { useMemo, useState } from 'react';
import type { LoadProgressEvent } from '../../../../shared/bridge/contract';
import { formatMs } from '../../lib/format-ms';
import { DEFAULTS, type FormState, loadParams } from './load-form';
import { isRunning, type LoadPoint } from './metrics-store';
import { TimeChart } from './TimeChart';
import { metricsStore, useMetricsStore } from './use-metrics-store';

const THROUGHPUT = [{ label: 'results/s', color: '--accent' }];
const LATENCY = [
  { label: 'p50', color: '--ok' },
  { label: 'p90', color: '--warn' },
  { label: 'p99', color: '--err' },
];
const FAILURES = [
  { label: 'NACK', color: '--err' },
  { label: 'expired', color: '--warn' },
  { label: 'failed', color: '--muted' },
];

function Field({ label, value, onChange, hint }: { label: string; value: string; onChange: (v: string) => void; hint?: string }) {
  return (
    <label className="mv-field" title={hint}>
      <span>{label}</span>
      <input value={value} onChange={(e) => onChange(e.target.value)} data-testid={`load-${label.split(' ')[0]}`} />
    </label>
  );
}

function cols(points: LoadPoint[], fields: (keyof LoadPoint)[]): number[][] {
  return [points.map((p) => p.elapsedS), ...fields.map((f) => points.map((p) => p[f]))];
}

function LoadReport({ ev }: { ev: LoadProgressEvent }) {
  const l = ev.latencyMs;
  const rows: [string, string | number][] = [
    ['state', ev.state],
    ['duration', `${(ev.elapsedMs / 1000).toFixed(2)} s`],
    ['connections', ev.params.connections],
    ['rate', ev.params.rateMs < 0 ? 'back-to-back' : `${ev.params.rateMs} ms`],
    ['URI', ev.params.uri],
    ['calls', ev.calls],
    ['ACKs', ev.acks],
    ['NACKs', ev.nacks],
    ['results', ev.results],
    ['error results', ev.errorResults],
    ['expired', ev.expired],
    ['failed', ev.failed],
    ['throughput', `${ev.throughput.toFixed(1)} results/s`],
  ];
  const lat: [string, number][] = [
    ['count', l.count],
    ['min', l.min],
    ['median', l.median],
    ['p75', l.p75],
    ['p90', l.p90],
    ['p99', l.p99],
    ['max', l.max],
    ['mean', l.mean],
  ];
  return (
    <div className="mv-report" data-testid="load-report">
      <h4>Report</h4>
      {ev.error && <div className="mv-err">{ev.error}</div>}
      <div className="mv-report-tables">
        <table className="mv-table">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="mono" data-testid={`report-${k.replace(/\s/g, '-')}`}>
                  {v}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="mv-table">
          <caption>latency, ms</caption>
          <tbody>
            {lat.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="mono">{k === 'count' ? v : v.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function LoadPanel() {
  const [form, setForm] = useState<FormState>(DEFAULTS);
  const load = useMetricsStore((s) => s.load);
  const starting = useMetricsStore((s) => s.starting);
  const stopping = useMetricsStore((s) => s.stopping);
  const loadError = useMetricsStore((s) => s.loadError);
  const running = isRunning(load);
  const { params, error } = loadParams(form);
  const points = load?.points;
  const throughput = useMemo(() => cols(points ?? [], ['throughput']), [points]);
  const latency = useMemo(() => cols(points ?? [], ['p50', 'p90', 'p99']), [points]);
  const failures = useMemo(() => cols(points ?? [], ['nacks', 'expired', 'failed']), [points]);
  const set = (k: keyof FormState) => (v: string) => setForm({ ...form, [k]: v });
  const ev = load?.latest;
  return (
    <section className="mv-section" aria-labelledby="mv-load-h" data-testid="load-panel">
      <h3 id="mv-load-h">Load run</h3>
      <form
        className="mv-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (params) void metricsStore().getState().startLoad(params);
        }}
      >
        <Field label="connections" value={form.connections} onChange={set('connections')} />
        <Field
          label="rate (ms)"
          value={form.rateMs}
          onChange={set('rateMs')}
          hint="delay between two calls of one connection; -1: back-to-back"
        />
        <Field label="duration (ms)" value={form.durationMs} onChange={set('durationMs')} />
        <Field label="URI" value={form.uri} onChange={set('uri')} />
        <Field label="payload" value={form.payload} onChange={set('payload')} hint="sent as a JSON string, as the Go load tester does" />
        <Field label="timeout (ms)" value={form.timeoutMs} onChange={set('timeoutMs')} />
        <button type="submit" disabled={!params || running || starting} data-testid="load-start">
          {starting ? 'Starting…' : 'Start'}
        </button>
        <button
          type="button"
          disabled={!running || stopping}
          onClick={() => void metricsStore().getState().stopLoad()}
          data-testid="load-stop"
        >
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      </form>
      {error && <div className="mv-err">{error}</div>}
      {loadError && (
        <div className="mv-err" role="alert">
          {loadError}
        </div>
      )}
      {ev && (
        <div className="mv-row mv-progress" data-testid="load-progress" data-state={ev.state}>
          {running && <span className="spinner">running</span>}
          <span>
            {load.loadId} · {(ev.elapsedMs / 1000).toFixed(1)} / {(ev.params.durationMs / 1000).toFixed(1)} s
          </span>
          {running && <progress max={ev.params.durationMs} value={Math.min(ev.elapsedMs, ev.params.durationMs)} />}
          <span>
            calls <b className="mono">{ev.calls}</b>
          </span>
          <span>
            results{' '}
            <b className="mono" data-testid="progress-results">
              {ev.results}
            </b>
          </span>
          <span>
            NACK <b className="mono">{ev.nacks}</b>
          </span>
          <span>
            expired <b className="mono">{ev.expired}</b>
          </span>
          <span>
            {ev.throughput.toFixed(0)} results/s · p50 {formatMs(ev.latencyMs.median)} · p99 {formatMs(ev.latencyMs.p99)}
          </span>
        </div>
      )}
      {load && (
        <div className="mv-grid">
          <TimeChart title="Throughput" series={THROUGHPUT} data={throughput} time={false} unit="/s" data-testid="chart-load-throughput" />
          <TimeChart title="Latency percentiles" series={LATENCY} data={latency} time={false} unit="ms" data-testid="chart-load-latency" />
          <TimeChart
            title="NACKs, expired, failed (cumulative)"
            series={FAILURES}
            data={failures}
            time={false}
            data-testid="chart-load-failures"
          />
        </div>
      )}
      {load?.final && <LoadReport ev={load.final} />}
    </section>
  );
}
