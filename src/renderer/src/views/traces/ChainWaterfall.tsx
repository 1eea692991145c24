// One request's hops on a time axis: a bar from each hop to the next, the time each hop took, the
// total, and how the request ended (trace.chain's verdict), said in words.
import { useStore } from 'zustand';
import type { Chain } from '../../../../shared/trace/events';
import { formatMs as ms } from '../../lib/format-ms';
import { typeOf } from './event-columns';
import type { TraceView } from './trace-view';

const verdicts: Record<Chain['verdict'], { tone: 'ok' | 'err' | 'warn' | 'plain'; text: string }> = {
  ok: { tone: 'ok', text: 'ok: the result came back' },
  'error-result': { tone: 'err', text: 'error result: the callee failed' },
  nacked: { tone: 'err', text: 'nacked: the server refused the request' },
  expired: { tone: 'warn', text: 'expired: no result within the timeout' },
  pending: { tone: 'plain', text: 'pending: no result yet' },
  event: { tone: 'ok', text: 'pub/sub: events delivered' },
};

export function ChainWaterfall({ view }: { view: TraceView }) {
  const chainView = useStore(view.store, (s) => s.chain);
  const selectedSeq = useStore(view.store, (s) => s.selectedSeq);
  if (!chainView) return null;
  const { corr, chain } = chainView;
  return (
    <section className="wf" aria-label="Request waterfall" data-testid="trace-waterfall">
      <header className="wf-head">
        <h3>
          Request <code title={corr}>{corr.slice(0, 8)}</code>
        </h3>
        {chainView.state === 'loading' && <span className="wf-muted">loading…</span>}
        {chainView.state === 'missing' && <span className="wf-muted">the host no longer holds this request's events</span>}
        {chainView.state === 'error' && <span className="wf-error">{chainView.error}</span>}
        {chain && (
          <>
            <strong
              className="wf-verdict"
              data-tone={verdicts[chain.verdict].tone}
              data-testid="trace-verdict"
              data-verdict={chain.verdict}
            >
              {verdicts[chain.verdict].text}
            </strong>
            <span className="wf-total" data-testid="trace-total">
              total {ms(chain.totalMs)} · {chain.hops.length} hops
              {chain.verdict === 'event' &&
                ` · ${chain.hops.filter((h) => h.event.kind === 'frame' && h.event.type === 'EVNT').length} EVNT`}
              {chain.timeoutMs !== undefined && ` · timeout ${ms(chain.timeoutMs)}`}
            </span>
            {chain.answeredBy && (
              <span className="wf-total" data-testid="trace-answered-by">
                answered by <code>{chain.answeredBy}</code>
              </span>
            )}
          </>
        )}
      </header>
      {chain?.notes && (
        <ul className="wf-notes" data-testid="trace-notes">
          {chain.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {chain && (
        <ol className="wf-hops">
          {chain.hops.map((hop, i) => {
            const next = chain.hops[i + 1];
            const total = chain.totalMs || 1;
            // a hop with a span of its own (a callee's run) draws it; others reach to where the next hop
            // starts, so that waiting for a run is not drawn as the hop before it
            const nextStart = next ? Math.max(hop.at, Math.min(next.at, next.bar?.from ?? next.at)) : hop.at;
            const left = ((hop.bar?.from ?? hop.at) / total) * 100;
            const width = ((hop.bar ? hop.bar.to - hop.bar.from : nextStart - hop.at) / total) * 100;
            const e = hop.event;
            return (
              <li key={e.seq} className="wf-hop" data-testid="trace-hop" aria-current={e.seq === selectedSeq ? 'true' : undefined}>
                <button
                  type="button"
                  className="wf-label"
                  title={`${typeOf(e)} · seq ${e.seq}${hop.by ? ` · by ${hop.by}` : ''}${hop.alsoWatched ? ' · also seen by the redis watch' : ''}: show this event`}
                  onClick={() => view.select(e.seq)}
                >
                  {hop.label}
                  {hop.by && e.kind === 'redis' && e.role === 'watch' && <span className="wf-by"> · {hop.by}</span>}
                </button>
                <span className="wf-track" aria-hidden="true">
                  <span
                    className="wf-bar"
                    data-kind={e.kind}
                    data-last={next || hop.bar ? undefined : 'true'}
                    data-span={hop.bar ? 'run' : undefined}
                    title={hop.bar ? `run ${ms(hop.bar.to - hop.bar.from)}` : undefined}
                    style={{ left: `${left}%`, width: `${width}%` }}
                  />
                </span>
                <span className="wf-delta" title={`${ms(hop.at)} after the first hop`}>
                  {i === 0 ? '0' : `+${ms(hop.delta)}`}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
