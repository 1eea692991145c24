// The renderer's one Callees feed: started by the first Callees mount and left running, so handler
// logs written while another view is shown are kept.
import { getBridge } from '../../bridge/bridge';
import { type CalleesActions, calleesActions } from './callees-actions';
import { calleesStore } from './callees-store';

let actions: CalleesActions | undefined;

export function useCalleesActions(): CalleesActions {
  if (!actions) {
    actions = calleesActions(getBridge().client, calleesStore);
    actions.startFeed();
  }
  return actions;
}
