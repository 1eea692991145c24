// The renderer's one Redis view store, made on first use so that importing the view costs nothing and
// the tap listener lives as long as the app (taps keep delivering while another view is shown).
import { useStore } from 'zustand';
import { getBridge } from '../../bridge/bridge';
import { createRedisStore, type RedisState, type RedisStore } from './redis-store';

let store: RedisStore | undefined;

export function redisStore(): RedisStore {
  if (!store) {
    store = createRedisStore(getBridge().client);
    store.getState().listen();
  }
  return store;
}

/** Select primitives or stable references: a fresh object per call re-renders forever (zustand 5). */
export function useRedisStore<T>(selector: (s: RedisState) => T): T {
  return useStore(redisStore(), selector);
}
