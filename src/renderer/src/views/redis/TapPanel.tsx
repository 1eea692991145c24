// Taps: the inspector subscribes to channels or patterns on its own connection and the messages it
// sees arrive live, newest first. Non-juggler payloads are shown raw with the reason.
import { useState } from 'react';
import { BinaryTextView } from './BinaryTextView';
import { splitList } from './redis-store';
import { redisStore, useRedisStore } from './use-redis-store';

export function TapPanel() {
  const taps = useRedisStore((s) => s.taps);
  const messages = useRedisStore((s) => s.tapMessages);
  const busy = useRedisStore((s) => s.busy);
  const [channels, setChannels] = useState('');
  const [patterns, setPatterns] = useState('');
  const ch = splitList(channels);
  const pt = splitList(patterns);
  return (
    <section className="rv-section" aria-labelledby="rv-tap-h" data-testid="tap-panel">
      <h3 id="rv-tap-h">Tap</h3>
      <form
        className="rv-row"
        onSubmit={(e) => {
          e.preventDefault();
          void redisStore()
            .getState()
            .tap(ch, pt)
            .then(() => {
              setChannels('');
              setPatterns('');
            });
        }}
      >
        <label>
          Channels{' '}
          <input value={channels} onChange={(e) => setChannels(e.target.value)} placeholder="news, alerts" data-testid="tap-channels" />
        </label>
        <label>
          Patterns <input value={patterns} onChange={(e) => setPatterns(e.target.value)} placeholder="news.*" data-testid="tap-patterns" />
        </label>
        <button type="submit" disabled={busy || (ch.length === 0 && pt.length === 0)}>
          Tap
        </button>
      </form>
      {taps.length > 0 && (
        <ul className="rv-taps">
          {taps.map((t) => (
            <li key={t.tapId}>
              <span className="mono">{t.tapId}</span>: {[...t.channels, ...t.patterns.map((p) => `${p} (pattern)`)].join(', ')}{' '}
              <button type="button" disabled={busy} onClick={() => void redisStore().getState().untap(t.tapId)}>
                Stop
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="rv-row">
        <span className="rv-muted">{messages.length} messages (latest 500 kept)</span>
        <button type="button" disabled={messages.length === 0} onClick={() => redisStore().getState().clearTapMessages()}>
          Clear
        </button>
      </div>
      {messages.length > 0 && (
        <table className="rv-table" data-testid="tap-messages">
          <thead>
            <tr>
              <th>time</th>
              <th>tap</th>
              <th>channel</th>
              <th>msg uuid</th>
              <th>args / payload</th>
            </tr>
          </thead>
          <tbody>
            {messages.slice(0, 200).map((m, i) => (
              // messages carry no id of their own; arrival order is stable for a row's lifetime
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tr key={`${m.receivedAt}-${i}`}>
                <td className="mono">{new Date(m.receivedAt).toLocaleTimeString()}</td>
                <td className="mono">{m.tapId}</td>
                <td>
                  <BinaryTextView value={m.channel} />
                  {m.pattern && <span className="rv-muted"> ({m.pattern})</span>}
                </td>
                <td>
                  <span className="mono rv-clip">{m.msgUUID ?? '—'}</span>
                </td>
                <td>
                  <BinaryTextView value={m.args ?? m.payload} />
                  {m.error && (
                    <div className="rv-warn rv-clip" title={m.error}>
                      {m.error}
                    </div>
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
