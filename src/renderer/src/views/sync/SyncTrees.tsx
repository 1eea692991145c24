// Both peers side by side, each with its local data and its remote copy of the other's; the paths the
// latest change of a replica touched are highlighted.
import { useMemo } from 'react';
import type { SyncChange, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { JsonTree } from '../../components/JsonTree';
import { changedPaths } from './revisions';
import { historyKey, type Replica } from './sync-store';
import { useSyncStore } from './use-sync-store';

const EMPTY: SyncChange[] = [];

function ReplicaTree({ peer, replica }: { peer: SyncPeerInfo; replica: Replica }) {
  const history = useSyncStore((s) => s.histories[historyKey(peer.peerId, replica)] ?? EMPTY);
  const last = history.at(-1);
  const highlight = useMemo(() => (last ? changedPaths(last.patch) : undefined), [last]);
  const value = replica === 'local' ? peer.local : peer.remote;
  const revision = replica === 'local' ? peer.localRevision : peer.remoteRevision;
  return (
    <div className="sv-tree" data-testid={`tree-${peer.role}-${replica}`}>
      <div className="sv-tree-head">
        <strong>{replica}</strong> <span className="sv-muted">rev {revision}</span>
      </div>
      {/* keyed by revision: a new revision opens the tree afresh on the changed paths */}
      <JsonTree key={revision} value={value} openDepth={3} highlight={highlight} />
    </div>
  );
}

export function PeerColumn({ peer, title }: { peer: SyncPeerInfo; title: string }) {
  return (
    <section className="sv-peer" aria-label={title} data-testid={`peer-${peer.role}`}>
      <h3>
        {title} <span className="mono sv-muted">{peer.peerId}</span>{' '}
        <span className={peer.connected ? 'sv-ok' : 'sv-err'}>{peer.connected ? 'connected' : 'disconnected'}</span>
      </h3>
      <div className="sv-pair">
        <ReplicaTree peer={peer} replica="local" />
        <ReplicaTree peer={peer} replica="remote" />
      </div>
    </section>
  );
}
