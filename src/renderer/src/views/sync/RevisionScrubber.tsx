// A slider over the selected replica's revisions: the data as it was at any of them.
import type { SyncChange } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { revisionsOf, stateAt } from './revisions';
import { syncStore, useSyncStore } from './use-sync-store';

export function RevisionScrubber({ history }: { history: SyncChange[] }) {
  const scrub = useSyncStore((s) => s.scrubRevision);
  const revisions = revisionsOf(history);
  if (revisions.length === 0) return null;
  const min = revisions[0]!;
  const max = revisions.at(-1)!;
  const rev = scrub === undefined ? max : Math.min(max, Math.max(min, scrub));
  return (
    <section className="sv-section" aria-labelledby="sv-scrub-h">
      <h3 id="sv-scrub-h">State at a revision</h3>
      <div className="sv-row">
        <label>
          Revision{' '}
          <input
            type="range"
            min={min}
            max={max}
            step={1}
            value={rev}
            data-testid="scrubber"
            onChange={(e) => {
              const v = Number(e.target.value);
              syncStore()
                .getState()
                .scrub(v >= max ? undefined : v);
            }}
          />
        </label>
        <span className="mono" data-testid="scrub-revision">
          rev {rev}
        </span>
        <span className="sv-muted">{scrub === undefined ? '(following the latest)' : `of ${max}`}</span>
        <button type="button" disabled={scrub === undefined} onClick={() => syncStore().getState().scrub(undefined)}>
          Latest
        </button>
      </div>
      <div className="sv-tree" data-testid="scrub-state">
        <JsonTree key={rev} value={stateAt(history, rev)} openDepth={3} />
      </div>
    </section>
  );
}
