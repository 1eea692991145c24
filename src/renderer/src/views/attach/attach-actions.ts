// What the Attach view's buttons do: bridge calls whose answers (and failures) land in the store.
import type { BridgeClient } from '../../../../shared/bridge/client';
import { parseHeaderLines } from '../../../../shared/header-lines';
import type { AttachStore } from './attach-store';

export type Bridge = Pick<BridgeClient, 'call' | 'on'>;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function attachActions(bridge: Bridge, store: AttachStore) {
  const st = () => store.getState();

  const refresh = async (): Promise<void> => {
    try {
      st().setProxies(await bridge.call('proxy.list'));
    } catch {
      // the status bar shows a lost link; proxy.changed brings the list back
    }
  };

  return {
    /** Subscribes the store to proxy.changed for the session and fetches the list once. */
    startFeed(): () => void {
      const off = bridge.on('proxy.changed', (list) => st().setProxies(list));
      void refresh();
      return off;
    },

    refresh,

    /** Starts a proxy from the form; on success the form keeps its values (to start another like it). */
    async start(): Promise<void> {
      const { form } = st();
      const upstream = form.upstream.trim();
      if (!upstream) {
        st().setProblem('Upstream: empty; give the juggler server clients use now, e.g. ws://127.0.0.1:9000/ws.');
        return;
      }
      let headers: Record<string, string>;
      try {
        headers = parseHeaderLines(form.headers);
      } catch (err) {
        st().setProblem(`Headers: ${message(err)}`);
        return;
      }
      st().setStarting(true);
      try {
        const p = await bridge.call('proxy.start', {
          upstream,
          ...(form.listen.trim() ? { listen: form.listen.trim() } : {}),
          ...(Object.keys(headers).length ? { headers } : {}),
        });
        st().setProxies([...st().proxies.filter((x) => x.id !== p.id), p]);
        st().setProblem(undefined);
      } catch (err) {
        st().setProblem(message(err));
      } finally {
        st().setStarting(false);
      }
    },

    async stop(id: string): Promise<void> {
      st().setStopping(id, true);
      try {
        st().setProxies(await bridge.call('proxy.stop', { id }));
        st().setProblem(undefined);
      } catch (err) {
        st().setProblem(`stop ${id}: ${message(err)}`);
      } finally {
        st().setStopping(id, false);
      }
    },

    /** Copies a proxy's local URL to the clipboard (where the platform allows it). */
    async copy(
      id: string,
      url: string,
      clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard,
    ): Promise<void> {
      try {
        if (!clipboard) throw new Error('no clipboard here: select the URL and copy it');
        await clipboard.writeText(url);
        st().setCopied(id);
      } catch (err) {
        st().setProblem(`copy: ${message(err)}`);
      }
    },
  };
}

export type AttachActions = ReturnType<typeof attachActions>;
