// A test hook for bench/ui-trace.ts, present only with `?bench=1` in the page URL: the benchmark feeds
// the view's store directly, so that what it measures is the view (store, filtering, rendering), not
// the bridge transport.
import type { TraceEvent } from '../../../../shared/trace/events';
import type { TraceFilter } from './trace-filter';
import type { TraceView, TraceViewState } from './trace-view';

export interface TraceBenchHook {
  inject(batch: TraceEvent[]): void;
  state(): Pick<TraceViewState, 'held' | 'rows' | 'matched' | 'evicted' | 'scan' | 'paused'>;
  setFilter(f: Partial<TraceFilter>): void;
}

declare global {
  interface Window {
    __jugglerTraceInject?: (batch: TraceEvent[]) => void;
    __jugglerTrace?: TraceBenchHook;
  }
}

export function benchMode(): boolean {
  return new URLSearchParams(window.location.search).get('bench') === '1';
}

export function installBenchHook(view: TraceView): void {
  const inject = (batch: TraceEvent[]) => view.ingest(batch, { live: true });
  window.__jugglerTraceInject = inject;
  window.__jugglerTrace = {
    inject,
    state: () => {
      const s = view.store.getState();
      return { held: s.held, rows: s.rows, matched: s.matched, evicted: s.evicted, scan: s.scan, paused: s.paused };
    },
    setFilter: (f) => view.setFilter(f),
  };
}
