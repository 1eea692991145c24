// The renderer's one Playground feed: started by the first Playground mount and left running, so
// events and results keep arriving (and are kept) while another view is shown.
import { getBridge } from '../../bridge/bridge';
import { type PlaygroundActions, playgroundActions } from './playground-actions';
import { playgroundStore } from './playground-store';

let actions: PlaygroundActions | undefined;

export function usePlaygroundActions(): PlaygroundActions {
  if (!actions) {
    const { link, client } = getBridge();
    actions = playgroundActions(client, playgroundStore);
    actions.startFeed();
    // after a reconnection the host's clients may have changed (or the host restarted)
    link.onState((s) => {
      if (s === 'open') void actions?.reload();
    });
  }
  return actions;
}
