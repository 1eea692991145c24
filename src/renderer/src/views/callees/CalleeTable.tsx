// The registered URIs with their state and metrics; stop/start for each, edit/remove for user ones.
import { useState } from 'react';
import type { CalleeInfo } from '../../../../shared/bridge/contract';
import { formatMs } from '../../lib/format-ms';
import { calleesStore, useCalleesStore } from './use-callees-store';

/** 0 is "no calls yet", not an instant callee. */
function ms(v: number): string {
  return v === 0 ? '–' : formatMs(v);
}

function RemoveButton({ uri }: { uri: string }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming)
    return (
      <button type="button" onClick={() => setConfirming(true)} data-testid="callee-remove">
        Remove
      </button>
    );
  return (
    <span className="cl-confirm">
      Remove?
      <button
        type="button"
        className="cl-danger"
        onClick={() => void calleesStore().getState().remove(uri)}
        aria-label={`Yes, remove ${uri}`}
        data-testid="callee-remove-confirm"
      >
        Yes
      </button>
      <button type="button" onClick={() => setConfirming(false)} aria-label={`No, keep ${uri}`}>
        No
      </button>
    </span>
  );
}

function CalleeRow({ c }: { c: CalleeInfo }) {
  const selected = useCalleesStore((s) => s.selected === c.uri);
  const busy = useCalleesStore((s) => !!s.busy[c.uri]);
  const m = c.metrics;
  const choose = () => {
    const s = calleesStore().getState();
    if (c.kind === 'demo') s.select(c.uri);
    else {
      if (s.draft.dirty && s.draft.editing !== c.uri && !window.confirm(`Discard the unsaved changes to ${s.draft.uri}?`)) return false;
      s.edit(c.uri);
    }
    return true;
  };
  return (
    <tr data-testid="callee-row" data-uri={c.uri} aria-selected={selected} className={selected ? 'cl-selected' : undefined}>
      <td>
        <button
          type="button"
          className="cl-uri mono"
          onClick={() => choose() && void calleesStore().getState().showRuns(c.uri)}
          title={c.kind === 'user' ? 'Edit the source, see its runs' : 'Show what it does and its runs'}
        >
          {c.uri}
        </button>
      </td>
      <td>
        {c.kind}
        {c.version !== undefined ? ` v${c.version}` : ''}
      </td>
      <td>
        <span className={`cl-state cl-state-${c.running ? 'running' : 'stopped'}`} data-testid="callee-state">
          {c.running ? 'running' : 'stopped'}
        </span>
      </td>
      <td className="cl-num" data-testid="callee-invocations">
        {m.invocations}
      </td>
      <td className={`cl-num${m.errors ? ' cl-bad' : ''}`}>
        {m.errors ? (
          <button
            type="button"
            className="link-button"
            data-testid="callee-errors"
            title="Show the failed runs"
            onClick={() => choose() && void calleesStore().getState().showRuns(c.uri, true)}
          >
            {m.errors}
          </button>
        ) : (
          m.errors
        )}
      </td>
      <td className={`cl-num${m.killed ? ' cl-bad' : ''}`}>{m.killed}</td>
      <td className={`cl-num${m.expired ? ' cl-warn' : ''}`}>{m.expired}</td>
      <td className="cl-num">{ms(m.avgMs)}</td>
      <td className="cl-num">{ms(m.p95Ms)}</td>
      <td className="cl-actions">
        {c.running ? (
          <button type="button" disabled={busy} onClick={() => void calleesStore().getState().stop(c.uri)} data-testid="callee-stop">
            Stop
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void calleesStore().getState().start(c.uri)} data-testid="callee-start">
            Start
          </button>
        )}
        {c.kind === 'user' && <RemoveButton uri={c.uri} />}
      </td>
    </tr>
  );
}

export function CalleeTable() {
  const callees = useCalleesStore((s) => s.callees);
  const problem = useCalleesStore((s) => s.problem);
  return (
    <div className="cl-table-wrap">
      {problem && (
        <p className="cl-problem" role="alert" data-testid="callees-problem">
          {problem}
        </p>
      )}
      <table className="cl-table" data-testid="callee-table">
        <caption className="cl-caption">Registered URIs (metrics refresh every 1.5 s)</caption>
        <thead>
          <tr>
            <th scope="col">URI</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col" className="cl-num" title="Calls taken, expired ones included">
              Calls
            </th>
            <th scope="col" className="cl-num" title="Answered with an error">
              Errors
            </th>
            <th scope="col" className="cl-num" title="Worker killed (time or memory limit)">
              Killed
            </th>
            <th scope="col" className="cl-num" title="Found expired when popped: never run">
              Expired
            </th>
            <th scope="col" className="cl-num">
              Avg
            </th>
            <th scope="col" className="cl-num">
              p95
            </th>
            <th scope="col">
              <span className="cl-sr">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {callees.map((c) => (
            <CalleeRow key={c.uri} c={c} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
