// The renderer's one Playground store, made (and fed) on first use and left running, so events and
// results keep arriving (and are kept) while another view is shown. Select existing objects or
// primitives: with zustand 5 and React 19 a selector that builds a fresh object or array each time
// re-renders forever.
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startPlaygroundFeed } from './playground-feed';
import { createPlaygroundStore, type PlaygroundState, type PlaygroundStore } from './playground-store';

let store: PlaygroundStore | undefined;

export function playgroundStore(): PlaygroundStore {
  if (!store) {
    const { client, link } = getBridge();
    store = createPlaygroundStore(client);
    startPlaygroundFeed(client, store, link);
  }
  return store;
}

export function usePlaygroundStore<T>(selector: (state: PlaygroundState) => T): T {
  return useStore(playgroundStore(), selector);
}
