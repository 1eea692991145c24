// The renderer's one app store, made (and fed from the host) on first use. Select primitives (or use
// useShallow): with zustand 5 and React 19 a selector returning a fresh object each time re-renders
// forever.
import { useStore } from 'zustand';
import { getBridge } from '../bridge/bridge';
import { type AppState, type AppStore, createAppStore } from './app-store';
import { startHostFeed } from './host-feed';

let store: AppStore | undefined;

export function appStore(): AppStore {
  if (!store) {
    const { client, link } = getBridge();
    store = createAppStore();
    startHostFeed(client, store, link);
  }
  return store;
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore(), selector);
}
