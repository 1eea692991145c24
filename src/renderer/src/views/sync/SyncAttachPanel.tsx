// Attach the Sync view to sync servers the Studio did not start (issue 12, item 5): watch one as an
// observing client (a generation, or detect), or put a recording proxy between a real client and it.
// Each target names its generation, what detect tried, and is detached here.
import { useState } from 'react';
import type { SyncGeneration, SyncTarget } from '../../../../shared/bridge/contract';
import { syncStore, useSyncStore } from './use-sync-store';

type Choice = SyncGeneration | 'detect';
const CHOICES: Choice[] = ['detect', 'seed', '0.6', '0.7'];

function GenerationSelect({ value, onChange, testId }: { value: Choice; onChange: (c: Choice) => void; testId: string }) {
  return (
    <label>
      Generation{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as Choice)} data-testid={testId}>
        {CHOICES.map((c) => (
          <option key={c} value={c}>
            {c === 'detect' ? 'detect (try each)' : c}
          </option>
        ))}
      </select>
    </label>
  );
}

function TargetRow({ t }: { t: SyncTarget }) {
  return (
    <li className="sv-target" data-testid={`sync-target-${t.targetId}`}>
      <div className="sv-row">
        <strong>{t.kind === 'attach' ? 'Watching' : 'Proxy to'}</strong> <span className="mono">{t.url}</span>
        <span className="sv-gen" data-testid="sync-target-generation">
          {t.generation ? `generation ${t.generation}` : 'generation not known yet'}
          {t.requested === 'detect' && t.generation ? ' (detected)' : ''}
        </span>
        {t.kind === 'attach' ? (
          <span className={t.connected ? 'sv-ok' : 'sv-err'}>{t.connected ? 'connected, watching only' : 'reconnecting'}</span>
        ) : (
          <span className="sv-muted">
            point clients at{' '}
            <span className="mono" data-testid="sync-target-listen">
              {t.listenUrl}
            </span>
            ; {t.connections?.open ?? 0} open, {t.connections?.total ?? 0} in all
            {t.decodeFailures ? `; ${t.decodeFailures} frames not decoded (forwarded)` : ''}
          </span>
        )}
        <button type="button" onClick={() => void syncStore().getState().detach(t.targetId)} data-testid="sync-detach">
          Detach
        </button>
      </div>
      {t.tries && (
        <ul className="sv-tries sv-muted" data-testid="sync-target-tries">
          {t.tries.map((x) => (
            <li key={x.generation}>
              {x.generation}: {x.ok ? 'answered' : 'failed'}: {x.reason}
            </li>
          ))}
        </ul>
      )}
      {t.lastError && <div className="sv-muted">last: {t.lastError}</div>}
    </li>
  );
}

export function SyncAttachPanel() {
  const targets = useSyncStore((s) => s.targets);
  const attaching = useSyncStore((s) => s.attaching);
  const [url, setUrl] = useState('');
  const [generation, setGeneration] = useState<Choice>('detect');
  const [upstream, setUpstream] = useState('');
  const [listen, setListen] = useState('');
  const [proxyGeneration, setProxyGeneration] = useState<Choice>('detect');
  return (
    <section className="sv-section sv-attach" aria-labelledby="sv-attach-h">
      <h3 id="sv-attach-h">Attach a sync server</h3>
      <form
        className="sv-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void syncStore().getState().attach(url.trim(), generation);
        }}
      >
        <label className="sv-grow">
          URL{' '}
          <input
            className="mono"
            value={url}
            placeholder="ws://127.0.0.1:9200/ws"
            onChange={(e) => setUrl(e.target.value)}
            data-testid="sync-attach-url"
          />
        </label>
        <GenerationSelect value={generation} onChange={setGeneration} testId="sync-attach-generation" />
        <button type="submit" disabled={attaching || !url.trim()} data-testid="sync-attach-submit">
          {attaching ? 'Attaching…' : 'Attach (watch only)'}
        </button>
      </form>
      <form
        className="sv-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (upstream.trim())
            void syncStore()
              .getState()
              .startProxy(upstream.trim(), proxyGeneration, listen.trim() || undefined);
        }}
      >
        <label className="sv-grow">
          Proxy to{' '}
          <input
            className="mono"
            value={upstream}
            placeholder="ws://HOST:PORT/ws"
            onChange={(e) => setUpstream(e.target.value)}
            data-testid="sync-proxy-upstream"
          />
        </label>
        <label>
          Listen <input className="mono" value={listen} placeholder="127.0.0.1:0" size={14} onChange={(e) => setListen(e.target.value)} />
        </label>
        <GenerationSelect value={proxyGeneration} onChange={setProxyGeneration} testId="sync-proxy-generation" />
        <button type="submit" disabled={attaching || !upstream.trim()} data-testid="sync-proxy-submit">
          Start proxy
        </button>
      </form>
      {targets.length > 0 && (
        <ul className="sv-targets" data-testid="sync-targets">
          {targets.map((t) => (
            <TargetRow key={t.targetId} t={t} />
          ))}
        </ul>
      )}
    </section>
  );
}
