// The console output of one user callee (console.log/warn/error in its handler), oldest first.
import type { CalleeLog } from '../../../../shared/bridge/contract';
import { MAX_LOGS } from './callees-store';
import { calleesStore, useCalleesStore } from './use-callees-store';

const NO_LINES: CalleeLog[] = [];

function time(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function CalleeLogPanel({ uri }: { uri: string }) {
  const lines = useCalleesStore((s) => s.logs[uri] ?? NO_LINES);
  const dropped = useCalleesStore((s) => s.droppedLogs[uri] ?? 0);
  return (
    <section className="cl-log" aria-label={`Log of ${uri}`}>
      <div className="cl-editor-head">
        <h3>
          Log of <span className="mono">{uri}</span>
          {dropped > 0 && (
            <span className="cl-muted">
              {' '}
              ({dropped} older lines dropped; the last {MAX_LOGS} are kept)
            </span>
          )}
        </h3>
        <button type="button" onClick={() => calleesStore().getState().clearLogs(uri)} disabled={lines.length === 0}>
          Clear
        </button>
      </div>
      <ol className="cl-log-lines mono" data-testid="callee-log">
        {lines.length === 0 && <li className="cl-muted">No output yet: console.log in the handler writes here.</li>}
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: log lines are append-only; index plus time is stable enough
          <li key={`${l.at}:${i}`} className={`cl-log-${l.level}`} data-testid="callee-log-line">
            <span className="cl-muted">{time(l.at)}</span> {l.level !== 'log' && <strong>{l.level} </strong>}
            {l.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
