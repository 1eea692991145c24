// Pause, recording on/off, clear, export and import, and the counters that keep drops visible.
import { useRef } from 'react';
import { useStore } from 'zustand';
import { downloadText, sessionFileName } from './session-download';
import type { TraceFeed } from './trace-feed';
import type { TraceView } from './trace-view';

const integer = new Intl.NumberFormat();

export function TraceToolbar({ view, feed }: { view: TraceView; feed: TraceFeed }) {
  const paused = useStore(view.store, (s) => s.paused);
  const enabled = useStore(view.store, (s) => s.stats?.enabled);
  const dropped = useStore(view.store, (s) => s.stats?.dropped ?? 0);
  const subscriberDropped = useStore(view.store, (s) => s.stats?.subscriberDropped ?? 0);
  const hostHeld = useStore(view.store, (s) => s.hostHeld);
  const held = useStore(view.store, (s) => s.held);
  const missed = useStore(view.store, (s) => s.missed);
  const evicted = useStore(view.store, (s) => s.evicted);
  const skipped = useStore(view.store, (s) => s.skipped);
  const loading = useStore(view.store, (s) => s.loading);
  const fileInput = useRef<HTMLInputElement>(null);

  const exportSession = async () => {
    const out = await feed.exportSession();
    if (!out) return;
    downloadText(sessionFileName(), out.ndjson);
    view.setNotice({ tone: 'ok', text: `Exported ${integer.format(out.count)} events.` });
  };

  // importing replaces what the host holds: ask first when there is a live session to lose
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    if (fileInput.current) fileInput.current.value = '';
    if ((view.store.getState().stats?.held ?? 0) > 0) view.setPendingImport({ text, file: file.name });
    else await feed.importSession(text, file.name);
  };

  return (
    <div className="tt" role="toolbar" aria-label="Trace controls">
      <button
        type="button"
        aria-pressed={paused}
        data-testid="trace-pause"
        title="Pause or resume the live log (Space)"
        onClick={() => view.togglePause()}
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button
        type="button"
        aria-pressed={enabled === true}
        data-testid="trace-toggle"
        data-enabled={String(enabled)}
        title="Record trace events on the host"
        disabled={enabled === undefined}
        onClick={() => void feed.setEnabled(!enabled)}
      >
        {enabled ? '● Recording' : '○ Recording off'}
      </button>
      <button type="button" data-testid="trace-clear" title="Forget every trace event, on the host too" onClick={() => void feed.clear()}>
        Clear
      </button>
      <button type="button" data-testid="trace-export" title="Save the session as NDJSON" onClick={() => void exportSession()}>
        Export
      </button>
      <button
        type="button"
        data-testid="trace-import"
        title="Load a saved session (recording stops)"
        onClick={() => fileInput.current?.click()}
      >
        Import…
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".ndjson,.jsonl,.json,application/x-ndjson"
        hidden
        data-testid="trace-import-file"
        onChange={(e) => void importFile(e.target.files?.[0])}
      />
      <span className="tt-stats" data-testid="trace-counts">
        {loading && <span className="tt-loading">loading…</span>}
        <span title="Events this view holds (the host holds its own count)">
          {integer.format(held)} in view{hostHeld !== undefined && ` · ${integer.format(hostHeld)} on host`}
        </span>
        <span
          className={dropped + subscriberDropped > 0 ? 'tt-warn' : undefined}
          data-testid="trace-dropped"
          data-dropped={dropped}
          title="Events the host's bus let go (its ring was full, or this view could not keep up)"
        >
          {integer.format(dropped)} dropped{subscriberDropped > 0 && ` · ${integer.format(subscriberDropped)} undelivered`}
        </span>
        {missed > 0 && (
          <span className="tt-warn" title="Gaps in the live stream: events sent by the host that never reached this view">
            {integer.format(missed)} missed
          </span>
        )}
        {skipped > 0 && (
          <span
            data-testid="trace-skipped"
            title="Events that came faster than a following log can show: the view took the newest of each batch. The host holds the rest (pause to keep every one)."
          >
            {integer.format(skipped)} skipped
          </span>
        )}
        {evicted > 0 && (
          <span title="The oldest events this view let go to stay within its capacity">{integer.format(evicted)} evicted</span>
        )}
      </span>
    </div>
  );
}
