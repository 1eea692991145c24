// The events one client received (EVNT), newest first, bounded by the store.
import { compactJson } from './call-outcome';
import { eventSubscriptionName } from './channel-colour';
import { hueStyle } from './PubSubPanel';
import { type ClientColumn, MAX_EVENTS } from './playground-store';
import { playgroundStore } from './use-playground-store';

function time(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function EventList({ column }: { column: ClientColumn }) {
  const id = column.info.clientId;
  return (
    <div className="pg-events">
      <div className="pg-row pg-events-head">
        <h5>
          Events ({column.events.length}
          {column.droppedEvents > 0 ? `, ${column.droppedEvents} older dropped; the last ${MAX_EVENTS} are kept` : ''})
        </h5>
        <button type="button" onClick={() => playgroundStore().getState().clearEvents(id)} disabled={column.events.length === 0}>
          Clear
        </button>
      </div>
      <ol className="pg-event-list" data-testid="event-list" aria-live="polite">
        {column.events.map((ev) => (
          <li
            key={`${ev.for}:${ev.pattern ?? ''}:${ev.channel}`}
            className="pg-event pg-chan"
            style={hueStyle(eventSubscriptionName(ev))}
            data-testid="event"
            data-channel={ev.channel}
            data-pattern={ev.pattern ?? ''}
          >
            <span className="pg-event-time">{time(ev.at)}</span>
            <span className="mono pg-event-channel">{ev.channel}</span>
            {ev.pattern && <span className="mono pg-event-pattern">via {ev.pattern}</span>}
            <code className="pg-event-args" title={compactJson(ev.args, 2000)}>
              {compactJson(ev.args)}
            </code>
          </li>
        ))}
      </ol>
    </div>
  );
}
