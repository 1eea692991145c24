// Fills the Callees store from the host: the list once, then callees.changed and every handler's
// console line (callees.log). Returns the stop. The view polls the list too while it is shown.
import type { BridgeLike } from '../../bridge/bridge-like';
import type { CalleesStore } from './callees-store';

export function startCalleesFeed(bridge: BridgeLike, store: CalleesStore): () => void {
  const offs = [
    bridge.on('callees.changed', (list) => store.getState().setCallees(list)),
    bridge.on('callees.log', (log) => store.getState().addLog(log)),
  ];
  void store.getState().refresh();
  return () => {
    for (const off of offs) off();
  };
}
