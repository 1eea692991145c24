// Fills the Attach store from the host: the proxy list once, then every proxy.changed. Returns the stop.
import type { BridgeLike } from '../../bridge/bridge-like';
import type { AttachStore } from './attach-store';

export function startAttachFeed(bridge: BridgeLike, store: AttachStore): () => void {
  const off = bridge.on('proxy.changed', (list) => store.getState().setProxies(list));
  void store.getState().refresh();
  return off;
}
