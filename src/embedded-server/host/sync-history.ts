// The Studio host's sync history: every replica's changes, for the Sync view's timeline and scrubber,
// bounded in count (per replica) and in patch text (across every peer), with what was let go counted
// (issue 11, item 6: it grew without bound, 253 MiB held after sixty 4 MB frames).
//
// A change is charged the length of its patch's JSON text. Revisions share what did not change
// between them (patch.ts applies copy on write), so the patch is what a change adds to memory; a held
// history also keeps the data before its oldest change, at most one more document per replica.
import type { SyncChange, SyncHistoryStats } from '../../shared/bridge/contract';
import { jsonSize } from '../../shared/json-size';

export interface SyncHistoryLimits {
  /** Changes kept per replica of each peer. Default 5,000. */
  maxChanges: number;
  /** Patch text kept across every peer, in UTF-16 units. Default 64 Mi (about 128 MiB of heap at most). */
  maxBytes: number;
}

export const DEFAULT_SYNC_HISTORY_LIMITS: SyncHistoryLimits = { maxChanges: 5000, maxBytes: 64 << 20 };

type Replica = 'local' | 'remote';

interface Held {
  change: SyncChange;
  bytes: number;
  /** Insertion order across every replica: the oldest held change goes first when bytes overflow. */
  order: number;
}

export class SyncHistory {
  readonly limits: SyncHistoryLimits;
  readonly #byPeer = new Map<string, Record<Replica, Held[]>>();
  #order = 0;
  #heldChanges = 0;
  #heldBytes = 0;
  #droppedChanges = 0;
  #droppedBytes = 0;
  #droppedPeers = 0;

  constructor(limits: Partial<SyncHistoryLimits> = {}) {
    this.limits = {
      maxChanges: Math.max(1, limits.maxChanges ?? DEFAULT_SYNC_HISTORY_LIMITS.maxChanges),
      maxBytes: Math.max(0, limits.maxBytes ?? DEFAULT_SYNC_HISTORY_LIMITS.maxBytes),
    };
  }

  /** Holds `change`, then lets the oldest go until both bounds hold (the new change too, if it alone is too big). */
  add(change: SyncChange & { replica: Replica }): void {
    let peer = this.#byPeer.get(change.peerId);
    if (!peer) {
      peer = { local: [], remote: [] };
      this.#byPeer.set(change.peerId, peer);
    }
    const bytes = jsonSize(change.patch);
    const list = peer[change.replica];
    list.push({ change, bytes, order: ++this.#order });
    this.#heldChanges++;
    this.#heldBytes += bytes;
    while (list.length > this.limits.maxChanges) this.#dropOldest(list);
    while (this.#heldBytes > this.limits.maxBytes) {
      const oldest = this.#oldestList();
      if (!oldest) break;
      this.#dropOldest(oldest);
    }
  }

  /** The changes of one replica, oldest first, from `fromRevision` on. */
  list(peerId: string, replica: Replica, fromRevision = 0): SyncChange[] {
    const held = this.#byPeer.get(peerId)?.[replica] ?? [];
    const out: SyncChange[] = [];
    for (const h of held) if (h.change.revision >= fromRevision) out.push(h.change);
    return out;
  }

  /** Changes and patch text held for one peer. */
  peerSize(peerId: string): { changes: number; bytes: number } {
    const p = this.#byPeer.get(peerId);
    let changes = 0;
    let bytes = 0;
    for (const list of p ? [p.local, p.remote] : []) {
      changes += list.length;
      for (const h of list) bytes += h.bytes;
    }
    return { changes, bytes };
  }

  /** Forgets a peer's whole history (a closed, unpinned peer). */
  forget(peerId: string): void {
    const size = this.peerSize(peerId);
    this.#byPeer.delete(peerId);
    this.#heldChanges -= size.changes;
    this.#heldBytes -= size.bytes;
    this.#droppedPeers++;
  }

  stats(): SyncHistoryStats {
    return {
      maxChanges: this.limits.maxChanges,
      maxBytes: this.limits.maxBytes,
      heldChanges: this.#heldChanges,
      heldBytes: this.#heldBytes,
      droppedChanges: this.#droppedChanges,
      droppedBytes: this.#droppedBytes,
      droppedPeers: this.#droppedPeers,
    };
  }

  #dropOldest(list: Held[]): void {
    const h = list.shift();
    if (!h) return;
    this.#heldChanges--;
    this.#heldBytes -= h.bytes;
    this.#droppedChanges++;
    this.#droppedBytes += h.bytes;
  }

  /** The replica whose first change is the oldest held: a scan of the held peers (open ones and pinned ones). */
  #oldestList(): Held[] | undefined {
    let best: Held[] | undefined;
    let bestOrder = Number.POSITIVE_INFINITY;
    for (const p of this.#byPeer.values()) {
      for (const list of [p.local, p.remote]) {
        const first = list[0];
        if (first && first.order < bestOrder) {
          best = list;
          bestOrder = first.order;
        }
      }
    }
    return best;
  }
}
