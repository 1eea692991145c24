// The Sync view's state: both peers' data, each replica's history (kept current by sync.change events),
// the timeline's selection, the scrubbed revision, the two revisions being compared and the divergence
// alarm. A vanilla store fed through a bridge handed in, so tests drive it with a fake.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BridgeClient } from '../../../../shared/bridge/client';
import type { SyncChange, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { type DivergencePair, trackDivergence } from './divergence';

export type SyncBridge = Pick<BridgeClient, 'call' | 'on'>;
export type Replica = 'local' | 'remote';

/** Changes kept per replica in the renderer (the host keeps 5000). */
export const HISTORY_KEEP = 2000;

export const historyKey = (peerId: string, replica: Replica) => `${peerId}/${replica}`;

export interface SyncState {
  peers: SyncPeerInfo[];
  loading: boolean;
  error?: string;
  /** `peer/replica` → its changes, oldest first. */
  histories: Record<string, SyncChange[]>;
  /** The history shown in the timeline. */
  selected?: { peerId: string; replica: Replica };
  /** The timeline entry opened (its revision). */
  openRevision?: number;
  /** The scrubber's revision; undefined follows the latest. */
  scrubRevision?: number;
  diffFrom?: number;
  diffTo?: number;
  divergence: DivergencePair[];
  notice?: { text: string; error: boolean };
  applying: boolean;

  load(): Promise<void>;
  onChange(c: SyncChange): void;
  checkDivergence(now?: number): void;
  select(peerId: string, replica: Replica): void;
  openChange(revision: number | undefined): void;
  scrub(revision: number | undefined): void;
  setDiff(from: number | undefined, to: number | undefined): void;
  setLocal(peerId: string, data: unknown): Promise<boolean>;
  sendMessage(peerId: string, message: unknown): Promise<boolean>;
  listen(): () => void;
}

export type SyncStore = StoreApi<SyncState>;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The server peer shown beside the Studio client: the latest connected one (a reconnect makes a new one). */
export function serverPeer(peers: readonly SyncPeerInfo[]): SyncPeerInfo | undefined {
  const servers = peers.filter((p) => p.role === 'server');
  return servers.filter((p) => p.connected).at(-1) ?? servers.at(-1);
}

export function createSyncStore(bridge: SyncBridge, now: () => number = Date.now): SyncStore {
  return createStore<SyncState>()((set, get) => ({
    peers: [],
    loading: false,
    histories: {},
    divergence: [],
    applying: false,

    async load() {
      set({ loading: true });
      try {
        const peers = await bridge.call('sync.peers');
        const entries = await Promise.all(
          peers.flatMap((p) =>
            (['local', 'remote'] as const).map(async (replica) => {
              const h = await bridge.call('sync.history', { peerId: p.peerId, replica });
              return [historyKey(p.peerId, replica), h.slice(-HISTORY_KEEP)] as const;
            }),
          ),
        );
        const histories: Record<string, SyncChange[]> = Object.fromEntries(entries);
        // changes that arrived as events while the histories were being read are kept
        for (const [key, mine] of Object.entries(get().histories)) {
          const h = histories[key];
          if (!h) continue;
          const last = h.at(-1)?.revision ?? -1;
          h.push(...mine.filter((c) => c.revision > last));
        }
        let selected = get().selected;
        if (!selected || !peers.some((p) => p.peerId === selected!.peerId)) {
          const server = serverPeer(peers);
          selected = server
            ? { peerId: server.peerId, replica: 'remote' }
            : peers[0]
              ? { peerId: peers[0].peerId, replica: 'local' }
              : undefined;
        }
        set({ peers, histories, selected, error: undefined });
        get().checkDivergence();
      } catch (err) {
        set({ error: message(err) });
      } finally {
        set({ loading: false });
      }
    },

    onChange(c) {
      if (c.replica === 'state') return;
      const replica = c.replica;
      const key = historyKey(c.peerId, replica);
      const h = [...(get().histories[key] ?? []), c];
      if (h.length > HISTORY_KEEP) h.splice(0, h.length - HISTORY_KEEP);
      const known = get().peers.some((p) => p.peerId === c.peerId);
      const peers = get().peers.map((p) =>
        p.peerId === c.peerId ? { ...p, [replica]: c.after, [replica === 'local' ? 'localRevision' : 'remoteRevision']: c.revision } : p,
      );
      set({ histories: { ...get().histories, [key]: h }, peers });
      get().checkDivergence();
      // a peer we have not seen (a new server connection): learn it and its history
      if (!known) void get().load();
    },

    checkDivergence(at = now()) {
      set({ divergence: trackDivergence(get().divergence, get().peers, at) });
    },

    select: (peerId, replica) =>
      set({ selected: { peerId, replica }, openRevision: undefined, scrubRevision: undefined, diffFrom: undefined, diffTo: undefined }),
    openChange: (openRevision) => set({ openRevision }),
    scrub: (scrubRevision) => set({ scrubRevision }),
    setDiff: (diffFrom, diffTo) => set({ diffFrom, diffTo }),

    async setLocal(peerId, data) {
      set({ applying: true });
      try {
        const info = await bridge.call('sync.setLocal', { peerId, data });
        set({
          peers: get().peers.map((p) => (p.peerId === peerId ? info : p)),
          notice: { text: `applied to ${peerId}: the other peer's remote copy follows after the batching window`, error: false },
        });
        get().checkDivergence();
        return true;
      } catch (err) {
        set({ notice: { text: `cannot apply: ${message(err)}`, error: true } });
        return false;
      } finally {
        set({ applying: false });
      }
    },

    async sendMessage(peerId, msg) {
      try {
        await bridge.call('sync.message', { peerId, message: msg });
        set({ notice: { text: `MESSAGE sent from ${peerId}`, error: false } });
        return true;
      } catch (err) {
        set({ notice: { text: `cannot send: ${message(err)}`, error: true } });
        return false;
      }
    },

    listen() {
      return bridge.on('sync.change', (c) => get().onChange(c));
    },
  }));
}
