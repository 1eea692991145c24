// The Sync view's state: both peers' data, each replica's history (kept current by sync.change events),
// the timeline's selection, the scrubbed revision, the two revisions being compared and the divergence
// alarm. A vanilla store fed through a bridge handed in, so tests drive it with a fake.
//
// The history held here is bounded like the host's (issue 11, item 6), and the view shows both bounds
// and what each let go: a change arrives as JSON, so here it holds its own copies of the data before
// and after (nothing is shared between revisions as on the host), and is charged all three texts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  SyncChange,
  SyncGeneration,
  SyncHistoryStats,
  SyncOverview,
  SyncPeerInfo,
  SyncTarget,
} from '../../../../shared/bridge/contract';
import { jsonSize } from '../../../../shared/json-size';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage as message } from '../../lib/error-message';
import { type DivergencePair, trackDivergence } from './divergence';

export type Replica = 'local' | 'remote';

/** Changes kept per replica in the renderer (the host keeps 5000). */
export const HISTORY_KEEP = 2000;
/** Text of the changes kept in the renderer, before + after + patch, in UTF-16 units: 32 Mi (64 MiB at most). */
export const HISTORY_MAX_BYTES = 32 << 20;

/** What the renderer holds of the histories and what its bounds let go. */
export interface HeldHistory {
  maxChanges: number;
  maxBytes: number;
  changes: number;
  bytes: number;
  droppedChanges: number;
  droppedBytes: number;
}

export const historyKey = (peerId: string, replica: Replica) => `${peerId}/${replica}`;

export interface SyncState {
  peers: SyncPeerInfo[];
  loading: boolean;
  error?: string;
  /** `peer/replica` → its changes, oldest first. */
  histories: Record<string, SyncChange[]>;
  /** The history shown in the timeline. */
  selected?: { peerId: string; replica: Replica };
  /** The user picked `selected`; until then it follows defaultSelection as histories fill. */
  selectionChosen: boolean;
  /** The timeline entry opened (its revision). */
  openRevision?: number;
  /** The scrubber's revision; undefined follows the latest. */
  scrubRevision?: number;
  diffFrom?: number;
  diffTo?: number;
  divergence: DivergencePair[];
  notice?: { text: string; error: boolean };
  applying: boolean;
  /**
   * The local-data editor's text while the user edits it; undefined shows the peer's current data. Kept
   * here, not in React state: the editor's text and the store's updates must render in one lane, or a
   * store update rendering first would hand the editor a text older than what was just typed.
   */
  localDraft?: string;
  /** The host's history bounds and counts (from sync.overview). */
  hostHistory?: SyncHistoryStats;
  /** This view's own. */
  held: HeldHistory;
  /** Sync servers attached (watched as an observing client) or proxied (sync.attach, sync.proxy). */
  targets: SyncTarget[];
  /** An attach or proxy start under way (detect can take a few seconds). */
  attaching: boolean;

  load(): Promise<void>;
  onChange(c: SyncChange): void;
  checkDivergence(now?: number): void;
  select(peerId: string, replica: Replica): void;
  openChange(revision: number | undefined): void;
  scrub(revision: number | undefined): void;
  setDiff(from: number | undefined, to: number | undefined): void;
  setLocal(peerId: string, data: unknown): Promise<boolean>;
  setLocalDraft(text: string | undefined): void;
  /** Shows `text` as the view's notice. */
  notify(text: string, error?: boolean): void;
  sendMessage(peerId: string, message: unknown): Promise<boolean>;
  /** Keeps a peer after it closes (false: lets it go; a closed one at once). */
  pin(peerId: string, pinned: boolean): Promise<boolean>;
  /** The host's peers changed: forget the ones it forgot, learn new ones. */
  onOverview(o: SyncOverview): void;
  /** Watches the sync server at `url` as an observing client. */
  attach(url: string, generation: SyncGeneration | 'detect'): Promise<SyncTarget | undefined>;
  /** Starts a recording proxy to `upstream` (listen: HOST:PORT, or a free port). */
  startProxy(upstream: string, generation: SyncGeneration | 'detect', listen?: string): Promise<SyncTarget | undefined>;
  detach(targetId: string): Promise<boolean>;
  listen(): () => void;
}

export type SyncStore = StoreApi<SyncState>;

/** The server peer shown beside the Studio client: the latest connected one (a reconnect makes a new one). */
export function serverPeer(peers: readonly SyncPeerInfo[]): SyncPeerInfo | undefined {
  // the demo pair's: a proxied connection's server end belongs to its target
  const servers = peers.filter((p) => p.role === 'server' && !p.target);
  return servers.filter((p) => p.connected).at(-1) ?? servers.at(-1);
}

/**
 * What the timeline shows until the user picks a history: the server side's remote copy (what the Studio
 * client sent) when it has changes, else the first replica, in the picker's order, that has some; a
 * replica with none only when no replica has any (issue 13: a fresh Studio opened on an empty timeline
 * while the server's sample document sat in two other histories).
 */
export function defaultSelection(
  peers: readonly SyncPeerInfo[],
  histories: Readonly<Record<string, readonly SyncChange[]>> = {},
): SyncState['selected'] {
  const has = (peerId: string, replica: Replica) => (histories[historyKey(peerId, replica)]?.length ?? 0) > 0;
  const server = serverPeer(peers);
  if (server && has(server.peerId, 'remote')) return { peerId: server.peerId, replica: 'remote' };
  for (const p of peers) for (const r of ['local', 'remote'] as const) if (has(p.peerId, r)) return { peerId: p.peerId, replica: r };
  if (server) return { peerId: server.peerId, replica: 'remote' };
  return peers[0] ? { peerId: peers[0].peerId, replica: 'local' } : undefined;
}

const sameSelection = (a: SyncState['selected'], b: SyncState['selected']) => a?.peerId === b?.peerId && a?.replica === b?.replica;

export interface SyncStoreLimits {
  maxChanges: number;
  maxBytes: number;
}

export function createSyncStore(
  bridge: BridgeLike,
  now: () => number = Date.now,
  limits: SyncStoreLimits = { maxChanges: HISTORY_KEEP, maxBytes: HISTORY_MAX_BYTES },
): SyncStore {
  // what each held change was charged, measured once when it arrived
  const charged = new WeakMap<SyncChange, number>();
  const charge = (c: SyncChange): number => {
    let n = charged.get(c);
    if (n === undefined) {
      n = jsonSize(c.before) + jsonSize(c.after) + jsonSize(c.patch);
      charged.set(c, n);
    }
    return n;
  };
  // a load asked for while one runs is run once after it, not alongside (2,000 new peers: one reload)
  let reloadWanted = false;

  /**
   * The histories within the bounds: each replica's last maxChanges, then the oldest changes of all
   * let go until the text fits. Returns the new record (the lists that changed are new arrays) and
   * the held counts.
   */
  function bounded(
    histories: Record<string, SyncChange[]>,
    before: HeldHistory,
  ): { histories: Record<string, SyncChange[]>; held: HeldHistory } {
    const out: Record<string, SyncChange[]> = {};
    let changes = 0;
    let bytes = 0;
    let droppedChanges = before.droppedChanges;
    let droppedBytes = before.droppedBytes;
    for (const [key, list] of Object.entries(histories)) {
      let h = list;
      if (h.length > limits.maxChanges) {
        for (const c of h.slice(0, h.length - limits.maxChanges)) {
          droppedChanges++;
          droppedBytes += charge(c);
        }
        h = h.slice(-limits.maxChanges);
      }
      out[key] = h;
      changes += h.length;
      for (const c of h) bytes += charge(c);
    }
    if (bytes > limits.maxBytes) {
      // oldest first across every replica, by arrival time on the host
      const all = Object.entries(out).flatMap(([key, h]) => h.map((c, i) => ({ key, c, i })));
      all.sort((x, y) => x.c.at - y.c.at || x.i - y.i);
      const cut: Record<string, number> = {};
      for (const { key, c } of all) {
        if (bytes <= limits.maxBytes) break;
        const n = charge(c);
        bytes -= n;
        changes--;
        droppedChanges++;
        droppedBytes += n;
        cut[key] = (cut[key] ?? 0) + 1;
      }
      for (const [key, n] of Object.entries(cut)) out[key] = out[key]!.slice(n);
    }
    return { histories: out, held: { ...before, changes, bytes, droppedChanges, droppedBytes } };
  }

  return createStore<SyncState>()((set, get) => {
    /** Until the user picks a history, the selection moves to the default as histories fill. */
    const followDefault = (): void => {
      const s = get();
      if (s.selectionChosen && s.selected && s.peers.some((p) => p.peerId === s.selected!.peerId)) return;
      const want = defaultSelection(s.peers, s.histories);
      if (sameSelection(want, s.selected)) return;
      set({ selected: want, openRevision: undefined, scrubRevision: undefined, diffFrom: undefined, diffTo: undefined });
    };
    return {
      peers: [],
      loading: false,
      histories: {},
      selectionChosen: false,
      divergence: [],
      applying: false,
      targets: [],
      attaching: false,
      held: { maxChanges: limits.maxChanges, maxBytes: limits.maxBytes, changes: 0, bytes: 0, droppedChanges: 0, droppedBytes: 0 },

      async load() {
        if (get().loading) {
          reloadWanted = true;
          return;
        }
        set({ loading: true });
        try {
          const [peers, overview, targets] = await Promise.all([
            bridge.call('sync.peers'),
            bridge.call('sync.overview'),
            // a host without sync attach (an older one) still shows its demo pair
            bridge.call('sync.targets').catch(() => get().targets),
          ]);
          const entries = await Promise.all(
            peers.flatMap((p) =>
              (['local', 'remote'] as const).map(async (replica) => {
                const h = await bridge.call('sync.history', { peerId: p.peerId, replica }).catch(() => []);
                return [historyKey(p.peerId, replica), h.slice(-limits.maxChanges)] as const;
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
          const kept = bounded(histories, get().held);
          set({ peers, histories: kept.histories, held: kept.held, hostHistory: overview.history, targets, error: undefined });
          followDefault();
          get().checkDivergence();
        } catch (err) {
          set({ error: message(err) });
        } finally {
          set({ loading: false });
          if (reloadWanted) {
            reloadWanted = false;
            void get().load();
          }
        }
      },

      onChange(c) {
        if (c.replica === 'state') return;
        const replica = c.replica;
        const key = historyKey(c.peerId, replica);
        const kept = bounded({ ...get().histories, [key]: [...(get().histories[key] ?? []), c] }, get().held);
        const known = get().peers.some((p) => p.peerId === c.peerId);
        const peers = get().peers.map((p) =>
          p.peerId === c.peerId ? { ...p, [replica]: c.after, [replica === 'local' ? 'localRevision' : 'remoteRevision']: c.revision } : p,
        );
        set({ histories: kept.histories, held: kept.held, peers });
        followDefault();
        get().checkDivergence();
        // a peer we have not seen (a new server connection): learn it and its history
        if (!known) void get().load();
      },

      checkDivergence(at = now()) {
        set({ divergence: trackDivergence(get().divergence, get().peers, at) });
      },

      select: (peerId, replica) =>
        set({
          selected: { peerId, replica },
          selectionChosen: true,
          openRevision: undefined,
          scrubRevision: undefined,
          diffFrom: undefined,
          diffTo: undefined,
        }),
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

      notify: (text, error = false) => set({ notice: { text, error } }),
      setLocalDraft: (localDraft) => set({ localDraft }),

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

      async pin(peerId, pinned) {
        try {
          get().onOverview(await bridge.call('sync.pin', { peerId, pinned }));
          set({
            notice: {
              text: pinned ? `${peerId} is pinned: it stays here after it closes, until unpinned` : `${peerId} is unpinned`,
              error: false,
            },
          });
          return true;
        } catch (err) {
          set({ notice: { text: `cannot ${pinned ? 'pin' : 'unpin'} ${peerId}: ${message(err)}`, error: true } });
          return false;
        }
      },

      onOverview(o) {
        const byId = new Map(o.peers.map((p) => [p.peerId, p]));
        const before = get().peers;
        let changed = false;
        const peers: SyncPeerInfo[] = [];
        for (const p of before) {
          const now = byId.get(p.peerId);
          if (!now) {
            changed = true;
            continue;
          }
          if (now.connected === p.connected && now.pinned === p.pinned) peers.push(p);
          else {
            changed = true;
            peers.push({ ...p, connected: now.connected, pinned: now.pinned });
          }
        }
        // most overviews only carry the host's new counts (sent after changes): nothing else to redo
        if (!changed) set({ hostHistory: o.history });
        else {
          // the histories of the peers the host forgot go too (counted there, not as dropped here)
          const histories: Record<string, SyncChange[]> = {};
          for (const [key, h] of Object.entries(get().histories)) if (byId.has(key.slice(0, key.lastIndexOf('/')))) histories[key] = h;
          const kept = bounded(histories, get().held);
          const selected = get().selected;
          set({
            peers,
            histories: kept.histories,
            held: kept.held,
            hostHistory: o.history,
            // the chosen history's peer is gone: back to following the default
            ...(selected && !byId.has(selected.peerId) ? { selectionChosen: false } : {}),
          });
          followDefault();
          get().checkDivergence();
        }
        const known = new Set(peers.map((p) => p.peerId));
        if (o.peers.some((p) => !known.has(p.peerId))) void get().load();
      },

      async attach(url, generation) {
        set({ attaching: true });
        try {
          const t = await bridge.call('sync.attach', { url, generation });
          set({
            targets: [...get().targets.filter((x) => x.targetId !== t.targetId), t],
            notice: {
              text: `attached ${url}: generation ${t.generation}${generation === 'detect' ? ' (detected)' : ''}, watching only`,
              error: false,
            },
          });
          void get().load();
          return t;
        } catch (err) {
          set({ notice: { text: `cannot attach ${url}: ${message(err)}`, error: true } });
          return undefined;
        } finally {
          set({ attaching: false });
        }
      },

      async startProxy(upstream, generation, listen) {
        set({ attaching: true });
        try {
          const t = await bridge.call('sync.proxy', { upstream, generation, ...(listen ? { listen } : {}) });
          set({
            targets: [...get().targets.filter((x) => x.targetId !== t.targetId), t],
            notice: { text: `sync proxy to ${upstream}: point clients at ${t.listenUrl}`, error: false },
          });
          return t;
        } catch (err) {
          set({ notice: { text: `cannot start a sync proxy to ${upstream}: ${message(err)}`, error: true } });
          return undefined;
        } finally {
          set({ attaching: false });
        }
      },

      async detach(targetId) {
        try {
          set({ targets: await bridge.call('sync.detach', { targetId }), notice: { text: `detached ${targetId}`, error: false } });
          return true;
        } catch (err) {
          set({ notice: { text: `cannot detach ${targetId}: ${message(err)}`, error: true } });
          return false;
        }
      },

      listen() {
        const offs = [
          bridge.on('sync.overview', (o) => get().onOverview(o)),
          bridge.on('sync.change', (c) => get().onChange(c)),
          bridge.on('sync.targets', (targets) => set({ targets })),
        ];
        return () => {
          for (const off of offs) off();
        };
      },
    };
  });
}
