// "Watch (MONITOR)": the redis watch on the inspected redis. It turns every process's juggler commands
// into trace events (Traces view); MONITOR slows redis, so the warning comes before it starts, and the
// rate, drops and time left show while it runs.
import { useEffect } from 'react';
import { formatMs } from '../../lib/format-ms';
import { useWatchStore, watchStore } from './use-redis-store';
import { MONITOR_WARNING } from './watch-store';

export function WatchPanel() {
  const s = watchStore();
  const status = useWatchStore((x) => x.status);
  const confirming = useWatchStore((x) => x.confirming);
  const limitMin = useWatchStore((x) => x.limitMin);
  const busy = useWatchStore((x) => x.busy);
  const error = useWatchStore((x) => x.error);
  useEffect(() => {
    void s.getState().refresh();
  }, [s]);
  const running = status?.running === true;
  return (
    <section className="rv-section" aria-labelledby="rv-watch-h" data-testid="watch-panel">
      <h3 id="rv-watch-h">Watch (MONITOR)</h3>
      <p className="rv-muted">
        Reads redis' command stream and shows the juggler commands of every process (servers, callees, Go or TypeScript) in Traces, folded
        into each call's waterfall.
      </p>
      {running ? (
        <div className="rv-row" data-testid="watch-running">
          <span>
            watching {status.url ?? 'redis'}
            {status.nodes.length > 1 && ` (${status.nodes.length} masters)`}: <strong data-testid="watch-rate">{status.rate}</strong>{' '}
            commands/s · {status.commands} seen · {status.ops} juggler operations ·{' '}
            <span className={status.dropped > 0 ? 'rv-warn' : undefined} data-testid="watch-dropped">
              {status.dropped} dropped
            </span>
            {status.parseErrors > 0 && <span className="rv-warn"> · {status.parseErrors} unreadable lines</span>} · stops in{' '}
            {formatMs(status.remainingMs)}
          </span>
          <button type="button" disabled={busy} onClick={() => void s.getState().stop()} data-testid="watch-stop">
            Stop
          </button>
        </div>
      ) : confirming ? (
        <div className="rv-row" role="alertdialog" aria-label="MONITOR slows redis" data-testid="watch-warning">
          <span className="rv-warn">{MONITOR_WARNING}</span>
          <button type="button" disabled={busy} onClick={() => void s.getState().confirm()} data-testid="watch-confirm">
            Start watching for {limitMin} min
          </button>
          <button type="button" onClick={() => s.getState().cancel()}>
            Cancel
          </button>
        </div>
      ) : (
        <form
          className="rv-row"
          onSubmit={(e) => {
            e.preventDefault();
            s.getState().ask();
          }}
        >
          <label>
            Time limit (min){' '}
            <input
              type="number"
              min={0.1}
              step="any"
              value={limitMin}
              onChange={(e) => s.getState().setLimitMin(Number(e.target.value))}
              data-testid="watch-limit"
            />
          </label>
          <button type="submit" disabled={busy} data-testid="watch-start">
            Watch…
          </button>
          {status?.stoppedReason && <span className="rv-muted">last watch: {status.stoppedReason}</span>}
        </form>
      )}
      {error && <p className="rv-error">{error}</p>}
    </section>
  );
}
