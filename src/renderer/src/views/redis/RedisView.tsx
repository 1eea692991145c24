// The Redis view: what juggler keeps in redis, refreshed every second while the view is shown.
import { useEffect } from 'react';
import { CallListsTable } from './CallListsTable';
import { ChannelsPanel } from './ChannelsPanel';
import { ListPeek } from './ListPeek';
import { RedisControls } from './RedisControls';
import { ResultListsTable } from './ResultListsTable';
import { SnapshotAnomalies } from './SnapshotAnomalies';
import { TapPanel } from './TapPanel';
import { redisStore, useRedisStore } from './use-redis-store';
import { WatchPanel } from './WatchPanel';
import './redis-view.css';

const REFRESH_MS = 1000;

/** Polls while mounted and live; a refresh that takes longer than the period delays the next one. */
function useLiveRefresh(): void {
  const paused = useRedisStore((s) => s.paused);
  useEffect(() => {
    if (paused) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await redisStore().getState().refresh();
      if (!stopped) timer = setTimeout(() => void tick(), REFRESH_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [paused]);
}

export function RedisView() {
  useLiveRefresh();
  const snapshot = useRedisStore((s) => s.snapshot);
  const fetchedAt = useRedisStore((s) => s.lastRefresh ?? 0);
  return (
    <section className="view rv" data-testid="view-redis">
      <h2>Redis</h2>
      <RedisControls />
      <WatchPanel />
      {!snapshot ? (
        <p className="spinner">reading redis…</p>
      ) : (
        <>
          <p className="rv-muted">
            {snapshot.scan.keysSeen} juggler keys scanned in {Math.round(snapshot.durationMs)} ms
            {snapshot.redis.nodes.length > 1 && ` over ${snapshot.redis.nodes.length} nodes`} · {snapshot.waiters.resultReaders} results
            readers
          </p>
          <SnapshotAnomalies snapshot={snapshot} />
          <CallListsTable uris={snapshot.uris} fetchedAt={fetchedAt} />
          <ResultListsTable results={snapshot.results} fetchedAt={fetchedAt} />
          <ChannelsPanel pubsub={snapshot.pubsub} />
        </>
      )}
      <ListPeek />
      <TapPanel />
    </section>
  );
}
