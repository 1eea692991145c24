// The alarm for replicas out of step: a peer's remote copy should equal the other peer's local data once
// the batching window has passed. A difference shorter than the window is a DATA on its way; a longer
// one is a lost or failed patch, and is what the Sync view raises.
import type { SyncPeerInfo } from '../../../../shared/bridge/contract';
import { deepEqual } from './revisions';

/** How long a difference may last before it is an alarm, ms: the demo's batching window (100 ms) and room to spare. */
export const DIVERGENCE_WINDOW_MS = 500;

export interface DivergencePair {
  /** `<owner>.local→<mirror>.remote` */
  id: string;
  /** The peer whose local data is the source. */
  owner: string;
  /** The peer whose remote copy mirrors it. */
  mirror: string;
  diverged: boolean;
  /** Date.now() when the copies first differed (while they still do). */
  since?: number;
  /** Diverged for longer than the window. */
  alarm: boolean;
}

/**
 * Pairs of connected peers on the two ends of the Studio's demo connection, and the two real ends of
 * each proxied connection (sync.proxy). A proxied pair is compared after it closed too: a patch the
 * receiver refused closes the connection, and the copies it left apart are what the user needs to see.
 */
function pairsOf(peers: readonly SyncPeerInfo[]): [SyncPeerInfo, SyncPeerInfo][] {
  const clients = peers.filter((p) => p.role === 'client' && p.connected && !p.target);
  const servers = peers.filter((p) => p.role === 'server' && p.connected && !p.target);
  const out: [SyncPeerInfo, SyncPeerInfo][] = [];
  const proxied = new Map<string, { client?: SyncPeerInfo; server?: SyncPeerInfo }>();
  for (const p of peers) {
    if (p.target?.kind !== 'proxy') continue;
    const key = `${p.target.targetId}/${p.target.connId}`;
    const ends = proxied.get(key) ?? {};
    ends[p.role] = p;
    proxied.set(key, ends);
  }
  for (const { client, server } of proxied.values()) {
    if (!client || !server) continue;
    out.push([server, client]);
    out.push([client, server]);
  }
  // the Studio client talks to one server connection; a user's own clients have no client peer here
  const client = clients[0];
  const server = servers[servers.length - 1];
  if (client && server) {
    out.push([server, client]);
    out.push([client, server]);
  }
  return out;
}

export function trackDivergence(
  previous: readonly DivergencePair[],
  peers: readonly SyncPeerInfo[],
  now: number,
  windowMs = DIVERGENCE_WINDOW_MS,
): DivergencePair[] {
  return pairsOf(peers).map(([owner, mirror]) => {
    const id = `${owner.peerId}.local→${mirror.peerId}.remote`;
    const diverged = !deepEqual(owner.local, mirror.remote);
    if (!diverged) return { id, owner: owner.peerId, mirror: mirror.peerId, diverged, alarm: false };
    const since = previous.find((p) => p.id === id)?.since ?? now;
    return { id, owner: owner.peerId, mirror: mirror.peerId, diverged, since, alarm: now - since > windowMs };
  });
}
