// The controls above the Redis view: live refresh (pause, last refresh), the inspected redis (an
// attached one, watched only, or back to the Studio's own; never showing a password), and faults (pause
// the embedded redis, delay every callee), refused while a redis is attached.
import { useState } from 'react';
import { useAppStore } from '../../stores/use-app-store';
import { redactUrl } from './redis-store';
import { redisStore, useRedisStore } from './use-redis-store';

function RefreshControls() {
  const paused = useRedisStore((s) => s.paused);
  const refreshing = useRedisStore((s) => s.refreshing);
  const lastRefresh = useRedisStore((s) => s.lastRefresh);
  const error = useRedisStore((s) => s.error);
  return (
    <div className="rv-row" data-testid="redis-refresh">
      <label>
        <input
          type="checkbox"
          checked={!paused}
          onChange={(e) => redisStore().getState().setPaused(!e.target.checked)}
          data-testid="redis-live"
        />{' '}
        Live (every second)
      </label>
      <button type="button" disabled={refreshing} onClick={() => void redisStore().getState().refresh()}>
        Refresh
      </button>
      {refreshing ? (
        <span className="spinner">refreshing…</span>
      ) : (
        <span className="rv-muted" data-testid="redis-last-refresh">
          {lastRefresh ? `refreshed ${new Date(lastRefresh).toLocaleTimeString()}` : 'not refreshed yet'}
        </span>
      )}
      {error && (
        <span className="rv-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * Which redis the view shows: the Studio's own, or an attached one (a system the Studio did not start,
 * watched only: nothing is written to it, no list popped, no callee registered).
 */
function RedisSelector() {
  const url = useRedisStore((s) => s.snapshot?.redis.url);
  const busy = useRedisStore((s) => s.busy);
  const own = useAppStore((s) => s.host?.redis.url);
  const attached = useAppStore((s) => s.status?.attached);
  const [text, setText] = useState('');
  const [asCluster, setAsCluster] = useState(false);
  return (
    <form
      className="rv-row"
      data-testid="redis-selector"
      onSubmit={(e) => {
        e.preventDefault();
        // the field is emptied at once: a typed password does not stay on screen
        const target = text.trim();
        setText('');
        void redisStore().getState().attach(target, asCluster);
      }}
    >
      <span>
        Inspecting{' '}
        <span className="mono" data-testid="redis-target">
          {url ? redactUrl(url) : '…'}
        </span>
        {attached ? (
          <span className="rv-badge" data-testid="redis-attached-badge">
            attached: {attached.servingCallees ? 'callees serve here' : 'watching only'}
          </span>
        ) : (
          <span className="rv-muted"> (the Studio's own)</span>
        )}
      </span>
      <label title="a redis the Studio did not start: it is only watched, nothing is written to it">
        Attach a redis{' '}
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="redis://host:6379"
          size={28}
          autoComplete="off"
          spellCheck={false}
          data-testid="redis-target-url"
        />
      </label>
      <label>
        <input type="checkbox" checked={asCluster} onChange={(e) => setAsCluster(e.target.checked)} /> cluster
      </label>
      <button type="submit" disabled={busy || !text.trim()} data-testid="redis-attach">
        Attach
      </button>
      <button
        type="button"
        disabled={busy || !attached}
        title={own ? `the Studio's own redis: ${redactUrl(own)}` : undefined}
        onClick={() => void redisStore().getState().detach()}
        data-testid="redis-detach"
      >
        Back to the Studio's redis
      </button>
    </form>
  );
}

function FaultControls() {
  const paused = useAppStore((s) => s.status?.redis.paused ?? false);
  const embedded = useAppStore((s) => s.status?.redis.embedded ?? false);
  const delay = useAppStore((s) => s.status?.faults.calleeDelayMs ?? 0);
  const attached = useAppStore((s) => s.status?.attached?.url);
  const busy = useRedisStore((s) => s.busy);
  const watchOnly = attached ? `${attached} is attached: the Studio only watches it and writes nothing to it` : undefined;
  const [ms, setMs] = useState('');
  return (
    <div className="rv-row" data-testid="redis-faults">
      <span className="rv-label">Faults</span>
      <button
        type="button"
        disabled={busy || !embedded || attached !== undefined}
        title={watchOnly ?? (embedded ? undefined : 'only the redis the Studio started can be paused')}
        onClick={() => void redisStore().getState().pauseRedis(!paused)}
        data-testid="redis-pause"
      >
        {paused ? 'Resume redis' : 'Pause redis'}
      </button>
      <form
        className="rv-row"
        onSubmit={(e) => {
          e.preventDefault();
          void redisStore().getState().setCalleeDelay(Number(ms));
        }}
      >
        <label>
          Callee delay (ms){' '}
          <input
            type="number"
            min={0}
            max={600000}
            value={ms}
            placeholder={String(delay)}
            onChange={(e) => setMs(e.target.value)}
            size={7}
          />
        </label>
        <button type="submit" disabled={busy || ms === '' || !(Number(ms) >= 0)}>
          Set
        </button>
      </form>
      {delay > 0 && <span className="rv-badge rv-badge-warn">callees delayed {delay} ms</span>}
      {watchOnly && (
        <span className="rv-muted" data-testid="redis-faults-refused">
          pause and TTL lapse are off: {watchOnly}
        </span>
      )}
    </div>
  );
}

function Notice() {
  const notice = useRedisStore((s) => s.notice);
  const busy = useRedisStore((s) => s.busy);
  if (busy) return <span className="spinner">working…</span>;
  if (!notice) return null;
  return (
    <div className={notice.error ? 'rv-error' : 'rv-muted'} role="status" data-testid="redis-notice">
      {notice.text}
    </div>
  );
}

export function RedisControls() {
  return (
    <div className="rv-controls">
      <RefreshControls />
      <RedisSelector />
      <FaultControls />
      <Notice />
    </div>
  );
}
