// Each change of the selected replica, newest first, as its RFC 6902 operations; an opened change shows
// the data before and after it with the touched paths highlighted.
import { useMemo } from 'react';
import type { SyncChange } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { OpLine } from './OpLine';
import { changedPaths, type OpWithOld, withOldValues } from './revisions';
import { syncStore, useSyncStore } from './use-sync-store';

const SHOWN = 200;
const OPS_SHOWN = 20;

// a change never changes: its operations with their old values are worked out once
const opsCache = new WeakMap<SyncChange, OpWithOld[]>();
function opsOf(c: SyncChange): OpWithOld[] {
  let ops = opsCache.get(c);
  if (!ops) {
    ops = withOldValues(c.before, c.patch, OPS_SHOWN);
    opsCache.set(c, ops);
  }
  return ops;
}

function ChangeDetail({ change }: { change: SyncChange }) {
  const highlight = useMemo(() => changedPaths(change.patch), [change]);
  return (
    <div className="sv-pair" data-testid="change-detail">
      <div className="sv-tree">
        <div className="sv-tree-head">before (rev {change.revision - 1})</div>
        <JsonTree value={change.before} openDepth={3} highlight={highlight} />
      </div>
      <div className="sv-tree">
        <div className="sv-tree-head">after (rev {change.revision})</div>
        <JsonTree value={change.after} openDepth={3} highlight={highlight} />
      </div>
    </div>
  );
}

export function PatchTimeline({ history }: { history: SyncChange[] }) {
  const open = useSyncStore((s) => s.openRevision);
  const shown = useMemo(() => history.slice(-SHOWN).reverse(), [history]);
  const opened = open === undefined ? undefined : history.find((c) => c.revision === open);
  return (
    <section className="sv-section" aria-labelledby="sv-timeline-h">
      <h3 id="sv-timeline-h">Patch timeline</h3>
      {history.length === 0 ? (
        <p className="sv-muted">No change yet: edit a peer's local data below.</p>
      ) : (
        <ol className="sv-timeline" data-testid="patch-timeline">
          {shown.map((c) => (
            <li
              key={c.revision}
              data-testid="timeline-entry"
              data-revision={c.revision}
              className={c.revision === open ? 'sv-open' : undefined}
            >
              <button
                type="button"
                className="sv-link"
                aria-expanded={c.revision === open}
                onClick={() =>
                  syncStore()
                    .getState()
                    .openChange(c.revision === open ? undefined : c.revision)
                }
              >
                rev {c.revision} · {new Date(c.at).toLocaleTimeString()} · {c.patch.length} ops
              </button>
              <ul className="sv-ops mono">
                {opsOf(c).map((entry, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: operations have no identity beyond their place in the patch
                  <OpLine key={i} entry={entry} testId="patch-op" />
                ))}
                {c.patch.length > OPS_SHOWN && <li className="sv-muted">… {c.patch.length - OPS_SHOWN} more</li>}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {history.length > SHOWN && (
        <p className="sv-muted">
          Showing the latest {SHOWN} of {history.length} changes.
        </p>
      )}
      {opened && <ChangeDetail change={opened} />}
    </section>
  );
}
