// "Run": calls the URI being edited (or shown) with JSON args through a Studio client, and shows the
// outcome, so that a callee can be tried without switching to the Playground.
import { JsonTree } from '../../components/JsonTree';
import { formatMs } from '../../lib/format-ms';
import { calleesStore, useCalleesStore } from './use-callees-store';

export function CalleeTrial({ uri }: { uri: string }) {
  const trial = useCalleesStore((s) => s.trial);
  const mine = trial.uri === uri;
  const run = () => void calleesStore().getState().runWith(uri, calleesStore().getState().trial.argsText);
  return (
    <section className="cl-trial" aria-label={`Run ${uri}`}>
      <form
        className="cl-editor-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label className="cl-grow">
          Args (JSON)
          <input
            className="mono"
            value={trial.argsText}
            spellCheck={false}
            data-testid="callee-trial-args"
            onChange={(e) => calleesStore().getState().setTrial({ argsText: e.target.value })}
          />
        </label>
        <button
          type="submit"
          disabled={mine && trial.state === 'running'}
          data-testid="callee-trial-run"
          title={`Call ${uri} with these args`}
        >
          Run
        </button>
      </form>
      {mine && trial.state === 'running' && <p className="cl-muted">Calling {uri}…</p>}
      {mine && trial.state === 'failed' && (
        <p className="cl-bad" role="alert" data-testid="callee-trial-outcome" data-state="failed">
          {trial.failure}
        </p>
      )}
      {mine && trial.state === 'done' && trial.outcome && (
        <div data-testid="callee-trial-outcome" data-state={trial.outcome.ok ? 'ok' : 'error'}>
          {trial.outcome.ok ? (
            <>
              <p className="cl-ok">ok in {formatMs(trial.outcome.latencyMs)}:</p>
              <JsonTree value={trial.outcome.result} />
            </>
          ) : (
            <p className="cl-bad">
              {trial.outcome.error?.result ? 'The callee answered with an error: ' : ''}
              {trial.outcome.error?.message}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
