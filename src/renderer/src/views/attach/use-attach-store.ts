// The renderer's one Attach store, made (and fed) on first use and left running, so the proxy list
// stays current while another view is shown. Select existing objects or primitives: a selector that
// builds a fresh object or array each time re-renders forever (zustand 5, React 19).
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startAttachFeed } from './attach-feed';
import { type AttachState, type AttachStore, createAttachStore } from './attach-store';

let store: AttachStore | undefined;

export function attachStore(): AttachStore {
  if (!store) {
    store = createAttachStore(getBridge().client);
    startAttachFeed(getBridge().client, store);
  }
  return store;
}

export function useAttachStore<T>(selector: (state: AttachState) => T): T {
  return useStore(attachStore(), selector);
}
