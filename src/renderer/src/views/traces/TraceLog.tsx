// The live log: one row per event, only the visible ones in the DOM. @tanstack/react-virtual tracks
// the scroll element (offset, size, total height) over blocks of rows rather than rows: its
// measurement pass is O(count) on every count change (50-90 ms at a million rows, i.e. a long task per
// batch), while a few thousand blocks cost well under a millisecond. Rows have one fixed height, so
// the visible ones follow from the scroll offset.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { TraceEvent } from '../../../../shared/trace/events';
import { formatMs } from '../../lib/format-ms';
import { dirOf, peerOf, sizeOf, targetOf, toneOf, typeOf } from './event-columns';
import type { TraceView } from './trace-view';

export const ROW_HEIGHT = 22;
const BLOCK_ROWS = 512;
const OVERSCAN_ROWS = 12;
/**
 * Following the newest rows while events pour in, every row on screen shows another event at each
 * publish: rows past the screen would be rendered for nothing, and rows are updated in place (keyed
 * by their place on screen) rather than replaced, which spares creating and removing the DOM of a
 * screenful of rows ten times a second, and the garbage it leaves for the GC.
 */
const FOLLOW_OVERSCAN_ROWS = 2;

// one formatter each: toLocaleString with options builds a new formatter per call (tens of µs a row)
const wallClock = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
});
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const integer = new Intl.NumberFormat();

function ms(v: number | undefined): string {
  return v === undefined ? '' : formatMs(v);
}

function bytes(v: number | undefined): string {
  if (v === undefined) return '';
  return v < 1024 ? `${v} B` : `${(v / 1024).toFixed(1)} KB`;
}

const TraceRow = memo(function TraceRow({
  e,
  row,
  selected,
  focusable,
  latency,
  onSelect,
  onKeyDown,
}: {
  e: TraceEvent;
  row: number;
  selected: boolean;
  /** The one row Tab reaches (the selected one, or the last shown). */
  focusable: boolean;
  latency: number | undefined;
  onSelect: (seq: number) => void;
  onKeyDown: (ev: React.KeyboardEvent) => void;
}) {
  const target = targetOf(e);
  const peer = peerOf(e);
  return (
    // a button per row: focusable, clickable and announced without extra roles; arrow keys move on
    <button
      type="button"
      className="tl-row"
      aria-current={selected ? 'true' : undefined}
      tabIndex={focusable ? 0 : -1}
      data-kind={e.kind}
      data-tone={toneOf(e)}
      data-seq={e.seq}
      data-testid="trace-row"
      style={{ top: row * ROW_HEIGHT }}
      onClick={() => onSelect(e.seq)}
      onKeyDown={onKeyDown}
    >
      <span className="tl-time" title={wallClock.format(e.wall)}>
        {number.format(e.t)}
      </span>
      <span className="tl-peer" title={peer}>
        {peer}
      </span>
      <span className="tl-dir">{dirOf(e)}</span>
      <span className="tl-type">{typeOf(e)}</span>
      <span className="tl-target" title={target}>
        {target}
      </span>
      <span className="tl-size">{bytes(sizeOf(e))}</span>
      <span className="tl-latency">{ms(latency)}</span>
    </button>
  );
});

export function TraceLog({ view }: { view: TraceView }) {
  const rows = useStore(view.store, (s) => s.rows);
  const version = useStore(view.store, (s) => s.version);
  const shifted = useStore(view.store, (s) => s.shifted);
  const selectedSeq = useStore(view.store, (s) => s.selectedSeq);
  const scrollRef = useRef<HTMLDivElement>(null);
  /** Whether the list follows the newest rows: true until the user scrolls up. */
  const follow = useRef(true);
  const [following, setFollowing] = useState(true);
  const lastShifted = useRef(shifted);

  const blocks = Math.ceil(rows / BLOCK_ROWS);
  // the last block grows with each batch: its key changes with its size so the virtualizer re-measures
  const getItemKey = useCallback((i: number) => (i === blocks - 1 ? `last-${rows}` : i), [blocks, rows]);
  const virtualizer = useVirtualizer({
    count: blocks,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => Math.min(BLOCK_ROWS, rows - i * BLOCK_ROWS) * ROW_HEIGHT,
    getItemKey,
    overscan: 0,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each publish (version), which is when rows may have moved
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const gone = shifted - lastShifted.current;
    lastShifted.current = shifted;
    if (follow.current) el.scrollTop = el.scrollHeight;
    // rows evicted above: keep the rows the user is reading where they are
    else if (gone > 0) el.scrollTop = Math.max(0, el.scrollTop - gone * ROW_HEIGHT);
  }, [version, shifted]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 1.5;
    setFollowing(follow.current);
  };

  const select = useCallback((seq: number) => view.select(seq), [view]);

  const latest = useRef({ rows, selectedSeq });
  latest.current = { rows, selectedSeq };
  const onKeyDown = useCallback(
    (ev: React.KeyboardEvent) => {
      if (ev.key === ' ' && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        // a focused row is a button, which Space would click: here Space pauses, as everywhere in Traces
        ev.preventDefault();
        if (!ev.repeat) view.togglePause();
        return;
      }
      const { rows, selectedSeq } = latest.current;
      const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
      let row: number;
      if (ev.key === 'Home') row = 0;
      else if (ev.key === 'End') row = rows - 1;
      else if (keys[ev.key] !== undefined) {
        const current = selectedSeq === undefined ? -1 : view.rowOf(selectedSeq);
        row = current < 0 ? rows - 1 : Math.min(rows - 1, Math.max(0, current + keys[ev.key]!));
      } else return;
      ev.preventDefault();
      const e = view.eventAt(row);
      if (!e) return;
      view.select(e.seq);
      follow.current = row === rows - 1;
      const el = scrollRef.current;
      if (el) el.scrollTop = Math.max(0, row * ROW_HEIGHT - el.clientHeight / 2);
      // the row's button is re-rendered as the focusable one: move focus with it
      requestAnimationFrame(() => el?.querySelector<HTMLElement>(`[data-seq="${e.seq}"]`)?.focus());
    },
    [view],
  );

  const height = virtualizer.scrollRect?.height ?? 800;
  // following, the list is about to be scrolled to the end (layout effect below): render the end now
  // rather than the stale offset, so that the scroll does not render a second set of rows
  const offset = follow.current ? Math.max(0, rows * ROW_HEIGHT - height) : (virtualizer.scrollOffset ?? 0);
  const overscan = follow.current ? FOLLOW_OVERSCAN_ROWS : OVERSCAN_ROWS;
  const first = Math.max(0, Math.floor(offset / ROW_HEIGHT) - overscan);
  const last = Math.min(rows, Math.ceil((offset + height) / ROW_HEIGHT) + overscan);
  const cells: React.JSX.Element[] = [];
  for (let row = first; row < last; row++) {
    const e = view.eventAt(row);
    if (!e) continue;
    cells.push(
      <TraceRow
        key={follow.current ? `at ${row - first}` : e.seq}
        e={e}
        row={row}
        selected={e.seq === selectedSeq}
        focusable={selectedSeq === undefined ? row === last - 1 : e.seq === selectedSeq}
        latency={view.latencyAt(row)}
        onSelect={select}
        onKeyDown={onKeyDown}
      />,
    );
  }

  return (
    <div className="tl" data-testid="trace-log">
      <div className="tl-row tl-head" aria-hidden="true">
        <span title="Bus time, ms since the host started; hover a row for the wall clock">t (ms)</span>
        <span>connection</span>
        <span>dir</span>
        <span>type</span>
        <span>URI / channel / key</span>
        <span>size</span>
        <span title="A redis op's or callee run's duration; for a RES, the time since its CALL">latency</span>
      </div>
      <section
        ref={scrollRef}
        className="tl-scroll"
        aria-label={`Trace events, ${rows} shown`}
        onScroll={onScroll}
        data-testid="trace-scroll"
      >
        <div className="tl-body" style={{ height: virtualizer.getTotalSize() }}>
          {cells}
        </div>
        {rows === 0 && <p className="tl-empty">No events{view.store.getState().filtering ? ' match the filters' : ' yet'}.</p>}
      </section>
      {rows > 0 && !following && (
        <button
          type="button"
          className="tl-newest"
          onClick={() => {
            follow.current = true;
            setFollowing(true);
            const el = scrollRef.current;
            if (el) el.scrollTop = el.scrollHeight;
          }}
        >
          ↓ newest ({integer.format(rows)})
        </button>
      )}
    </div>
  );
}
