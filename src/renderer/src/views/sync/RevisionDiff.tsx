// The difference between any two revisions of the selected replica, as operations and as the later
// state with the touched paths highlighted.
import { useMemo } from 'react';
import type { SyncChange } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { changedPaths, diffRevisions, formatOp, revisionsOf, stateAt } from './revisions';
import { syncStore, useSyncStore } from './use-sync-store';

export function RevisionDiff({ history }: { history: SyncChange[] }) {
  const revisions = revisionsOf(history);
  const fromSel = useSyncStore((s) => s.diffFrom);
  const toSel = useSyncStore((s) => s.diffTo);
  const first = revisions[0];
  const last = revisions.at(-1);
  const from = fromSel ?? first;
  const to = toSel ?? last;
  const ops = useMemo(() => (from === undefined || to === undefined ? [] : diffRevisions(history, from, to)), [history, from, to]);
  const highlight = useMemo(() => changedPaths(ops), [ops]);
  if (from === undefined || to === undefined) return null;
  const options = revisions.map((r) => (
    <option key={r} value={r}>
      {r}
    </option>
  ));
  return (
    <section className="sv-section" aria-labelledby="sv-diff-h">
      <h3 id="sv-diff-h">Diff between two revisions</h3>
      <div className="sv-row">
        <label>
          From{' '}
          <select value={from} data-testid="diff-from" onChange={(e) => syncStore().getState().setDiff(Number(e.target.value), to)}>
            {options}
          </select>
        </label>
        <label>
          To{' '}
          <select value={to} data-testid="diff-to" onChange={(e) => syncStore().getState().setDiff(from, Number(e.target.value))}>
            {options}
          </select>
        </label>
        <span className="sv-muted">{ops.length === 0 ? 'no difference' : `${ops.length} operations`}</span>
      </div>
      <div className="sv-pair">
        <ul className="sv-ops mono" data-testid="diff-ops">
          {ops.slice(0, 200).map((op, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: operations have no identity beyond their place
            <li key={i} className={`sv-op sv-op-${op.op}`}>
              {formatOp(op)}
            </li>
          ))}
          {ops.length > 200 && <li className="sv-muted">… {ops.length - 200} more</li>}
        </ul>
        <div className="sv-tree" data-testid="diff-state">
          <div className="sv-tree-head">rev {to}</div>
          <JsonTree key={`${from}-${to}`} value={stateAt(history, to)} openDepth={3} highlight={highlight} />
        </div>
      </div>
    </section>
  );
}
