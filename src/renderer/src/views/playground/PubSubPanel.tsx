// SUB / PSUB / UNSB and PUB from one client, its subscriptions as chips and its live events. A
// channel or pattern keeps one colour everywhere (chips, events), so an event shows which
// subscription delivered it.
import type { CSSProperties } from 'react';
import { CodeEditor } from '../../components/CodeEditor';
import { channelHue } from './channel-colour';
import { EventList } from './EventList';
import type { ClientColumn } from './playground-store';
import { playgroundStore } from './use-playground-store';

export function hueStyle(name: string): CSSProperties {
  return { '--chan-hue': String(channelHue(name)) } as CSSProperties;
}

export function PubSubPanel({ column }: { column: ClientColumn }) {
  const id = column.info.clientId;
  const { draft } = column;
  const open = column.info.state === 'open';
  const setDraft = (patch: Partial<ClientColumn['draft']>) => playgroundStore().getState().setDraft(id, patch);
  const publish = () => {
    if (open) void playgroundStore().getState().publish(id);
  };

  return (
    <section className="pg-panel" aria-label="Publish and subscribe">
      <h4>SUB / PSUB / PUB</h4>
      <form
        className="pg-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (open) void playgroundStore().getState().subscribe(id, false);
        }}
      >
        <label className="pg-grow">
          Channel or pattern
          <input
            value={draft.channel}
            onChange={(e) => setDraft({ channel: e.target.value })}
            spellCheck={false}
            data-testid="sub-channel"
          />
        </label>
        <button type="submit" disabled={!open} data-testid="sub-send" title="SUBSCRIBE to the channel">
          SUB
        </button>
        <button
          type="button"
          disabled={!open}
          onClick={() => void playgroundStore().getState().subscribe(id, true)}
          data-testid="psub-send"
          title="PSUBSCRIBE to the glob pattern (*, ?, [abc])"
        >
          PSUB
        </button>
      </form>
      <ul className="pg-chips" aria-label="Subscriptions" data-testid="sub-chips">
        {column.info.subscriptions.length === 0 && <li className="pg-muted">No subscriptions</li>}
        {column.info.subscriptions.map((s) => (
          <li
            key={`${s.pattern ? 'p' : 'c'}:${s.channel}`}
            className="pg-chip pg-chan"
            style={hueStyle(s.channel)}
            data-testid="sub-chip"
            data-channel={s.channel}
            data-pattern={String(s.pattern)}
          >
            <span className="pg-chip-kind">{s.pattern ? 'PSUB' : 'SUB'}</span>
            <span className="mono">{s.channel}</span>
            <button
              type="button"
              className="pg-chip-remove"
              disabled={!open}
              onClick={() => void playgroundStore().getState().unsubscribe(id, s.channel, s.pattern)}
              aria-label={`Unsubscribe from ${s.pattern ? 'pattern' : 'channel'} ${s.channel}`}
              title="UNSB"
              data-testid="unsb"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="pg-pub"
        onSubmit={(e) => {
          e.preventDefault();
          publish();
        }}
      >
        <div className="pg-row">
          <label className="pg-grow">
            PUB channel
            <input
              value={draft.pubChannel}
              onChange={(e) => setDraft({ pubChannel: e.target.value })}
              spellCheck={false}
              data-testid="pub-channel"
            />
          </label>
          <button type="submit" disabled={!open} data-testid="pub-send" title="PUBLISH the payload (Ctrl+Enter in the payload)">
            PUB
          </button>
        </div>
        <div className="pg-field">
          <span className="pg-label">Payload (JSON)</span>
          <CodeEditor
            value={draft.pubPayloadText}
            onChange={(pubPayloadText) => setDraft({ pubPayloadText })}
            language="json"
            onSubmit={publish}
            ariaLabel="PUB payload (JSON)"
            height="3.5rem"
            data-testid="pub-payload"
          />
        </div>
      </form>
      {column.pubsubProblem && (
        <p className="pg-problem" role="alert" data-testid="pubsub-problem">
          {column.pubsubProblem}
        </p>
      )}
      <EventList column={column} />
    </section>
  );
}
