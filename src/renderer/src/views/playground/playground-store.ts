// The Playground's state: one column per Studio client (its connection info, what is typed in its
// forms, its call history and its live events), plus the URIs callees serve (for autocompletion).
// Made as stores/README.md says, with what the buttons do: playground-feed.ts fills it from bridge
// events, use-playground-store.ts is the view's one instance (it outlives the view, so switching views
// keeps drafts, history and events); tests drive it with a fake bridge.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallOutcome, ClientEvent, ClientInfo } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage } from '../../lib/error-message';
import { parseJsonInput } from '../../lib/json-input';

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

  // What the buttons do: bridge calls whose answers (and failures) land here. Every failure reaches
  // the user as a message in the column it concerns; nothing is swallowed.
  /** Loads the host's clients and callee URIs (the feed does on start and after a reconnection). */
  reload(): Promise<void>;
  /** Connects a client from the Add client form; false (and addProblem) when the host refused. */
  connect(o: { name?: string; url?: string; allowedMessages?: string }): Promise<boolean>;
  disconnect(clientId: string): Promise<void>;
  /** Closes the client if it is still known to the host, and drops its column. */
  remove(clientId: string): Promise<void>;
  /** Sends the CALL typed in the column's form, after checking its args and timeout; returns its record id. */
  sendCall(clientId: string): Promise<number | undefined>;
  /** Sends a past call again, as it was (new uuid). */
  resend(clientId: string, callId: number): Promise<number | undefined>;
  /** SUB (or PSUB with `pattern`) to the channel typed in the column's form. */
  subscribe(clientId: string, pattern: boolean): Promise<void>;
  unsubscribe(clientId: string, channel: string, pattern: boolean): Promise<void>;
  publish(clientId: string): Promise<void>;
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

export function createPlaygroundStore(bridge: BridgeLike): PlaygroundStore {
  return createStore<PlaygroundState>()((set, get) => {
    const patchColumn = (clientId: string, f: (c: ClientColumn) => Partial<ClientColumn>) =>
      set((s) => {
        const c = s.columns[clientId];
        if (!c) return s;
        return { columns: { ...s.columns, [clientId]: { ...c, ...f(c) } } };
      });

    const runCall = async (clientId: string, c: { uri: string; argsText: string; args: unknown; timeoutMs?: number }) => {
      const id = get().startCall(clientId, c);
      try {
        const outcome = await bridge.call('clients.call', {
          clientId,
          uri: c.uri,
          args: c.args,
          ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
        });
        get().finishCall(clientId, id, { outcome });
      } catch (err) {
        get().finishCall(clientId, id, { failure: errorMessage(err) });
      }
      return id;
    };

    /** Runs a SUB/UNSB/PUB; the host's refusal (or its answer's absence) is the column's pub/sub problem. */
    const pubsub = async (clientId: string, f: () => Promise<void>) => {
      try {
        await f();
        get().setPubsubProblem(clientId, undefined);
      } catch (err) {
        get().setPubsubProblem(clientId, errorMessage(err));
      }
    };

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

      async reload() {
        try {
          const [clients, callees] = await Promise.all([bridge.call('clients.list'), bridge.call('callees.list')]);
          get().setClients(clients);
          get().setCalleeUris(callees.map((c) => c.uri));
        } catch {
          // the status bar shows the link problem; the feed reloads when the link is back
        }
      },

      async connect(o) {
        set({ addProblem: undefined });
        try {
          const info = await bridge.call('clients.connect', {
            ...(o.name?.trim() ? { name: o.name.trim() } : {}),
            ...(o.url?.trim() ? { url: o.url.trim() } : {}),
            ...(o.allowedMessages?.trim() ? { allowedMessages: o.allowedMessages.trim() } : {}),
          });
          get().upsertClient(info);
          return true;
        } catch (err) {
          set({ addProblem: errorMessage(err) });
          return false;
        }
      },

      async disconnect(clientId) {
        try {
          get().upsertClient(await bridge.call('clients.disconnect', { clientId }));
        } catch (err) {
          get().setPubsubProblem(clientId, errorMessage(err));
        }
      },

      async remove(clientId) {
        const col = get().columns[clientId];
        if (col && col.info.state !== 'closed') {
          try {
            await bridge.call('clients.disconnect', { clientId });
          } catch {
            // already gone on the host side: removing the column is all that is left to do
          }
        } else if (col) {
          // a closed client the host still lists (closed by the server): make the host forget it too
          await bridge.call('clients.disconnect', { clientId }).catch(() => undefined);
        }
        get().removeColumn(clientId);
      },

      async sendCall(clientId) {
        const col = get().columns[clientId];
        if (!col) return undefined;
        const { uri, argsText, timeoutText } = col.draft;
        if (!uri.trim()) {
          get().setCallProblem(clientId, 'URI: empty; name the function to call, e.g. test.echo.');
          return undefined;
        }
        const args = parseJsonInput(argsText, 'Args');
        if (!args.ok) {
          get().setCallProblem(clientId, args.message);
          return undefined;
        }
        const timeout = parseTimeout(timeoutText);
        if (!timeout.ok) {
          get().setCallProblem(clientId, timeout.message);
          return undefined;
        }
        return runCall(clientId, {
          uri: uri.trim(),
          argsText,
          args: args.value,
          ...(timeout.ms !== undefined ? { timeoutMs: timeout.ms } : {}),
        });
      },

      async resend(clientId, callId) {
        const r = get().columns[clientId]?.history.find((x) => x.id === callId);
        if (!r) return undefined;
        return runCall(clientId, {
          uri: r.uri,
          argsText: r.argsText,
          args: r.args,
          ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
        });
      },

      async subscribe(clientId, pattern) {
        const col = get().columns[clientId];
        if (!col) return;
        const channel = col.draft.channel.trim();
        if (!channel) {
          get().setPubsubProblem(clientId, `${pattern ? 'Pattern' : 'Channel'}: empty; name what to subscribe to.`);
          return;
        }
        await pubsub(clientId, async () => {
          get().upsertClient(await bridge.call('clients.sub', { clientId, channel, pattern }));
        });
      },

      unsubscribe: (clientId, channel, pattern) =>
        pubsub(clientId, async () => {
          get().upsertClient(await bridge.call('clients.unsb', { clientId, channel, pattern }));
        }),

      async publish(clientId) {
        const col = get().columns[clientId];
        if (!col) return;
        const channel = col.draft.pubChannel.trim();
        if (!channel) {
          get().setPubsubProblem(clientId, 'PUB channel: empty; name the channel to publish to.');
          return;
        }
        const payload = parseJsonInput(col.draft.pubPayloadText, 'Payload');
        if (!payload.ok) {
          get().setPubsubProblem(clientId, payload.message);
          return;
        }
        await pubsub(clientId, async () => {
          await bridge.call('clients.pub', { clientId, channel, args: payload.value });
        });
      },
    };
  });
}

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
