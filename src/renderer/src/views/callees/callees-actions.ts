// What the Callees view's buttons do: bridge calls whose answers (and failures) land in the store.
import type { BridgeClient } from '../../../../shared/bridge/client';
import { parseJsonInput } from '../playground/json-input';
import type { CalleesStore } from './callees-store';

/** The Studio client that "Run" calls through (made on first use, seen in the Playground and Traces). */
export const TRIAL_CLIENT_NAME = 'Callees view';

export type Bridge = Pick<BridgeClient, 'call' | 'on'>;

/** How often the list (with its metrics) is fetched while the view is shown. */
export const POLL_MS = 1500;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function calleesActions(bridge: Bridge, store: CalleesStore) {
  const st = () => store.getState();

  const loadRuns = async (uri: string, errorsOnly: boolean): Promise<void> => {
    try {
      const list = await bridge.call('callees.runs', { uri, errorsOnly });
      // a newer choice (another URI, the other filter) wins over a late answer
      const cur = st().runs;
      if (!cur || (cur.uri === uri && cur.errorsOnly === errorsOnly)) st().setRuns({ uri, errorsOnly, list });
    } catch (err) {
      st().setRuns({ uri, errorsOnly, list: st().runs?.list ?? [], problem: `recent runs of ${uri}: ${message(err)}` });
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      st().setCallees(await bridge.call('callees.list'));
    } catch {
      // the status bar shows a lost link; the next poll tries again
    }
    const runs = st().runs;
    if (runs) await loadRuns(runs.uri, runs.errorsOnly);
  };

  const trialClient = async (): Promise<string> => {
    const open = (await bridge.call('clients.list')).find((c) => c.name === TRIAL_CLIENT_NAME && c.state === 'open');
    return open?.clientId ?? (await bridge.call('clients.connect', { name: TRIAL_CLIENT_NAME })).clientId;
  };

  const runOn = async (uri: string, what: string, f: () => Promise<void>) => {
    st().setBusy(uri, true);
    try {
      await f();
      st().setProblem(undefined);
    } catch (err) {
      st().setProblem(`${what} ${uri}: ${message(err)}`);
    } finally {
      st().setBusy(uri, false);
    }
  };

  return {
    /** Subscribes the store to callee events (kept for the session: logs arrive while hidden too). */
    startFeed(): () => void {
      const offs = [bridge.on('callees.changed', (list) => st().setCallees(list)), bridge.on('callees.log', (log) => st().addLog(log))];
      void refresh();
      return () => {
        for (const off of offs) off();
      };
    },

    refresh,

    /** Shows a URI's recent runs (all, or only those that failed). */
    showRuns(uri: string, errorsOnly = false): Promise<void> {
      st().setRuns({ uri, errorsOnly, list: st().runs?.uri === uri ? (st().runs?.list ?? []) : [] });
      return loadRuns(uri, errorsOnly);
    },

    /** Calls `uri` with the JSON args typed (or taken from a past run) through a Studio client. */
    async runWith(uri: string, argsText: string, timeoutMs = 10_000): Promise<void> {
      st().setTrial({ uri, argsText, outcome: undefined, failure: undefined });
      const args = parseJsonInput(argsText);
      if (!args.ok) {
        st().setTrial({ state: 'failed', failure: args.message });
        return;
      }
      st().setTrial({ state: 'running' });
      try {
        const outcome = await bridge.call('clients.call', { clientId: await trialClient(), uri, args: args.value, timeoutMs });
        st().setTrial({ state: 'done', outcome });
      } catch (err) {
        st().setTrial({ state: 'failed', failure: message(err) });
      }
      const runs = st().runs;
      if (runs?.uri === uri) await loadRuns(uri, runs.errorsOnly);
    },

    /** Polls the list (metrics change with every call, and no event says so). Returns the stop. */
    poll(intervalMs = POLL_MS): () => void {
      void refresh();
      const t = setInterval(() => void refresh(), intervalMs);
      return () => clearInterval(t);
    },

    /** Saves the draft: compiles it and hot-swaps it in, or reports its problems (the old version keeps serving). */
    async save(): Promise<void> {
      const { draft } = st();
      const uri = draft.uri.trim();
      if (!uri) {
        st().setSave({ state: 'failed', message: 'URI: empty; name the callee, e.g. user.double.' });
        return;
      }
      st().setSave({ state: 'saving' });
      try {
        const r = await bridge.call('callees.save', { uri, source: draft.source, language: draft.language });
        if (r.ok) {
          if (r.callee) st().upsertCallee(r.callee);
          st().setSave({ state: 'saved', uri, ...(r.callee?.version !== undefined ? { version: r.callee.version } : {}) });
        } else {
          const serving = st().callees.find((c) => c.uri === uri)?.version;
          st().setSave({
            state: 'problems',
            uri,
            problems: r.problems ?? [{ message: 'the host refused the source without saying why' }],
            ...(serving !== undefined ? { servingVersion: serving } : {}),
          });
        }
      } catch (err) {
        st().setSave({ state: 'failed', message: message(err) });
      }
    },

    start: (uri: string) =>
      runOn(uri, 'start', async () => {
        st().upsertCallee(await bridge.call('callees.start', { uri }));
      }),

    stop: (uri: string) =>
      runOn(uri, 'stop', async () => {
        st().upsertCallee(await bridge.call('callees.stop', { uri }));
      }),

    remove: (uri: string) =>
      runOn(uri, 'remove', async () => {
        st().setCallees(await bridge.call('callees.remove', { uri }));
        if (st().draft.editing === uri) st().newDraft();
      }),
  };
}

export type CalleesActions = ReturnType<typeof calleesActions>;
