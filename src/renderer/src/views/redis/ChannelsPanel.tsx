// Pub-sub channels with their subscribers (the inspector's own taps counted apart) and the number of
// pattern subscriptions; a channel can be tapped from here.
import type { RedisSnapshot } from '../../../../shared/bridge/contract';
import { BinaryTextView } from './BinaryTextView';
import { redisStore, useRedisStore } from './use-redis-store';

const SHOWN = 200;

export function ChannelsPanel({ pubsub }: { pubsub: RedisSnapshot['pubsub'] }) {
  const busy = useRedisStore((s) => s.busy);
  const channels = pubsub.channels;
  return (
    <section className="rv-section" aria-labelledby="rv-channels-h">
      <h3 id="rv-channels-h">
        Channels ({channels.length}
        {pubsub.channelsTruncated ? '+' : ''}) · patterns <span data-testid="patterns-count">{pubsub.patterns}</span>
        {pubsub.inspectorTapPatterns > 0 && <span className="rv-muted"> (+{pubsub.inspectorTapPatterns} of the inspector's taps)</span>}
      </h3>
      {channels.length === 0 ? (
        <p className="rv-muted">No channel has a subscriber.</p>
      ) : (
        <table className="rv-table" data-testid="channels">
          <thead>
            <tr>
              <th>channel</th>
              <th>subscribers</th>
              <th>inspector taps</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {channels.slice(0, SHOWN).map((c) => (
              <tr key={c.channel.base64 ?? c.channel.text}>
                <td>
                  <BinaryTextView value={c.channel} />
                </td>
                <td className="mono">{c.subscribers}</td>
                <td className="mono">{c.inspectorTaps}</td>
                <td>
                  <button
                    type="button"
                    disabled={busy || c.channel.base64 !== undefined}
                    onClick={() => void redisStore().getState().tap([c.channel.text], [])}
                  >
                    Tap
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {channels.length > SHOWN && <p className="rv-muted">{channels.length - SHOWN} more channels not listed.</p>}
      {pubsub.channelsTruncated && <p className="rv-warn">More channels than the inspector counts: the rest were not counted.</p>}
    </section>
  );
}
