// Fills the Playground store from the host: the clients and callee URIs once (and again after a
// reconnection: the host's clients may have changed, or the host restarted), then clients.changed,
// every client's events and callees.changed. Returns the stop.
import type { BridgeLike, LinkLike } from '../../bridge/bridge-like';
import type { PlaygroundStore } from './playground-store';

export function startPlaygroundFeed(bridge: BridgeLike, store: PlaygroundStore, link?: LinkLike): () => void {
  const st = () => store.getState();
  const offs = [
    bridge.on('clients.changed', (list) => st().setClients(list)),
    bridge.on('clients.event', (ev) => st().addEvent(ev)),
    bridge.on('callees.changed', (list) => st().setCalleeUris(list.map((c) => c.uri))),
  ];
  if (link)
    offs.push(
      link.onState((s) => {
        if (s === 'open') void st().reload();
      }),
    );
  void st().reload();
  return () => {
    for (const off of offs) off();
  };
}
