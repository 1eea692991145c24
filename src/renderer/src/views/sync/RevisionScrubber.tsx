// A slider over the selected replica's revisions: the data as it was at any of them, and a jump back to
// it for the Studio's own local replicas (jump.ts says when and why not).
import type { SyncChange } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { jumpAvailability } from './jump';
import { revisionsOf, stateAt } from './revisions';
import { syncStore, useSyncStore } from './use-sync-store';

function JumpButton({ history, revision, latest }: { history: SyncChange[]; revision: number; latest: number }) {
  const selected = useSyncStore((s) => s.selected);
  const peer = useSyncStore((s) => s.peers.find((p) => p.peerId === s.selected?.peerId));
  const applying = useSyncStore((s) => s.applying);
  if (!selected) return null;
  const can = jumpAvailability(peer, selected.replica, revision, latest);
  return (
    <button
      type="button"
      data-testid="jump-to-revision"
      disabled={!can.ok || applying}
      title={can.ok ? `Set ${selected.peerId}'s local data to rev ${revision}: the patch goes to the other peer` : can.why}
      onClick={() => {
        const data = stateAt(history, revision);
        const store = syncStore().getState();
        void store.setLocal(selected.peerId, data).then((ok) => {
          if (!ok) return;
          store.scrub(undefined);
          syncStore()
            .getState()
            .notify(`jumped ${selected.peerId} to rev ${revision}: the other peer's remote copy follows after the batching window`);
        });
      }}
    >
      Jump here
    </button>
  );
}

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
        <JumpButton history={history} revision={rev} latest={max} />
      </div>
      <div className="sv-tree" data-testid="scrub-state">
        <JsonTree key={rev} value={stateAt(history, rev)} openDepth={3} />
      </div>
    </section>
  );
}
