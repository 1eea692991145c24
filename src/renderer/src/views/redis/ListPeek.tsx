// A page of any list, read without consuming it (LRANGE): newest first, each entry decoded when it is a
// juggler payload and shown raw (escaped) otherwise, with its TTL when the list is juggler's.
import { useState } from 'react';
import { BinaryTextView } from './BinaryTextView';
import { TtlCountdown } from './Countdown';
import { PEEK_PAGE } from './redis-store';
import { redisStore, useRedisStore } from './use-redis-store';

export function ListPeek() {
  const peek = useRedisStore((s) => s.peek);
  const [key, setKey] = useState('');
  const page = peek?.page;
  return (
    <section className="rv-section" aria-labelledby="rv-peek-h" data-testid="list-peek">
      <h3 id="rv-peek-h">Peek a list</h3>
      <form
        className="rv-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void redisStore().getState().peekList(key.trim());
        }}
      >
        <label>
          Key{' '}
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="juggler:calls:{test.echo}"
            size={40}
            data-testid="peek-key"
          />
        </label>
        <button type="submit" disabled={!key.trim()}>
          Peek
        </button>
        {peek && (
          <button type="button" onClick={() => redisStore().getState().closePeek()}>
            Close
          </button>
        )}
      </form>
      {peek && (
        <div className="rv-peek">
          <div className="rv-row">
            <span className="mono rv-clip" title={peek.key}>
              {peek.key}
            </span>
            {page && (
              <span className="rv-muted">
                {page.kind} list · {page.length} entries · showing {page.length === 0 ? 0 : peek.start + 1}–
                {peek.start + page.entries.length}
              </span>
            )}
            <button
              type="button"
              disabled={peek.loading || peek.start === 0}
              onClick={() =>
                void redisStore()
                  .getState()
                  .peekList(peek.key, Math.max(0, peek.start - PEEK_PAGE), peek.ref)
              }
            >
              ← Newer
            </button>
            <button
              type="button"
              disabled={peek.loading || !page || peek.start + PEEK_PAGE >= page.length}
              onClick={() =>
                void redisStore()
                  .getState()
                  .peekList(peek.key, peek.start + PEEK_PAGE, peek.ref)
              }
            >
              Older →
            </button>
            <button
              type="button"
              disabled={peek.loading}
              onClick={() => void redisStore().getState().peekList(peek.key, peek.start, peek.ref)}
            >
              Reload
            </button>
            {peek.loading && <span className="spinner">reading…</span>}
          </div>
          {peek.error && <div className="rv-error">{peek.error}</div>}
          {page && page.entries.length > 0 && (
            <table className="rv-table">
              <thead>
                <tr>
                  <th>index</th>
                  <th>bytes</th>
                  <th>msg uuid</th>
                  <th>uri</th>
                  <th>args / raw</th>
                  <th>TTL</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => (
                  <tr key={e.index}>
                    <td className="mono">{e.index}</td>
                    <td className="mono">{e.bytes}</td>
                    <td>
                      <span className="mono rv-clip">{e.call?.msgUUID ?? '—'}</span>
                    </td>
                    <td>
                      <span className="mono rv-clip">{e.call?.uri ?? '—'}</span>
                    </td>
                    <td>
                      {e.call ? <BinaryTextView value={e.call.args} /> : e.raw ? <BinaryTextView value={e.raw} /> : null}
                      {e.error && (
                        <div className="rv-warn rv-clip" title={e.error}>
                          {e.error}
                        </div>
                      )}
                    </td>
                    <td>
                      <TtlCountdown ttlMs={e.ttlMs} fetchedAt={peek.fetchedAt} expired={e.expired} />
                      {e.ttlError && (
                        <span className="rv-warn" title={e.ttlError}>
                          {' '}
                          !
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page && page.entries.length === 0 && <p className="rv-muted">The list is empty (or the page is past its end).</p>}
        </div>
      )}
    </section>
  );
}
