// The Sync view: the Studio's two data-sync peers side by side, the divergence alarm, the patch
// timeline of a replica with a revision scrubber and a diff of any two revisions, and the editors;
// below the pair, the sync servers attached or proxied (issue 12, item 5), each peer with its generation.
import type { SyncChange, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { DivergenceAlarm } from './DivergenceAlarm';
import { HistoryBounds, PinControl } from './HistoryBounds';
import { HistorySelect } from './HistorySelect';
import { LocalEditor } from './LocalEditor';
import { MessageForm } from './MessageForm';
import { PatchTimeline } from './PatchTimeline';
import { RevisionDiff } from './RevisionDiff';
import { RevisionScrubber } from './RevisionScrubber';
import { SyncAttachPanel } from './SyncAttachPanel';
import { PeerColumn } from './SyncTrees';
import { historyKey, serverPeer } from './sync-store';
import { syncStore, useSyncStore } from './use-sync-store';
import './sync-view.css';

const EMPTY: SyncChange[] = [];

function Notice() {
  const notice = useSyncStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div className={notice.error ? 'sv-err' : 'sv-muted'} role="status" data-testid="sync-notice">
      {notice.text}
    </div>
  );
}

/** What a watched peer is: an attached server seen from our observer, or one end of a proxied connection. */
function watchedTitle(p: SyncPeerInfo): string {
  const t = p.target!;
  if (t.kind === 'attach') return `Attached ${t.url} (its data as our observer sees it)`;
  return `${p.role === 'client' ? 'Real client' : 'Real server'} of ${t.connId} via proxy to ${t.url}`;
}

export function SyncView() {
  const peers = useSyncStore((s) => s.peers);
  const loading = useSyncStore((s) => s.loading);
  const error = useSyncStore((s) => s.error);
  const selected = useSyncStore((s) => s.selected);
  const history = useSyncStore((s) => (s.selected ? (s.histories[historyKey(s.selected.peerId, s.selected.replica)] ?? EMPTY) : EMPTY));

  const client = peers.find((p) => p.role === 'client' && !p.target);
  const server = serverPeer(peers);
  const watched = peers.filter((p) => p.target);
  return (
    <section className="view sv" data-testid="view-sync">
      <div className="sv-row">
        <h2>Sync</h2>
        <button type="button" disabled={loading} onClick={() => void syncStore().getState().load()}>
          Reload
        </button>
        {loading && <span className="spinner">loading…</span>}
        {error && (
          <span className="sv-err" role="alert">
            {error}
          </span>
        )}
      </div>
      <DivergenceAlarm />
      <div className="sv-peers">
        {client && <PeerColumn peer={client} title="Studio client" />}
        {server && <PeerColumn peer={server} title="Server side" />}
        {!client && !server && !loading && <p className="sv-muted">No sync peer: the host's sync pair is not running.</p>}
      </div>
      <SyncAttachPanel />
      {watched.length > 0 && (
        <div className="sv-peers" data-testid="sync-watched-peers">
          {watched.map((p) => (
            <PeerColumn key={p.peerId} peer={p} title={watchedTitle(p)} />
          ))}
        </div>
      )}
      <div className="sv-edit-row">
        <LocalEditor />
        <div>
          <MessageForm />
          <Notice />
        </div>
      </div>
      <div className="sv-row sv-history-head">
        <HistorySelect />
        {selected && <span className="sv-muted">{history.length} changes held</span>}
        <PinControl />
      </div>
      <HistoryBounds />
      <div className="sv-history">
        <PatchTimeline history={history} />
        <div>
          <RevisionScrubber history={history} />
          <RevisionDiff history={history} />
        </div>
      </div>
    </section>
  );
}
