// Fills the Redis view's stores from the host: messages on the taps (redis.tap) and the watch's live
// status (watch.status, every second while it runs). Returns the stop. The snapshot is polled by the
// view while it is shown (it costs redis a SCAN), not fed.
import type { BridgeLike } from '../../bridge/bridge-like';
import type { RedisStore } from './redis-store';
import type { WatchStore } from './watch-store';

export function startRedisFeed(bridge: BridgeLike, store: RedisStore): () => void {
  return bridge.on('redis.tap', (m) => store.getState().addTapMessage(m));
}

export function startWatchFeed(bridge: BridgeLike, store: WatchStore): () => void {
  return bridge.on('watch.status', (s) => store.getState().setStatus(s));
}
