// Jump to a revision (Redux DevTools' "jump"): the Studio sets its own peer's local data to what it was
// at a past revision, and the peer sends the patch to the other side like any edit. Only the Studio's
// own local replicas: a remote copy follows the other peer, and a watched system (an attached sync
// server, the two ends of a sync proxy's connection) is never changed by the Studio.
import type { SyncPeerInfo } from '../../../../shared/bridge/contract';
import type { Replica } from './sync-store';

export type JumpAvailability = { ok: true } | { ok: false; why: string };

export function jumpAvailability(peer: SyncPeerInfo | undefined, replica: Replica, revision: number, latest: number): JumpAvailability {
  if (!peer) return { ok: false, why: 'No peer selected.' };
  if (peer.target) {
    const what =
      peer.target.kind === 'attach' ? `the attached sync server ${peer.target.url}` : `the sync proxy's connection to ${peer.target.url}`;
    return { ok: false, why: `The Studio only watches ${what}: it never changes a system it only watches.` };
  }
  if (replica === 'remote') {
    return {
      ok: false,
      why: `A remote copy follows the other peer's data: to jump, pick the other peer's local history (the Studio sets only a peer's own local data).`,
    };
  }
  if (!peer.connected) return { ok: false, why: `${peer.peerId} is closed: its data can no longer reach a peer.` };
  if (revision >= latest) return { ok: false, why: `rev ${revision} is the current data already: move the slider to a past revision.` };
  return { ok: true };
}
