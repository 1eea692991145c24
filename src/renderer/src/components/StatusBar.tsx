// The bottom bar: bridge, redis, server, callees and trace health at a glance. Dropped trace events
// are always shown, never silent. An attached redis (a system the Studio did not start) is named, with
// whether the Studio only watches it or its callees serve there too.
import type { WatchingSummary } from '../../../shared/bridge/contract';
import { useAppStore } from '../stores/use-app-store';

function Dot({ ok, label, title }: { ok: boolean | undefined; label: string; title?: string }) {
  return (
    <span className="status-item" data-ok={ok === undefined ? 'unknown' : String(ok)} title={title}>
      <span className="status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** The other systems watched: each says what it is and that the Studio only watches it. */
function Watching({ w }: { w: WatchingSummary }) {
  const parts: string[] = [];
  if (w.monitor)
    parts.push(`redis watch ${Math.round(w.monitor.rate).toLocaleString()} cmd/s, ${Math.ceil(w.monitor.remainingMs / 60_000)} min left`);
  if (w.proxies.length > 0)
    parts.push(`${w.proxies.length} proxy${w.proxies.length === 1 ? '' : 'ies'} (${w.proxies.reduce((n, p) => n + p.open, 0)} open)`);
  if (w.syncTargets.length > 0) parts.push(`${w.syncTargets.length} sync server${w.syncTargets.length === 1 ? '' : 's'}`);
  const detail = [
    ...(w.monitor ? [`redis watch (MONITOR) on ${w.monitor.url ?? 'the inspected redis'}`] : []),
    ...w.proxies.map((p) => `proxy to ${p.upstream}: ${p.open} open`),
    ...w.syncTargets.map(
      (t) => `sync ${t.kind === 'proxy' ? 'proxy to' : 'attached to'} ${t.url}${t.generation ? ` (${t.generation})` : ''}`,
    ),
  ].join('\n');
  return (
    <span className="status-item" data-testid="status-watching" title={`${detail}\nThe Studio only watches these systems.`}>
      watching: {parts.join(' · ')}
    </span>
  );
}

export function StatusBar() {
  const link = useAppStore((s) => s.link);
  const linkDetail = useAppStore((s) => s.linkDetail);
  const status = useAppStore((s) => s.status);
  const host = useAppStore((s) => s.host);
  const redis = status?.redis;
  const redisLabel = redis ? (redis.paused ? 'redis paused' : redis.up ? 'redis up' : 'redis down') : 'redis ?';
  return (
    <footer className="status-bar" data-testid="status-bar">
      <Dot ok={link === 'open'} label={`host ${link}`} title={linkDetail} />
      <Dot ok={redis?.up} label={redisLabel} title={redis?.lastError ?? host?.redis.url} />
      <Dot
        ok={status ? true : undefined}
        label={
          status
            ? `server ${host?.server.url ? `${host.server.url} · ` : ''}${status.server.connections} conn, ${status.server.pendingCalls} pending`
            : 'server ?'
        }
        title={host ? `The Studio's juggler server: point clients at ${host.server.url}` : undefined}
      />
      <Dot
        ok={status ? status.callees.running > 0 : undefined}
        label={status ? `callees ${status.callees.running}/${status.callees.total} running, ${status.callees.busy} busy` : 'callees ?'}
      />
      {status && (
        <span className="status-item" data-testid="trace-stats" data-dropped={status.trace.dropped}>
          trace {status.trace.enabled ? 'on' : 'off'}: {status.trace.held.toLocaleString()} held
          {status.trace.dropped > 0 && <strong className="status-warn"> · {status.trace.dropped.toLocaleString()} dropped</strong>}
        </span>
      )}
      {status?.attached && (
        <span
          className={`status-item${status.attached.servingCallees ? ' status-warn' : ''}`}
          data-testid="status-attached"
          data-serving={String(status.attached.servingCallees)}
          title={`attached ${new Date(status.attached.since).toLocaleTimeString()}; the Studio's own server and callees run on ${host?.redis.url ?? 'its own redis'}`}
        >
          attached {status.attached.url}
          {status.attached.cluster ? ' (cluster)' : ''}:{' '}
          {status.attached.servingCallees ? "serving callees on it (they take that system's calls)" : 'watching only'}
        </span>
      )}
      {status?.watching && <Watching w={status.watching} />}
      {status && status.faults.calleeDelayMs > 0 && (
        <span className="status-item status-warn">callee delay {status.faults.calleeDelayMs} ms</span>
      )}
    </footer>
  );
}
