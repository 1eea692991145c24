// Result lists per connection: results waiting for the server that owns the connection to pop them.
import type { RedisSnapshot } from '../../../../shared/bridge/contract';
import { LiveAge, TtlCountdown } from './Countdown';
import { redisStore } from './use-redis-store';

export function ResultListsTable({ results, fetchedAt }: { results: RedisSnapshot['results']; fetchedAt: number }) {
  return (
    <section className="rv-section" aria-labelledby="rv-results-h">
      <h3 id="rv-results-h">Result lists ({results.length})</h3>
      {results.length === 0 ? (
        <p className="rv-muted">No result waits for its connection.</p>
      ) : (
        <table className="rv-table" data-testid="result-lists">
          <thead>
            <tr>
              <th>connection</th>
              <th>depth</th>
              <th>oldest age</th>
              <th>oldest TTL</th>
              <th>timeout keys</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.conn}>
                <td>
                  <span className="mono rv-clip" title={r.conn}>
                    {r.conn}
                  </span>
                </td>
                <td className="mono">{r.pending}</td>
                <td>{r.resultList?.oldest ? <LiveAge ageMs={r.resultList.oldest.ageMs} fetchedAt={fetchedAt} /> : '—'}</td>
                <td>
                  {r.resultList?.oldest ? (
                    <TtlCountdown ttlMs={r.resultList.oldest.ttlMs} fetchedAt={fetchedAt} expired={r.resultList.oldest.expired} />
                  ) : (
                    '—'
                  )}
                </td>
                <td className="mono">{r.timeoutKeys}</td>
                <td>
                  {r.resultList && (
                    <button
                      type="button"
                      onClick={() => void redisStore().getState().peekList(r.resultList!.key.text, 0, r.resultList!.key)}
                    >
                      Peek
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
