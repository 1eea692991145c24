// The Traces view's one store and feed. They outlive the view's component: events keep arriving
// while another view is shown, and coming back shows them.
import { getBridge } from '../../bridge/bridge';
import { appStore } from '../../stores/use-app-store';
import { benchMode, installBenchHook } from './bench-hook';
import { TraceFeed } from './trace-feed';
import { TraceView } from './trace-view';

export const traceView = new TraceView();
let feed: TraceFeed | undefined;

/** The feed, started on first use (with ?bench=1 the view is fed by the benchmark instead). */
export function traceFeed(): TraceFeed {
  if (!feed) {
    const { client, link } = getBridge();
    feed = new TraceFeed(client, traceView);
    if (benchMode()) installBenchHook(traceView);
    else feed.start(link, { open: appStore().getState().link === 'open' });
  }
  return feed;
}
