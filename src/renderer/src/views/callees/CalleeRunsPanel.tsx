// A callee's recent runs: when, outcome, duration, args and result or error; a run opens to its full
// args and result, the error with the stack's lines of the user's own source, and "Run with these args".
import type { CalleeRun } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { formatMs } from '../../lib/format-ms';
import { sourceFrames } from './callees-store';
import { calleesStore, useCalleesStore } from './use-callees-store';

function time(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** JSON text as a tree when it parses (a cut text does not), else as text. */
function JsonText({ text, cut, testId }: { text: string; cut: boolean; testId: string }) {
  if (!cut) {
    try {
      return <JsonTree value={JSON.parse(text)} data-testid={testId} />;
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return (
    <pre className="mono cl-run-text" data-testid={testId}>
      {text}
      {cut && <span className="cl-muted"> … (cut: the host keeps the first 4,096 characters)</span>}
    </pre>
  );
}

function RunDetails({ run, source }: { run: CalleeRun; source?: string }) {
  const frames = run.stack ? sourceFrames(run.stack, run.uri, source) : [];
  return (
    <div className="cl-run-details" data-testid="callee-run-details">
      {run.args !== undefined && (
        <>
          <h4>
            Args{' '}
            <button
              type="button"
              data-testid="callee-run-again"
              disabled={run.cut?.includes('args')}
              title={run.cut?.includes('args') ? 'These args were cut: they cannot be sent again' : 'Call the URI again with these args'}
              onClick={() => void calleesStore().getState().runWith(run.uri, run.args!)}
            >
              Run with these args
            </button>
          </h4>
          <JsonText text={run.args} cut={!!run.cut?.includes('args')} testId="callee-run-args" />
        </>
      )}
      {run.error !== undefined ? (
        <>
          <h4>Error</h4>
          <p className="cl-bad" data-testid="callee-run-error">
            {run.error}
          </p>
          {frames.length > 0 && (
            <ol className="cl-frames mono" data-testid="callee-run-frames" aria-label="Where in your source">
              {frames.map((f) => (
                <li key={`${f.line}:${f.column}`}>
                  <span className="cl-muted">
                    line {f.line}, column {f.column}:
                  </span>{' '}
                  {f.text.trim()}
                </li>
              ))}
            </ol>
          )}
          {run.stack && (
            <details>
              <summary>Stack</summary>
              <pre className="mono cl-run-text" data-testid="callee-run-stack">
                {run.stack}
              </pre>
            </details>
          )}
        </>
      ) : (
        run.result !== undefined && (
          <>
            <h4>Result</h4>
            <JsonText text={run.result} cut={!!run.cut?.includes('result')} testId="callee-run-result" />
          </>
        )
      )}
    </div>
  );
}

export function CalleeRunsPanel({ uri }: { uri: string }) {
  const runs = useCalleesStore((s) => (s.runs?.uri === uri ? s.runs : undefined));
  const source = useCalleesStore((s) => s.callees.find((c) => c.uri === uri)?.source);
  const errorsOnly = runs?.errorsOnly ?? false;
  return (
    <section className="cl-runs" aria-label={`Recent runs of ${uri}`} data-testid="callee-runs">
      <div className="cl-editor-head">
        <h3>
          Recent runs of <span className="mono">{uri}</span>
        </h3>
        <label className="cl-check">
          <input
            type="checkbox"
            checked={errorsOnly}
            data-testid="callee-runs-errors-only"
            onChange={(e) => void calleesStore().getState().showRuns(uri, e.target.checked)}
          />
          errors only
        </label>
      </div>
      {runs?.problem && (
        <p className="cl-bad" role="alert">
          {runs.problem}
        </p>
      )}
      <table className="cl-table cl-runs-table">
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Outcome</th>
            <th scope="col" className="cl-num">
              Took
            </th>
            <th scope="col">Args</th>
            <th scope="col">Result or error</th>
          </tr>
        </thead>
        <tbody>
          {(runs?.list ?? []).length === 0 && (
            <tr>
              <td colSpan={5} className="cl-muted">
                {errorsOnly ? 'No failed run among the recent ones.' : 'No run yet: call the URI (Run below, or the Playground).'}
              </td>
            </tr>
          )}
          {(runs?.list ?? []).map((r) => (
            <RunRow key={r.msgUUID} run={r} open={runs?.open === r.msgUUID} source={source} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RunRow({ run, open, source }: { run: CalleeRun; open: boolean; source?: string }) {
  return (
    <>
      <tr
        data-testid="callee-run"
        data-outcome={run.outcome}
        className={open ? 'cl-selected' : undefined}
        onClick={() => calleesStore().getState().toggleRun(run.msgUUID)}
      >
        <td className="mono">
          <button type="button" className="cl-uri" aria-expanded={open} title="Show the whole run">
            {time(run.at)}
          </button>
        </td>
        <td className={run.outcome === 'ok' ? undefined : 'cl-bad'}>{run.outcome}</td>
        <td className="cl-num">{formatMs(run.durationMs)}</td>
        <td className="mono cl-run-cell">{run.args ?? ''}</td>
        <td className="mono cl-run-cell">{run.error ?? run.result ?? ''}</td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5}>
            <RunDetails run={run} source={source} />
          </td>
        </tr>
      )}
    </>
  );
}
