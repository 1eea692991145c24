// The renderer's one Sync view store, made on first use; it keeps listening to sync.change while other
// views are shown, so the timeline has every change when the user comes back.
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { createSyncStore, type SyncState, type SyncStore } from './sync-store';

let store: SyncStore | undefined;

export function syncStore(): SyncStore {
  if (!store) {
    store = createSyncStore(getBridge().client);
    store.getState().listen();
    void store.getState().load();
  }
  return store;
}

/** Select primitives or stable references: a fresh object per call re-renders forever (zustand 5). */
export function useSyncStore<T>(selector: (s: SyncState) => T): T {
  return useStore(syncStore(), selector);
}
