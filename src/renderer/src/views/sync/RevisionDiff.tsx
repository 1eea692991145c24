// The difference between any two revisions of the selected replica: its operations, each with the value
// it overwrites beside the new one, and the two states side by side with the touched paths highlighted.
import { useMemo } from 'react';
import type { SyncChange } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { OpLine } from './OpLine';
import { changedPaths, diffRevisions, revisionsOf, stateAt, withOldValues } from './revisions';
import { syncStore, useSyncStore } from './use-sync-store';

const SHOWN_OPS = 200;

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
  const shown = useMemo(() => (from === undefined ? [] : withOldValues(stateAt(history, from), ops, SHOWN_OPS)), [history, from, ops]);
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
      <ul className="sv-ops mono" data-testid="diff-ops">
        {shown.map((entry, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: operations have no identity beyond their place
          <OpLine key={i} entry={entry} />
        ))}
        {ops.length > SHOWN_OPS && <li className="sv-muted">… {ops.length - SHOWN_OPS} more</li>}
      </ul>
      <div className="sv-pair">
        <div className="sv-tree" data-testid="diff-old-state">
          <div className="sv-tree-head">rev {from} (old)</div>
          <JsonTree key={`${from}-${to}`} value={stateAt(history, from)} openDepth={3} highlight={highlight} />
        </div>
        <div className="sv-tree" data-testid="diff-state">
          <div className="sv-tree-head">rev {to} (new)</div>
          <JsonTree key={`${from}-${to}`} value={stateAt(history, to)} openDepth={3} highlight={highlight} />
        </div>
      </div>
    </section>
  );
}
