// One client, as a column: its connection state, then CALL, then pub-sub.
import { CallPanel } from './CallPanel';
import { PubSubPanel } from './PubSubPanel';
import { playgroundStore, usePlaygroundStore } from './use-playground-store';

export function ClientColumnView({ clientId }: { clientId: string }) {
  // the column object itself: the store replaces it only when it changes
  const column = usePlaygroundStore((s) => s.columns[clientId]);
  if (!column) return null;
  const { info } = column;
  return (
    <article className="pg-column" aria-label={`Client ${info.name}`} data-testid="client-column" data-client-name={info.name}>
      <header className="pg-column-head">
        <div className="pg-column-title">
          <h3>{info.name}</h3>
          <span className={`pg-state pg-state-${info.state}`} data-testid="client-state">
            {info.state}
            {info.state === 'closed' && info.closeCode !== undefined
              ? ` (${info.closeCode}${info.closeReason ? `: ${info.closeReason}` : ''})`
              : ''}
            {info.state === 'closed' && info.closeCode === undefined && info.closeReason ? ` (${info.closeReason})` : ''}
          </span>
        </div>
        <div className="pg-column-meta">
          <span className="mono pg-muted" title="Server URL">
            {info.url}
          </span>
          {info.pendingCalls > 0 && <span className="pg-muted">{info.pendingCalls} pending</span>}
        </div>
        <div className="pg-row">
          <button
            type="button"
            onClick={() => void playgroundStore().getState().disconnect(clientId)}
            disabled={info.state === 'closed'}
            data-testid="client-disconnect"
          >
            Disconnect
          </button>
          <button
            type="button"
            onClick={() => void playgroundStore().getState().remove(clientId)}
            data-testid="client-remove"
            title="Disconnect and remove the column"
          >
            Remove
          </button>
        </div>
      </header>
      <CallPanel column={column} />
      <PubSubPanel column={column} />
    </article>
  );
}
