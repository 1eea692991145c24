// The Attach view's state: the recording proxies the host runs (from proxy.list and proxy.changed),
// the form that starts one, and what went wrong last. A framework-free store, fed by attach-actions.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProxyInfo } from '../../../../shared/bridge/contract';

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
}

export type AttachStore = StoreApi<AttachState>;

export function createAttachStore(): AttachStore {
  return createStore<AttachState>()((set) => ({
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
  }));
}

/** The renderer's one instance; tests make their own with createAttachStore. */
export const attachStore = createAttachStore();
