// The renderer's one Attach feed: started by the first Attach mount and left running, so the proxy
// list stays current while another view is shown.
import { getBridge } from '../../bridge/bridge';
import { type AttachActions, attachActions } from './attach-actions';
import { attachStore } from './attach-store';

let actions: AttachActions | undefined;

export function useAttachActions(): AttachActions {
  if (!actions) {
    actions = attachActions(getBridge().client, attachStore);
    actions.startFeed();
  }
  return actions;
}
