// The renderer's one Sync view store, made (and fed) on first use and left running, so the timeline has
// every sync.change that came while another view was shown. Select existing objects or primitives: with
// zustand 5 and React 19 a selector that builds a fresh object or array each time re-renders forever.
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startSyncFeed } from './sync-feed';
import { createSyncStore, type SyncState, type SyncStore } from './sync-store';

let store: SyncStore | undefined;

export function syncStore(): SyncStore {
  if (!store) {
    const { client, link } = getBridge();
    store = createSyncStore(client);
    startSyncFeed(client, store, link);
  }
  return store;
}

export function useSyncStore<T>(selector: (s: SyncState) => T): T {
  return useStore(syncStore(), selector);
}
