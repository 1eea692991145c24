// The renderer's Redis view stores (the inspector's, the watch's), each made (and fed) on first use so
// that importing the view costs nothing, and left running: taps keep delivering, and the watch keeps
// its status, while another view is shown. Select primitives or stable references: a fresh object per
// call re-renders forever (zustand 5).
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { startRedisFeed, startWatchFeed } from './redis-feed';
import { createRedisStore, type RedisState, type RedisStore } from './redis-store';
import { createWatchStore, type WatchState, type WatchStore } from './watch-store';

let store: RedisStore | undefined;
let watch: WatchStore | undefined;

export function redisStore(): RedisStore {
  if (!store) {
    store = createRedisStore(getBridge().client);
    startRedisFeed(getBridge().client, store);
  }
  return store;
}

export function useRedisStore<T>(selector: (s: RedisState) => T): T {
  return useStore(redisStore(), selector);
}

export function watchStore(): WatchStore {
  if (!watch) {
    watch = createWatchStore(getBridge().client);
    startWatchFeed(getBridge().client, watch);
  }
  return watch;
}

export function useWatchStore<T>(selector: (s: WatchState) => T): T {
  return useStore(watchStore(), selector);
}
