// Call lists per URI: depth, the oldest call's age and TTL, who waits, and the "no callee waiting"
// badge. A URI opens to its pending calls, each with its TTL counting down and a button to let it lapse.
import { Fragment } from 'react';
import type { RedisSnapshot } from '../../../../shared/bridge/contract';
import { useAppStore } from '../../stores/use-app-store';
import { LiveAge, TtlCountdown } from './Countdown';
import { redisStore, useRedisStore } from './use-redis-store';

type UriSummary = RedisSnapshot['uris'][number];

function PendingCallRows({ uri }: { uri: string }) {
  const entry = useRedisStore((s) => s.pending[uri]);
  const busy = useRedisStore((s) => s.busy);
  // an attached redis is only watched: the host refuses writes to it (READ_ONLY), the button says why
  const attached = useAppStore((s) => s.status?.attached?.url);
  if (!entry) return null;
  const { data, fetchedAt } = entry;
  return (
    <tr className="rv-pending-row">
      <td colSpan={7}>
        <div className="rv-pending" data-testid={`pending-${uri}`}>
          {entry.error && <div className="rv-error">{entry.error}</div>}
          {!data && entry.loading && <span className="spinner">loading pending calls…</span>}
          {data && data.calls.length === 0 && data.malformed.length === 0 && <div className="rv-muted">no pending call</div>}
          {data && data.calls.length > 0 && (
            <table className="rv-table rv-inner">
              <thead>
                <tr>
                  <th>#</th>
                  <th>msg uuid</th>
                  <th>conn uuid</th>
                  <th>args</th>
                  <th>age</th>
                  <th>TTL</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.calls.map((c) => (
                  <tr key={c.msgUUID} data-testid="pending-call">
                    <td className="mono">{c.index}</td>
                    <td>
                      <span className="mono rv-clip" title={c.msgUUID}>
                        {c.msgUUID}
                      </span>
                    </td>
                    <td>
                      <span className="mono rv-clip" title={c.connUUID}>
                        {c.connUUID}
                      </span>
                    </td>
                    <td>
                      <span className="mono rv-clip" title={c.args.text}>
                        {c.args.text}
                        {c.args.truncated && <span className="rv-muted"> … ({c.args.bytes} bytes)</span>}
                      </span>
                    </td>
                    <td>
                      <LiveAge ageMs={c.ageMs} fetchedAt={fetchedAt} />
                    </td>
                    <td>
                      <TtlCountdown ttlMs={c.ttlMs} fetchedAt={fetchedAt} expired={c.expired} data-testid="pending-ttl" />
                    </td>
                    <td>
                      <button
                        type="button"
                        disabled={busy || c.expired || attached !== undefined}
                        title={
                          attached
                            ? `${attached} is attached: the Studio only watches it and writes nothing to it`
                            : 'PEXPIRE 1 on its timeout key: the callee that pops it finds it expired'
                        }
                        onClick={() => void redisStore().getState().expireCall(uri, c.msgUUID)}
                      >
                        Let TTL lapse
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data && data.malformed.length > 0 && (
            <div className="rv-warn">
              {data.malformed.length} entries are not juggler calls:
              <ul>
                {data.malformed.slice(0, 20).map((m) => (
                  <li key={m.index}>
                    <span className="mono rv-clip" title={m.error}>
                      #{m.index}: {m.raw?.text ?? ''} — {m.error}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {data?.truncated && (
            <div className="rv-warn">
              the list holds {data.length} entries: only the first {data.calls.length + data.malformed.length} were read (peek it to page
              through)
            </div>
          )}
        </div>
      </td>
    </tr>
  );
}

function UriRow({ u, fetchedAt }: { u: UriSummary; fetchedAt: number }) {
  const open = useRedisStore((s) => s.pending[u.uri] !== undefined);
  const oldest = u.callList?.oldest;
  return (
    <Fragment>
      <tr data-testid="call-list" data-uri={u.uri}>
        <td>
          <button
            type="button"
            className="rv-link"
            aria-expanded={open}
            title="Show the pending calls"
            onClick={() => void redisStore().getState().togglePending(u.uri)}
          >
            {open ? '▾' : '▸'} <span className="mono">{u.uri}</span>
          </button>
        </td>
        <td className="mono" data-testid="call-depth">
          {u.pending}
        </td>
        <td>{oldest ? <LiveAge ageMs={oldest.ageMs} fetchedAt={fetchedAt} /> : '—'}</td>
        <td>{oldest ? <TtlCountdown ttlMs={oldest.ttlMs} fetchedAt={fetchedAt} expired={oldest.expired} /> : '—'}</td>
        <td className="mono" title="timeout keys (one per pending call that has not expired)">
          {u.timeoutKeys}
        </td>
        <td title={`${u.calleesWaiting} waiting in BRPOP, ${u.calleesConnected} connected`}>
          {u.calleesWaiting}/{u.calleesConnected}
          {u.noCalleeWaiting && (
            <span className="rv-badge rv-badge-warn" data-testid="no-callee-badge">
              no callee waiting
            </span>
          )}
        </td>
        <td>
          {u.callList && (
            <button type="button" onClick={() => void redisStore().getState().peekList(u.callList!.key.text, 0, u.callList!.key)}>
              Peek
            </button>
          )}
        </td>
      </tr>
      {open && <PendingCallRows uri={u.uri} />}
    </Fragment>
  );
}

export function CallListsTable({ uris, fetchedAt }: { uris: UriSummary[]; fetchedAt: number }) {
  return (
    <section className="rv-section" aria-labelledby="rv-calls-h">
      <h3 id="rv-calls-h">Call lists ({uris.length})</h3>
      {uris.length === 0 ? (
        <p className="rv-muted">No URI has a call list, a timeout key or a callee right now.</p>
      ) : (
        <table className="rv-table" data-testid="call-lists">
          <thead>
            <tr>
              <th>URI</th>
              <th>depth</th>
              <th>oldest call age</th>
              <th>oldest TTL</th>
              <th>timeout keys</th>
              <th>callees waiting/connected</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {uris.map((u) => (
              <UriRow key={u.uri} u={u} fetchedAt={fetchedAt} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
