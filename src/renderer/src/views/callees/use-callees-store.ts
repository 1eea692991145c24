// The renderer's one Callees store, made (and fed) on first use and left running, so handler logs
// written while another view is shown are kept. Select existing objects or primitives: with zustand 5
// and React 19 a selector that builds a fresh object or array each time re-renders forever.
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startCalleesFeed } from './callees-feed';
import { type CalleesState, type CalleesStore, createCalleesStore } from './callees-store';

let store: CalleesStore | undefined;

export function calleesStore(): CalleesStore {
  if (!store) {
    store = createCalleesStore(getBridge().client);
    startCalleesFeed(getBridge().client, store);
  }
  return store;
}

export function useCalleesStore<T>(selector: (state: CalleesState) => T): T {
  return useStore(calleesStore(), selector);
}
