// The Playground's state: one column per Studio client (its connection info, what is typed in its
// forms, its call history and its live events), plus the URIs callees serve (for autocompletion).
// A framework-free store: bridge events and playground-actions.ts feed it, tests drive it directly,
// and it outlives the view, so switching views keeps drafts, history and events.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallOutcome, ClientEvent, ClientInfo } from '../../../../shared/bridge/contract';

/** Calls kept per client, newest first. */
export const MAX_HISTORY = 50;
/** Events kept per client, newest first: a busy channel must not grow the page without bound. */
export const MAX_EVENTS = 200;

export interface CallRecord {
  /** Local sequence number, unique in the store. */
  id: number;
  clientId: string;
  uri: string;
  /** The args as typed (re-sent or loaded back as they were). */
  argsText: string;
  args: unknown;
  timeoutMs?: number;
  /** Date.now() when sent. */
  at: number;
  /** `failed`: the host could not run the call at all (see `failure`); a NACK or an expiry is `done`. */
  state: 'pending' | 'done' | 'failed';
  outcome?: CallOutcome;
  failure?: string;
}

export interface ClientDraft {
  uri: string;
  argsText: string;
  /** As typed; empty means the client's default. */
  timeoutText: string;
  /** The channel or pattern of the SUB/PSUB form. */
  channel: string;
  pubChannel: string;
  pubPayloadText: string;
}

export interface ClientColumn {
  info: ClientInfo;
  history: CallRecord[];
  events: ClientEvent[];
  /** Events dropped from the bounded list, so the user knows the list is not everything. */
  droppedEvents: number;
  draft: ClientDraft;
  /** The call whose result is shown. */
  shownCallId?: number;
  /** Why the last CALL was not sent (invalid JSON, bad timeout). */
  callProblem?: string;
  /** The last SUB/UNSB/PUB problem (NACK, not connected, invalid payload). */
  pubsubProblem?: string;
}

export interface PlaygroundState {
  /** Column order: clients in the order they were added. */
  order: string[];
  columns: Record<string, ClientColumn>;
  /** URIs served by callees (demo and user), sorted. */
  calleeUris: string[];
  nextCallId: number;
  /** A problem with the Add client form (bad URL, refused connection). */
  addProblem?: string;

  setClients(list: ClientInfo[]): void;
  upsertClient(info: ClientInfo): void;
  removeColumn(clientId: string): void;
  setDraft(clientId: string, patch: Partial<ClientDraft>): void;
  setCallProblem(clientId: string, problem: string | undefined): void;
  setPubsubProblem(clientId: string, problem: string | undefined): void;
  setAddProblem(problem: string | undefined): void;
  /** Records a call being sent; returns its record id. */
  startCall(clientId: string, c: { uri: string; argsText: string; args: unknown; timeoutMs?: number; at?: number }): number;
  finishCall(clientId: string, callId: number, result: { outcome: CallOutcome } | { failure: string }): void;
  /** Puts a past call's URI, args and timeout back into the CALL form. */
  loadCall(clientId: string, callId: number): void;
  addEvent(ev: ClientEvent): void;
  clearEvents(clientId: string): void;
  setCalleeUris(uris: string[]): void;
}

export type PlaygroundStore = StoreApi<PlaygroundState>;

export const defaultDraft: ClientDraft = {
  uri: 'test.echo',
  argsText: '{"hello": "world"}',
  timeoutText: '',
  channel: '',
  pubChannel: '',
  pubPayloadText: '{"n": 1}',
};

function newColumn(info: ClientInfo): ClientColumn {
  return { info, history: [], events: [], droppedEvents: 0, draft: { ...defaultDraft } };
}

/** A client the host no longer lists was disconnected (the host forgets disconnected clients). */
function gone(info: ClientInfo): ClientInfo {
  if (info.state === 'closed') return info;
  return { ...info, state: 'closed', pendingCalls: 0, subscriptions: [], closeReason: info.closeReason ?? 'disconnected' };
}

export function createPlaygroundStore(): PlaygroundStore {
  return createStore<PlaygroundState>()((set, get) => {
    const patchColumn = (clientId: string, f: (c: ClientColumn) => Partial<ClientColumn>) =>
      set((s) => {
        const c = s.columns[clientId];
        if (!c) return s;
        return { columns: { ...s.columns, [clientId]: { ...c, ...f(c) } } };
      });

    return {
      order: [],
      columns: {},
      calleeUris: [],
      nextCallId: 1,

      setClients: (list) =>
        set((s) => {
          const byId = new Map(list.map((i) => [i.clientId, i]));
          const columns: Record<string, ClientColumn> = {};
          const order = [...s.order];
          for (const id of s.order) {
            const c = s.columns[id]!;
            const info = byId.get(id);
            columns[id] = info ? { ...c, info } : { ...c, info: gone(c.info) };
          }
          for (const info of list) {
            if (columns[info.clientId]) continue;
            columns[info.clientId] = newColumn(info);
            order.push(info.clientId);
          }
          return { order, columns };
        }),

      upsertClient: (info) =>
        set((s) => {
          const c = s.columns[info.clientId];
          if (c) return { columns: { ...s.columns, [info.clientId]: { ...c, info } } };
          return { order: [...s.order, info.clientId], columns: { ...s.columns, [info.clientId]: newColumn(info) } };
        }),

      removeColumn: (clientId) =>
        set((s) => {
          if (!s.columns[clientId]) return s;
          const { [clientId]: _removed, ...columns } = s.columns;
          return { order: s.order.filter((id) => id !== clientId), columns };
        }),

      setDraft: (clientId, patch) => patchColumn(clientId, (c) => ({ draft: { ...c.draft, ...patch } })),
      setCallProblem: (clientId, callProblem) => patchColumn(clientId, () => ({ callProblem })),
      setPubsubProblem: (clientId, pubsubProblem) => patchColumn(clientId, () => ({ pubsubProblem })),
      setAddProblem: (addProblem) => set({ addProblem }),

      startCall: (clientId, c) => {
        const id = get().nextCallId;
        const rec: CallRecord = {
          id,
          clientId,
          uri: c.uri,
          argsText: c.argsText,
          args: c.args,
          ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
          at: c.at ?? Date.now(),
          state: 'pending',
        };
        set({ nextCallId: id + 1 });
        patchColumn(clientId, (col) => ({
          history: [rec, ...col.history].slice(0, MAX_HISTORY),
          shownCallId: id,
          callProblem: undefined,
        }));
        return id;
      },

      finishCall: (clientId, callId, result) =>
        patchColumn(clientId, (col) => ({
          history: col.history.map((r) =>
            r.id !== callId
              ? r
              : 'outcome' in result
                ? { ...r, state: 'done', outcome: result.outcome }
                : { ...r, state: 'failed', failure: result.failure },
          ),
        })),

      loadCall: (clientId, callId) =>
        patchColumn(clientId, (col) => {
          const r = col.history.find((x) => x.id === callId);
          if (!r) return {};
          return {
            draft: { ...col.draft, uri: r.uri, argsText: r.argsText, timeoutText: r.timeoutMs !== undefined ? String(r.timeoutMs) : '' },
            callProblem: undefined,
          };
        }),

      addEvent: (ev) =>
        patchColumn(ev.clientId, (col) => {
          const events = [ev, ...col.events];
          const over = Math.max(0, events.length - MAX_EVENTS);
          return { events: over ? events.slice(0, MAX_EVENTS) : events, droppedEvents: col.droppedEvents + over };
        }),

      clearEvents: (clientId) => patchColumn(clientId, () => ({ events: [], droppedEvents: 0 })),

      setCalleeUris: (uris) => set({ calleeUris: [...new Set(uris)].sort() }),
    };
  });
}

/** The renderer's one instance; tests make their own with createPlaygroundStore. */
export const playgroundStore = createPlaygroundStore();

/** The record whose outcome the column shows. */
export function shownCall(col: ClientColumn): CallRecord | undefined {
  return col.shownCallId === undefined ? undefined : col.history.find((r) => r.id === col.shownCallId);
}

/** Parses the timeout field: empty is the client's default; otherwise a positive whole number of ms. */
export function parseTimeout(text: string): { ok: true; ms?: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true };
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 3_600_000)
    return { ok: false, message: `Timeout: "${t}" is not a whole number of milliseconds between 1 and 3600000.` };
  return { ok: true, ms: Number(t) };
}
