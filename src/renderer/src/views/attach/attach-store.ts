// The Attach view's state: the recording proxies the host runs (from proxy.list and proxy.changed),
// the form that starts one, and what went wrong last, with what the view's buttons do. Made as
// stores/README.md says: fed by attach-feed.ts, read through use-attach-store.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProxyInfo } from '../../../../shared/bridge/contract';
import { parseHeaderLines } from '../../../../shared/header-lines';
import type { BridgeLike } from '../../bridge/bridge-like';
import { errorMessage } from '../../lib/error-message';

export interface ProxyForm {
  /** ws:// or wss:// URL of the juggler server to attach to. */
  upstream: string;
  /** HOST:PORT to listen on; empty: 127.0.0.1 on a free port. */
  listen: string;
  /** Extra headers sent upstream, one `Name: value` per line. */
  headers: string;
}

export interface AttachState {
  proxies: ProxyInfo[];
  form: ProxyForm;
  starting: boolean;
  /** Ids with a stop in flight. */
  stopping: Record<string, true>;
  /** The last failure (start or stop), shown above the list. */
  problem?: string;
  /** The proxy whose local URL was just copied (for the button's feedback). */
  copied?: string;

  setProxies(list: ProxyInfo[]): void;
  setForm(patch: Partial<ProxyForm>): void;
  setStarting(starting: boolean): void;
  setStopping(id: string, stopping: boolean): void;
  setProblem(problem: string | undefined): void;
  setCopied(id: string | undefined): void;

  /** Fetches the list (the feed does once; proxy.changed keeps it current). */
  refresh(): Promise<void>;
  /** Starts a proxy from the form; on success the form keeps its values (to start another like it). */
  start(): Promise<void>;
  stop(id: string): Promise<void>;
  /** Copies a proxy's local URL to the clipboard (where the platform allows it). */
  copy(id: string, url: string, clipboard?: Pick<Clipboard, 'writeText'>): Promise<void>;
}

export type AttachStore = StoreApi<AttachState>;

export function createAttachStore(bridge: BridgeLike): AttachStore {
  return createStore<AttachState>()((set, get) => ({
    proxies: [],
    form: { upstream: '', listen: '', headers: '' },
    starting: false,
    stopping: {},

    setProxies: (list) =>
      set((s) => {
        // keep unchanged rows as they were, so that only the proxies whose counts moved re-render
        const prev = new Map(s.proxies.map((p) => [p.id, p]));
        const merged = list.map((p) => {
          const old = prev.get(p.id);
          return old && JSON.stringify(old) === JSON.stringify(p) ? old : p;
        });
        const same = merged.length === s.proxies.length && merged.every((p, i) => p === s.proxies[i]);
        return same ? s : { proxies: merged };
      }),
    setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
    setStarting: (starting) => set({ starting }),
    setStopping: (id, stopping) =>
      set((s) => {
        if (stopping) return { stopping: { ...s.stopping, [id]: true } };
        const { [id]: _gone, ...rest } = s.stopping;
        return { stopping: rest };
      }),
    setProblem: (problem) => set({ problem }),
    setCopied: (copied) => set({ copied }),

    async refresh() {
      try {
        get().setProxies(await bridge.call('proxy.list'));
      } catch {
        // the status bar shows a lost link; proxy.changed brings the list back
      }
    },

    async start() {
      const { form } = get();
      const upstream = form.upstream.trim();
      if (!upstream) {
        set({ problem: 'Upstream: empty; give the juggler server clients use now, e.g. ws://127.0.0.1:9000/ws.' });
        return;
      }
      let headers: Record<string, string>;
      try {
        headers = parseHeaderLines(form.headers);
      } catch (err) {
        set({ problem: `Headers: ${errorMessage(err)}` });
        return;
      }
      set({ starting: true });
      try {
        const p = await bridge.call('proxy.start', {
          upstream,
          ...(form.listen.trim() ? { listen: form.listen.trim() } : {}),
          ...(Object.keys(headers).length ? { headers } : {}),
        });
        get().setProxies([...get().proxies.filter((x) => x.id !== p.id), p]);
        set({ problem: undefined });
      } catch (err) {
        set({ problem: errorMessage(err) });
      } finally {
        set({ starting: false });
      }
    },

    async stop(id) {
      get().setStopping(id, true);
      try {
        get().setProxies(await bridge.call('proxy.stop', { id }));
        set({ problem: undefined });
      } catch (err) {
        set({ problem: `stop ${id}: ${errorMessage(err)}` });
      } finally {
        get().setStopping(id, false);
      }
    },

    async copy(id, url, clipboard = globalThis.navigator?.clipboard) {
      try {
        if (!clipboard) throw new Error('no clipboard here: select the URL and copy it');
        await clipboard.writeText(url);
        set({ copied: id });
      } catch (err) {
        set({ problem: `copy: ${errorMessage(err)}` });
      }
    },
  }));
}
