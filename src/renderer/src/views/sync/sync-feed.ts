// Fills the Sync store from the host: peers, histories and targets once (and again after a
// reconnection: changes made while the link was down came as no event, or the host restarted), then
// sync.overview, every sync.change and sync.targets. Returns the stop.
import type { BridgeLike, LinkLike } from '../../bridge/bridge-like';
import type { SyncStore } from './sync-store';

export function startSyncFeed(bridge: BridgeLike, store: SyncStore, link?: LinkLike): () => void {
  const st = () => store.getState();
  const offs = [
    bridge.on('sync.overview', (o) => st().onOverview(o)),
    bridge.on('sync.change', (c) => st().onChange(c)),
    bridge.on('sync.targets', (targets) => st().setTargets(targets)),
  ];
  if (link)
    offs.push(
      link.onState((s) => {
        if (s === 'open') void st().load();
      }),
    );
  void st().load();
  return () => {
    for (const off of offs) off();
  };
}
