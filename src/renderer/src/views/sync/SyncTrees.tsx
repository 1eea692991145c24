// Both peers side by side, each with its local data and its remote copy of the other's; the paths the
// latest change of a replica touched are highlighted.
import { useMemo } from 'react';
import type { SyncChange, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { changedPaths } from './revisions';
import { historyKey, type Replica } from './sync-store';
import { useSyncStore } from './use-sync-store';

const EMPTY: SyncChange[] = [];

function ReplicaTree({ peer, replica, testId }: { peer: SyncPeerInfo; replica: Replica; testId: string }) {
  const history = useSyncStore((s) => s.histories[historyKey(peer.peerId, replica)] ?? EMPTY);
  const last = history.at(-1);
  const highlight = useMemo(() => (last ? changedPaths(last.patch) : undefined), [last]);
  const value = replica === 'local' ? peer.local : peer.remote;
  const revision = replica === 'local' ? peer.localRevision : peer.remoteRevision;
  return (
    <div className="sv-tree" data-testid={`${testId}-${replica}`}>
      <div className="sv-tree-head">
        <strong>{replica}</strong> <span className="sv-muted">rev {revision}</span>
      </div>
      {/* keyed by revision: a new revision opens the tree afresh on the changed paths */}
      <JsonTree key={revision} value={value} openDepth={3} highlight={highlight} />
    </div>
  );
}

/** A peer of an attached or proxied target is told apart by its id (the demo pair's by its role). */
export function PeerColumn({ peer, title }: { peer: SyncPeerInfo; title: string }) {
  const id = peer.target ? peer.peerId : peer.role;
  return (
    <section className="sv-peer" aria-label={title} data-testid={`peer-${id}`}>
      <h3>
        {title} <span className="mono sv-muted">{peer.peerId}</span>{' '}
        <span className="sv-gen" data-testid="peer-generation" title="the data-sync wire generation this peer speaks">
          {peer.generation}
        </span>{' '}
        <span className={peer.connected ? 'sv-ok' : 'sv-err'}>{peer.connected ? 'connected' : 'disconnected'}</span>
      </h3>
      <div className="sv-pair">
        <ReplicaTree peer={peer} replica="local" testId={`tree-${id}`} />
        <ReplicaTree peer={peer} replica="remote" testId={`tree-${id}`} />
      </div>
    </section>
  );
}
