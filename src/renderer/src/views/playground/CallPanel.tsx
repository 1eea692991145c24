// CALL from one client: URI (completed from the callees' URIs), JSON args, timeout; the result shown
// with its latency, and a history whose entries can be sent again or loaded back into the form.
import { CodeEditor } from '../../components/CodeEditor';
import { formatMs } from '../../lib/format-ms';
import { CallOutcomeView } from './CallOutcomeView';
import { compactJson, outcomeKind, outcomeLabel } from './call-outcome';
import { type ClientColumn, shownCall } from './playground-store';
import { playgroundStore } from './use-playground-store';

/** The id of the page's one <datalist> of callee URIs (see PlaygroundView). */
export const CALLEE_URIS_LIST = 'pg-callee-uris';

export function CallPanel({ column }: { column: ClientColumn }) {
  const id = column.info.clientId;
  const { draft } = column;
  const open = column.info.state === 'open';
  const shown = shownCall(column);
  const setDraft = (patch: Partial<ClientColumn['draft']>) => playgroundStore().getState().setDraft(id, patch);
  const send = () => {
    if (open) void playgroundStore().getState().sendCall(id);
  };

  return (
    <section className="pg-panel" aria-label="Call">
      <h4>CALL</h4>
      <form
        className="pg-call-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <div className="pg-row">
          <label className="pg-grow">
            URI
            <input
              value={draft.uri}
              onChange={(e) => setDraft({ uri: e.target.value })}
              list={CALLEE_URIS_LIST}
              spellCheck={false}
              data-testid="call-uri"
            />
          </label>
          <label className="pg-timeout">
            Timeout (ms)
            <input
              value={draft.timeoutText}
              onChange={(e) => setDraft({ timeoutText: e.target.value })}
              inputMode="numeric"
              placeholder="10000"
              data-testid="call-timeout"
            />
          </label>
        </div>
        <div className="pg-field">
          <span className="pg-label" id={`${id}-args-label`}>
            Args (JSON)
          </span>
          <CodeEditor
            value={draft.argsText}
            onChange={(argsText) => setDraft({ argsText })}
            language="json"
            onSubmit={send}
            ariaLabel="Call args (JSON)"
            height="5.5rem"
            data-testid="call-args"
          />
        </div>
        <div className="pg-row">
          <button type="submit" disabled={!open} data-testid="call-send" title="Send the CALL (Ctrl+Enter)">
            Call
          </button>
          {column.callProblem && (
            <p className="pg-problem" role="alert" data-testid="call-problem">
              {column.callProblem}
            </p>
          )}
        </div>
      </form>
      {shown && <CallOutcomeView record={shown} />}
      {column.history.length > 0 && (
        <details className="pg-history" open>
          <summary>History ({column.history.length})</summary>
          <ol data-testid="call-history">
            {column.history.map((r) => (
              <li key={r.id} data-testid="call-history-entry" data-kind={outcomeKind(r)} aria-current={r.id === column.shownCallId}>
                <span className="mono pg-history-uri">{r.uri}</span>
                <span className="mono pg-history-args" title={r.argsText}>
                  {compactJson(r.args, 60)}
                </span>
                <span className={`pg-badge pg-badge-${outcomeKind(r)}`}>{outcomeLabel(r)}</span>
                <span className="pg-latency">{r.outcome ? formatMs(r.outcome.latencyMs) : ''}</span>
                <button
                  type="button"
                  className="pg-history-action"
                  onClick={() => void playgroundStore().getState().resend(id, r.id)}
                  disabled={!open}
                  data-testid="call-resend"
                >
                  Re-send
                </button>
                <button
                  type="button"
                  className="pg-history-action"
                  onClick={() => playgroundStore().getState().loadCall(id, r.id)}
                  data-testid="call-load"
                >
                  Load
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
