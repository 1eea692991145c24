// The Callees view's state: the registered URIs with their metrics (from callees.list, its polling
// and callees.changed events), the handler being edited, the outcome of the last save, and the
// console output of user handlers per URI, with what the view's buttons do. Made as stores/README.md
// says: fed by callees-feed.ts, read through use-callees-store.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CalleeInfo, CalleeLog, CalleeRun, CallOutcome, CompileProblem } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage } from '../../lib/error-message';
import { parseJsonInput } from '../../lib/json-input';

/** The Studio client that "Run" calls through (made on first use, seen in the Playground and Traces). */
export const TRIAL_CLIENT_NAME = 'Callees view';

/** How often the list (with its metrics) is fetched while the view is shown. */
export const POLL_MS = 1500;

/** Log lines kept per URI, newest last. */
export const MAX_LOGS = 300;

export type HandlerLanguage = 'js' | 'ts';

export interface EditorDraft {
  uri: string;
  language: HandlerLanguage;
  source: string;
  /** The saved callee this draft edits (undefined: a new one). */
  editing?: string;
  /** Differs from what was loaded or last saved. */
  dirty: boolean;
}

export type SaveStatus =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; uri: string; version?: number }
  /** The source did not compile or load; the previous version (if any) keeps serving. */
  | { state: 'problems'; uri: string; problems: CompileProblem[]; servingVersion?: number }
  /** The host refused the save (bad URI, a demo URI) or could not be reached. */
  | { state: 'failed'; message: string };

/** The recent runs shown for one URI (callees.runs), refreshed with the list while the view is shown. */
export interface RunsView {
  uri: string;
  errorsOnly: boolean;
  list: CalleeRun[];
  /** The run whose details are open. */
  open?: string;
  problem?: string;
}

/** A call made from the Callees view to try a callee with some args ("Run"). */
export interface TrialRun {
  uri: string;
  argsText: string;
  state: 'idle' | 'running' | 'done' | 'failed';
  outcome?: CallOutcome;
  /** Why the call could not be made (bad JSON, no client, the host refused). */
  failure?: string;
}

export interface CalleesState {
  callees: CalleeInfo[];
  /** The URI whose details (demo) or source (user) and logs are shown. */
  selected?: string;
  draft: EditorDraft;
  save: SaveStatus;
  logs: Record<string, CalleeLog[]>;
  /** Lines dropped from each URI's bounded log. */
  droppedLogs: Record<string, number>;
  /** A problem with a start/stop/remove, shown above the list. */
  problem?: string;
  /** URIs with a start/stop/remove in flight. */
  busy: Record<string, true>;
  runs?: RunsView;
  trial: TrialRun;
  /** The switch that lets these callees serve an attached redis: a change in flight, or why it failed. */
  serveAttached: { busy: boolean; problem?: string };

  setCallees(list: CalleeInfo[]): void;
  upsertCallee(info: CalleeInfo): void;
  select(uri: string | undefined): void;
  /** Loads a user callee's saved source into the editor. */
  edit(uri: string): void;
  newDraft(): void;
  setDraft(patch: Partial<Omit<EditorDraft, 'dirty' | 'editing'>>): void;
  setSave(save: SaveStatus): void;
  addLog(log: CalleeLog): void;
  clearLogs(uri: string): void;
  setProblem(problem: string | undefined): void;
  setBusy(uri: string, busy: boolean): void;
  setRuns(runs: RunsView | undefined): void;
  /** Opens (or closes, when already open) a run's details. */
  toggleRun(msgUUID: string): void;
  setTrial(patch: Partial<TrialRun>): void;

  /** Fetches the list (and the runs shown); the poll and the feed call it. */
  refresh(): Promise<void>;
  /** Polls the list (metrics change with every call, and no event says so). Returns the stop. */
  poll(intervalMs?: number): () => void;
  /** Shows a URI's recent runs (all, or only those that failed). */
  showRuns(uri: string, errorsOnly?: boolean): Promise<void>;
  /** Calls `uri` with the JSON args typed (or taken from a past run) through a Studio client. */
  runWith(uri: string, argsText: string, timeoutMs?: number): Promise<void>;
  /** Saves the draft: compiles it and hot-swaps it in, or reports its problems (the old version keeps serving). */
  saveDraft(): Promise<void>;
  start(uri: string): Promise<void>;
  stop(uri: string): Promise<void>;
  remove(uri: string): Promise<void>;
  /** Lets the callees serve the attached redis (on, confirmed by the user) or only watch it (off). */
  serveOnAttached(on: boolean): Promise<void>;
}

export type CalleesStore = StoreApi<CalleesState>;

export const STARTER_TS = `// A callee: its result is what it returns (or resolves to);
// throwing answers {"error": {"message": ...}} to the caller.
// console.log lines appear in the log below.
// ctx: uri, msgUUID, ttlMs (time left), signal (aborted when it is up)
export default (args: { name?: string }, ctx: { uri: string; ttlMs: number }) => {
  console.log('called with', args);
  return { hello: args?.name ?? 'world', uri: ctx.uri };
};
`;

export const STARTER_JS = `// A callee: its result is what it returns (or resolves to);
// throwing answers {"error": {"message": ...}} to the caller.
// console.log lines appear in the log below.
// ctx: uri, msgUUID, ttlMs (time left), signal (aborted when it is up)
export default (args, ctx) => {
  console.log('called with', args);
  return { hello: args?.name ?? 'world', uri: ctx.uri };
};
`;

export function starter(language: HandlerLanguage): string {
  return language === 'ts' ? STARTER_TS : STARTER_JS;
}

function newDraft(): EditorDraft {
  return { uri: 'user.hello', language: 'ts', source: STARTER_TS, dirty: false };
}

/** Demo callees first (in the host's order), then user callees by URI. */
function ordered(list: CalleeInfo[]): CalleeInfo[] {
  const demo = list.filter((c) => c.kind === 'demo');
  const user = list.filter((c) => c.kind === 'user').sort((a, b) => a.uri.localeCompare(b.uri));
  return [...demo, ...user];
}

export function createCalleesStore(bridge: BridgeLike): CalleesStore {
  return createStore<CalleesState>()((set, get) => {
    const loadRuns = async (uri: string, errorsOnly: boolean): Promise<void> => {
      try {
        const list = await bridge.call('callees.runs', { uri, errorsOnly });
        // a newer choice (another URI, the other filter) wins over a late answer
        const cur = get().runs;
        if (!cur || (cur.uri === uri && cur.errorsOnly === errorsOnly)) get().setRuns({ uri, errorsOnly, list });
      } catch (err) {
        get().setRuns({ uri, errorsOnly, list: get().runs?.list ?? [], problem: `recent runs of ${uri}: ${errorMessage(err)}` });
      }
    };

    const trialClient = async (): Promise<string> => {
      const open = (await bridge.call('clients.list')).find((c) => c.name === TRIAL_CLIENT_NAME && c.state === 'open');
      return open?.clientId ?? (await bridge.call('clients.connect', { name: TRIAL_CLIENT_NAME })).clientId;
    };

    const runOn = async (uri: string, what: string, f: () => Promise<void>) => {
      get().setBusy(uri, true);
      try {
        await f();
        set({ problem: undefined });
      } catch (err) {
        set({ problem: `${what} ${uri}: ${errorMessage(err)}` });
      } finally {
        get().setBusy(uri, false);
      }
    };

    return {
      callees: [],
      draft: newDraft(),
      save: { state: 'idle' },
      logs: {},
      droppedLogs: {},
      busy: {},
      trial: { uri: '', argsText: '"world"', state: 'idle' },
      serveAttached: { busy: false },

      setCallees: (list) =>
        set((s) => {
          const callees = ordered(list);
          // keep the previous objects where nothing changed, so rows that did not change do not re-render
          const prev = new Map(s.callees.map((c) => [c.uri, c]));
          const merged = callees.map((c) => {
            const p = prev.get(c.uri);
            return p && JSON.stringify(p) === JSON.stringify(c) ? p : c;
          });
          const same = merged.length === s.callees.length && merged.every((c, i) => c === s.callees[i]);
          const selected = s.selected && merged.some((c) => c.uri === s.selected) ? s.selected : undefined;
          if (same && selected === s.selected) return s;
          return { callees: same ? s.callees : merged, selected };
        }),

      upsertCallee: (info) =>
        set((s) => {
          const i = s.callees.findIndex((c) => c.uri === info.uri);
          const list = i < 0 ? [...s.callees, info] : s.callees.map((c, j) => (j === i ? info : c));
          return { callees: ordered(list) };
        }),

      select: (selected) => set({ selected }),

      edit: (uri) => {
        const c = get().callees.find((x) => x.uri === uri);
        if (c?.kind !== 'user') return;
        set({
          selected: uri,
          draft: { uri, language: c.language ?? 'ts', source: c.source ?? '', editing: uri, dirty: false },
          save: { state: 'idle' },
        });
      },

      newDraft: () => set({ draft: newDraft(), save: { state: 'idle' } }),

      setDraft: (patch) =>
        set((s) => {
          const draft = { ...s.draft, ...patch, dirty: true };
          // switching the language of an untouched starter switches the starter too
          if (patch.language && patch.source === undefined && s.draft.source === starter(s.draft.language))
            draft.source = starter(patch.language);
          return { draft };
        }),

      setSave: (save) =>
        set((s) => {
          if (save.state !== 'saved') return { save };
          // the saved text is now the callee's: editing it is a change of that callee
          return { save, draft: { ...s.draft, uri: save.uri, editing: save.uri, dirty: false }, selected: save.uri };
        }),

      addLog: (log) =>
        set((s) => {
          const lines = [...(s.logs[log.uri] ?? []), log];
          const over = Math.max(0, lines.length - MAX_LOGS);
          return {
            logs: { ...s.logs, [log.uri]: over ? lines.slice(over) : lines },
            droppedLogs: over ? { ...s.droppedLogs, [log.uri]: (s.droppedLogs[log.uri] ?? 0) + over } : s.droppedLogs,
          };
        }),

      clearLogs: (uri) =>
        set((s) => {
          const { [uri]: _l, ...logs } = s.logs;
          const { [uri]: _d, ...droppedLogs } = s.droppedLogs;
          return { logs, droppedLogs };
        }),

      setProblem: (problem) => set({ problem }),

      setRuns: (runs) =>
        set((s) => {
          // a refresh keeps the open run open while it is still listed
          if (
            runs &&
            s.runs?.uri === runs.uri &&
            s.runs.open &&
            runs.open === undefined &&
            runs.list.some((r) => r.msgUUID === s.runs?.open)
          )
            return { runs: { ...runs, open: s.runs.open } };
          return { runs };
        }),

      toggleRun: (msgUUID) => set((s) => (s.runs ? { runs: { ...s.runs, open: s.runs.open === msgUUID ? undefined : msgUUID } } : s)),

      setTrial: (patch) => set((s) => ({ trial: { ...s.trial, ...patch } })),

      setBusy: (uri, busy) =>
        set((s) => {
          if (busy) return { busy: { ...s.busy, [uri]: true } };
          const { [uri]: _b, ...rest } = s.busy;
          return { busy: rest };
        }),

      async refresh() {
        try {
          get().setCallees(await bridge.call('callees.list'));
        } catch {
          // the status bar shows a lost link; the next poll tries again
        }
        const runs = get().runs;
        if (runs) await loadRuns(runs.uri, runs.errorsOnly);
      },

      poll(intervalMs = POLL_MS) {
        void get().refresh();
        const t = setInterval(() => void get().refresh(), intervalMs);
        return () => clearInterval(t);
      },

      showRuns(uri, errorsOnly = false) {
        get().setRuns({ uri, errorsOnly, list: get().runs?.uri === uri ? (get().runs?.list ?? []) : [] });
        return loadRuns(uri, errorsOnly);
      },

      async runWith(uri, argsText, timeoutMs = 10_000) {
        get().setTrial({ uri, argsText, outcome: undefined, failure: undefined });
        const args = parseJsonInput(argsText, 'Args');
        if (!args.ok) {
          get().setTrial({ state: 'failed', failure: args.message });
          return;
        }
        get().setTrial({ state: 'running' });
        try {
          const outcome = await bridge.call('clients.call', { clientId: await trialClient(), uri, args: args.value, timeoutMs });
          get().setTrial({ state: 'done', outcome });
        } catch (err) {
          get().setTrial({ state: 'failed', failure: errorMessage(err) });
        }
        const runs = get().runs;
        if (runs?.uri === uri) await loadRuns(uri, runs.errorsOnly);
      },

      async saveDraft() {
        const { draft } = get();
        const uri = draft.uri.trim();
        if (!uri) {
          get().setSave({ state: 'failed', message: 'URI: empty; name the callee, e.g. user.double.' });
          return;
        }
        get().setSave({ state: 'saving' });
        try {
          const r = await bridge.call('callees.save', { uri, source: draft.source, language: draft.language });
          if (r.ok) {
            if (r.callee) get().upsertCallee(r.callee);
            get().setSave({ state: 'saved', uri, ...(r.callee?.version !== undefined ? { version: r.callee.version } : {}) });
          } else {
            const serving = get().callees.find((c) => c.uri === uri)?.version;
            get().setSave({
              state: 'problems',
              uri,
              problems: r.problems ?? [{ message: 'the host refused the source without saying why' }],
              ...(serving !== undefined ? { servingVersion: serving } : {}),
            });
          }
        } catch (err) {
          get().setSave({ state: 'failed', message: errorMessage(err) });
        }
      },

      start: (uri) =>
        runOn(uri, 'start', async () => {
          get().upsertCallee(await bridge.call('callees.start', { uri }));
        }),

      stop: (uri) =>
        runOn(uri, 'stop', async () => {
          get().upsertCallee(await bridge.call('callees.stop', { uri }));
        }),

      remove: (uri) =>
        runOn(uri, 'remove', async () => {
          get().setCallees(await bridge.call('callees.remove', { uri }));
          if (get().draft.editing === uri) get().newDraft();
        }),

      async serveOnAttached(on) {
        set({ serveAttached: { busy: true } });
        try {
          // the host's status event says whether they serve there now (the app store shows it)
          await bridge.call('callees.serveOnAttached', { on, confirm: on });
          set({ serveAttached: { busy: false } });
        } catch (err) {
          set({ serveAttached: { busy: false, problem: errorMessage(err) } });
        }
      },
    };
  });
}

/** What the demo callees do (the host serves them without a source to show). */
export const demoBehaviour: Record<string, string> = {
  'test.echo': 'Returns its args unchanged.',
  'test.reverse': 'Takes a string and returns it reversed (by code points); anything else is an error.',
  'test.delay':
    'Takes a number of milliseconds as a numeric string (e.g. "100", as the Go demo does) or a number, sleeps that long, then returns its args.',
};

/** Why stopping one demo URI stops them all. */
/**
 * Shown beside the editor: the require allow-list is a guard against mistakes, not a sandbox (a handler
 * can reach every built-in module with process.getBuiltinModule, issue 11 item 10), so the user must
 * know that what they paste here runs as they do.
 */
export const PRIVILEGE_NOTE =
  "Handlers run in the Studio host with your user account's privileges: they can read and write your files, start processes and open connections. The module allow-list only guards against mistakes; it is not a sandbox. Run only code you trust.";

/** The editor's TypeScript mode: esbuild strips the types, nothing checks them (issue 13 asks to say so). */
export const TS_NOTE = 'TypeScript types are stripped, not checked: a type error does not stop a save; only syntax errors do.';

/** Frames of a user callee's stack that point into its source (`user.x.ts:12:5`), with that line's text. */
export function sourceFrames(stack: string, uri: string, source: string | undefined): { line: number; column: number; text: string }[] {
  if (!source) return [];
  const lines = source.split(/\r?\n/);
  const name = uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`${name}\\.(?:ts|js):(\\d+):(\\d+)`, 'g');
  const out: { line: number; column: number; text: string }[] = [];
  for (const m of stack.matchAll(re)) {
    const line = Number(m[1]);
    const column = Number(m[2]);
    if (out.some((f) => f.line === line && f.column === column)) continue;
    out.push({ line, column, text: lines[line - 1] ?? '' });
  }
  return out;
}

export const DEMO_NOTE = 'One demo callee serves every test.* URI: stop and start act on all of them. Demo callees are read-only.';
