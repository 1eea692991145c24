// What the Callees view's buttons do: bridge calls whose answers (and failures) land in the store.
import type { BridgeClient } from '../../../../shared/bridge/client';
import type { CalleesStore } from './callees-store';

export type Bridge = Pick<BridgeClient, 'call' | 'on'>;

/** How often the list (with its metrics) is fetched while the view is shown. */
export const POLL_MS = 1500;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function calleesActions(bridge: Bridge, store: CalleesStore) {
  const st = () => store.getState();

  const refresh = async (): Promise<void> => {
    try {
      st().setCallees(await bridge.call('callees.list'));
    } catch {
      // the status bar shows a lost link; the next poll tries again
    }
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
