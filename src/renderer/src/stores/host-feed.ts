// Fills the app store from the bridge: link state, host info on every (re)connection, status events.
// Returns the stop.
import type { BridgeLike, LinkLike } from '../bridge/bridge-like';
import type { AppStore } from './app-store';

export function startHostFeed(bridge: BridgeLike, store: AppStore, link: LinkLike): () => void {
  const load = async () => {
    try {
      const [info, status] = await Promise.all([bridge.call('host.info'), bridge.call('host.status')]);
      store.getState().setHost(info);
      store.getState().setStatus(status);
    } catch {
      // the link state shows the problem; the next reconnection loads again
    }
  };
  const offs = [
    link.onState((s, detail) => {
      store.getState().setLink(s, detail);
      if (s === 'open') void load();
    }),
    bridge.on('status', (s) => store.getState().setStatus(s)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
