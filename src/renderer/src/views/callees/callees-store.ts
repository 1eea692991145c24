// The Callees view's state: the registered URIs with their metrics (from callees.list, its polling
// and callees.changed events), the handler being edited, the outcome of the last save, and the
// console output of user handlers per URI. A framework-free store, fed by callees-actions.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CalleeInfo, CalleeLog, CalleeRun, CallOutcome, CompileProblem } from '../../../../shared/bridge/contract';

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

export function createCalleesStore(): CalleesStore {
  return createStore<CalleesState>()((set, get) => ({
    callees: [],
    draft: newDraft(),
    save: { state: 'idle' },
    logs: {},
    droppedLogs: {},
    busy: {},
    trial: { uri: '', argsText: '"world"', state: 'idle' },

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
        if (runs && s.runs?.uri === runs.uri && s.runs.open && runs.open === undefined && runs.list.some((r) => r.msgUUID === s.runs?.open))
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
  }));
}

/** The renderer's one instance; tests make their own with createCalleesStore. */
export const calleesStore = createCalleesStore();

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
