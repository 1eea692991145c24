// The Traces view: every trace event of the Studio in a live log with filters and search, pause, the
// selected event as JSON, its request's waterfall, and session export/import. State lives in
// trace-view.ts (fed by trace-feed.ts); these components only read it.
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { ChainWaterfall } from './ChainWaterfall';
import { EventDetails } from './EventDetails';
import { downloadText, sessionFileName } from './session-download';
import { TraceFilters } from './TraceFilters';
import { TraceLog } from './TraceLog';
import { TraceToolbar } from './TraceToolbar';
import { traceFeed, traceView } from './traces-instance';
import { Welcome } from './Welcome';
import './traces.css';

const integer = new Intl.NumberFormat();

/** Keys typed into a field, or pressed on a button (Space clicks it), are not shortcuts. */
function ownedByTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(el.tagName) || !!el.closest?.('.cm-editor');
}

function Banners() {
  const view = traceView;
  const paused = useStore(view.store, (s) => s.paused);
  const pausedNew = useStore(view.store, (s) => s.pausedNew);
  const pausedNewMatching = useStore(view.store, (s) => s.pausedNewMatching);
  const filtering = useStore(view.store, (s) => s.filtering);
  const imported = useStore(view.store, (s) => s.imported);
  const enabled = useStore(view.store, (s) => s.stats?.enabled);
  const notice = useStore(view.store, (s) => s.notice);
  const pendingImport = useStore(view.store, (s) => s.pendingImport);
  const hostHeld = useStore(view.store, (s) => s.hostHeld ?? 0);
  const feed = traceFeed();
  const replace = async () => {
    if (!pendingImport) return;
    view.setPendingImport(undefined);
    await feed.importSession(pendingImport.text, pendingImport.file);
  };
  const exportFirst = async () => {
    const out = await feed.exportSession();
    if (out) downloadText(sessionFileName(), out.ndjson);
  };
  return (
    <>
      {pendingImport && (
        <div className="tv-banner" data-tone="warn" role="alertdialog" data-testid="trace-import-confirm">
          Importing {pendingImport.file} replaces the live session ({integer.format(hostHeld)} events on the host) and stops recording.{' '}
          <button type="button" className="link-button" data-testid="trace-import-export-first" onClick={() => void exportFirst()}>
            Export the live session first
          </button>{' '}
          <button type="button" data-testid="trace-import-replace" onClick={() => void replace()}>
            Replace it
          </button>{' '}
          <button type="button" data-testid="trace-import-cancel" onClick={() => view.setPendingImport(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {paused && (
        <div className="tv-banner" data-tone="warn" role="status" data-testid="trace-paused">
          Paused: {integer.format(pausedNew)} new event{pausedNew === 1 ? '' : 's'} kept
          {filtering && ` (${integer.format(pausedNewMatching)} match the filters)`}, not shown.{' '}
          <button type="button" className="link-button" onClick={() => view.resume()}>
            Resume (Space)
          </button>
        </div>
      )}
      {imported && (
        <div className="tv-banner" data-tone="info" role="status" data-testid="trace-imported">
          Showing an imported session: {integer.format(imported.count)} events{imported.file && ` from ${imported.file}`}.{' '}
          {enabled ? 'Recording is on again: new events follow it.' : 'Recording is off: switch it on to record live traffic again.'}
        </div>
      )}
      {!imported && enabled === false && (
        <div className="tv-banner" data-tone="warn" role="status">
          Recording is off: the host records no new events.
        </div>
      )}
      {notice && (
        <div className="tv-banner" data-tone={notice.tone} role={notice.tone === 'err' ? 'alert' : 'status'} data-testid="trace-notice">
          {notice.text}{' '}
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => view.setNotice(undefined)}>
            ×
          </button>
        </div>
      )}
    </>
  );
}

export function TracesView() {
  const view = traceView;
  const feed = traceFeed();
  const searchRef = useRef<HTMLInputElement>(null);
  const hasSelection = useStore(view.store, (s) => s.selectedSeq !== undefined);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      if (e.key === 'Escape' && !(e.target as HTMLElement | null)?.closest?.('input, select, textarea')) {
        view.select(undefined);
        return;
      }
      if (ownedByTarget(e.target)) return;
      if (e.key === ' ') {
        view.togglePause();
        e.preventDefault();
      } else if (e.key === '/') {
        searchRef.current?.focus();
        searchRef.current?.select();
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="view tv" data-testid="view-traces" aria-label="Traces">
      <Welcome />
      <TraceToolbar view={view} feed={feed} />
      <TraceFilters view={view} searchRef={searchRef} />
      <Banners />
      <div className="tv-main" data-selection={hasSelection}>
        <TraceLog view={view} />
        {hasSelection && (
          <aside className="tv-side" aria-label="Selected event">
            <ChainWaterfall view={view} />
            <EventDetails view={view} feed={feed} />
          </aside>
        )}
      </div>
    </section>
  );
}
