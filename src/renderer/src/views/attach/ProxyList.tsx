// The running proxies: the local URL to point clients at (with a copy button), the upstream, counts, stop.
import type { ProxyInfo } from '../../../../shared/bridge/contract';
import { attachStore, useAttachStore } from './use-attach-store';

function ProxyRow({ p }: { p: ProxyInfo }) {
  const stopping = useAttachStore((s) => !!s.stopping[p.id]);
  const copied = useAttachStore((s) => s.copied === p.id);
  return (
    <tr data-testid="proxy-row" data-id={p.id}>
      <td>
        <span className="mono" data-testid="proxy-local-url">
          {p.localUrl}
        </span>{' '}
        <button
          type="button"
          data-testid="proxy-copy"
          onClick={() => void attachStore().getState().copy(p.id, p.localUrl)}
          title="Copy the URL to point clients at"
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </td>
      <td className="mono">{p.upstream}</td>
      <td data-testid="proxy-connections">
        {p.connections.open} open / {p.connections.total}
        {p.connections.refused ? ` (${p.connections.refused} refused)` : ''}
        {p.lastRefusal && (
          <div className="at-refusal" data-testid="proxy-last-refusal" title={new Date(p.lastRefusal.at).toLocaleString()}>
            last refused: {p.lastRefusal.status} {p.lastRefusal.reason}
          </div>
        )}
      </td>
      <td data-testid="proxy-frames">
        {p.frames.in} in / {p.frames.out} out
      </td>
      <td>{p.headers.length ? p.headers.join(', ') : '–'}</td>
      <td>
        <button type="button" data-testid="proxy-stop" disabled={stopping} onClick={() => void attachStore().getState().stop(p.id)}>
          Stop
        </button>
      </td>
    </tr>
  );
}

export function ProxyList() {
  const proxies = useAttachStore((s) => s.proxies);
  if (proxies.length === 0)
    return (
      <p className="at-muted" data-testid="proxy-none">
        No proxy running. Start one, then point your clients (or a Playground client) at its local URL: every frame both ways shows in
        Traces.
      </p>
    );
  return (
    <div className="at-table-wrap">
      <table className="at-table" data-testid="proxy-list">
        <caption className="at-caption">Recording proxies</caption>
        <thead>
          <tr>
            <th>Point clients at</th>
            <th>Upstream</th>
            <th>Connections</th>
            <th>Frames</th>
            <th>Extra headers</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {proxies.map((p) => (
            <ProxyRow key={p.id} p={p} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
