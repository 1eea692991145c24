// The selected event: its fields as a JSON tree (a frame's text parsed), and "resend" for a CALL.
import { useState } from 'react';
import { useStore } from 'zustand';
import { JsonTree } from '../../components/JsonTree';
import { displayOf, typeOf } from './event-columns';
import type { TraceFeed } from './trace-feed';
import type { TraceView } from './trace-view';

export function EventDetails({ view, feed }: { view: TraceView; feed: TraceFeed }) {
  const seq = useStore(view.store, (s) => s.selectedSeq);
  // the event may leave the view (evicted, cleared): a boolean, so that streaming does not re-render the tree
  useStore(view.store, (s) => s.selectedSeq !== undefined && view.event(s.selectedSeq) !== undefined);
  const [sending, setSending] = useState(false);
  if (seq === undefined)
    return <p className="ed-empty">Select an event to see it here; a CALL, ACK, RES or redis hop opens its request's waterfall.</p>;
  const e = view.event(seq);
  if (!e) return <p className="ed-empty">Event {seq} is no longer held.</p>;
  const isCall = e.kind === 'frame' && e.type === 'CALL' && e.proto === 'juggler';
  return (
    <section className="ed" aria-label="Selected event" data-testid="trace-details">
      <header className="ed-head">
        <h3>
          {e.kind} · {typeOf(e)} <span className="ed-muted">#{e.seq}</span>
        </h3>
        <span className="ed-muted">
          {new Date(e.wall).toLocaleTimeString(undefined, { fractionalSecondDigits: 3 } as Intl.DateTimeFormatOptions)}
        </span>
        {isCall && (
          <button
            type="button"
            data-testid="trace-resend"
            disabled={sending}
            title="Send this CALL again (same URI, args and timeout, new uuid) from a playground client"
            onClick={async () => {
              setSending(true);
              await feed.resend(e.seq);
              setSending(false);
            }}
          >
            {sending ? 'Resending…' : 'Resend'}
          </button>
        )}
      </header>
      {(e.kind === 'frame' || e.kind === 'conn') && (
        // the Connection column cuts long ids (a server's are uuids): here it is whole, and can filter the log
        <p className="ed-conn" data-testid="trace-conn-id">
          connection <span className="ed-muted">{e.side}</span> <code className="mono">{e.connId}</code>{' '}
          <button type="button" className="link-button" data-testid="trace-only-conn" onClick={() => view.setFilter({ conn: e.connId })}>
            show only this connection
          </button>
        </p>
      )}
      <JsonTree key={e.seq} value={displayOf(e)} openDepth={4} data-testid="trace-json" />
    </section>
  );
}
