// The Traces view's state. The events themselves live outside React and outside the zustand state:
// an EventLog (column chunks, evicting) and, while a filter is on, a RowIndex of the positions it lets
// through. A new batch is appended and only that batch is filtered; a changed filter re-scans the log
// in time slices so that a million events never block the page. What components read (counts, the
// filter, pause, selection, the chain) is published at most once per animation frame.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { CORR_SLOT, KIND_FRAME, kindFields, SYM_SLOTS, TEXT_SLOTS } from '../../../../shared/trace/event-schema';
import type { Chain, TraceEvent, TraceStats } from '../../../../shared/trace/events';
import { KIND_WHOLE, type TraceBatch } from '../../../../shared/trace/trace-batch';
import { durationOf } from './event-columns';
import { EventLog } from './event-log';
import { RowIndex } from './row-index';
import { type CompiledFilter, compileFilter, defaultFilter, filterActive, type TraceFilter } from './trace-filter';

export interface Scheduler {
  /** Runs `fn` before the next paint (requestAnimationFrame in the page). */
  frame(fn: () => void): void;
  /** Runs `fn` as a later task, after input and paint had their turn. */
  later(fn: () => void): void;
  /** Runs `fn` in `ms`. */
  after(ms: number, fn: () => void): void;
  now(): number;
}

export const browserScheduler: Scheduler = {
  frame: (fn) => requestAnimationFrame(() => fn()),
  later: (fn) => setTimeout(fn, 0),
  after: (ms, fn) => setTimeout(fn, ms),
  now: () => performance.now(),
};

export interface ChainView {
  corr: string;
  state: 'loading' | 'ready' | 'missing' | 'error';
  chain?: Chain;
  error?: string;
}

export interface TraceViewState {
  /** Bumped on every publish: rows at a given index may show another event now. */
  version: number;
  /** Events held by the view. */
  held: number;
  /** Rows the log shows: the filtered events, cut where the log was paused. */
  rows: number;
  /** Events the filter lets through, including those that arrived while paused. */
  matched: number;
  /** Rows that left the top of the list since the start (evicted): lets a scrolled-up list stay put. */
  shifted: number;
  filter: TraceFilter;
  filtering: boolean;
  filterError?: string;
  /** A changed filter is still scanning held events: the share done, 0..1. */
  scan?: number;
  paused: boolean;
  /** Events that arrived while paused (kept, not shown), and how many of them pass the filter. */
  pausedNew: number;
  pausedNewMatching: number;
  selectedSeq?: number;
  chain?: ChainView;
  /** The host bus's counters (dropped events among them). */
  stats?: TraceStats;
  /**
   * Events the host holds now: its last counters plus the events recorded since (the view has seen
   * them), up to its capacity. The counters are read at most once a second, the events stream in
   * between: shown raw, the view could appear to hold more than the host.
   */
  hostHeld?: number;
  /** Events the host sent that never reached the view (gaps in seq of the live stream). */
  missed: number;
  /** Events the view let go past its own capacity (the oldest). */
  evicted: number;
  /**
   * Events of live batches the view did not take while following: the host sent only the newest of a
   * flood (trace.follow), and past `maxLiveBatch` in one batch the view keeps the newest too (what a
   * following log shows). The host still holds them.
   */
  skipped: number;
  /** Type column values seen, for the type filter. */
  types: string[];
  loading: boolean;
  /** A session loaded from a file: recording is off until switched on. */
  imported?: { count: number; file?: string };
  /** A chosen session file not imported yet: importing replaces what the host holds. */
  pendingImport?: { text: string; file: string };
  /** The outcome of the last action (clear, export, import, resend), for the user. */
  notice?: { tone: 'ok' | 'err'; text: string };
}

export interface TraceViewOptions {
  /** Events held before the oldest are evicted. Default 1,000,000 (the host bus's default). */
  capacity?: number;
  scheduler?: Scheduler;
  /** A scan of more than this many unfiltered events runs in time slices. Default 8192. */
  syncScanLimit?: number;
  /** Longest filter slice, ms. Default 8. */
  sliceMs?: number;
  /**
   * Least time between two publishes while events pour in (more than `floodRows` since the last
   * one), ms. Default 500: a log moving by screens at a time is no more readable at 60 updates a
   * second than at 2, and each update re-renders, lays out and rasterises every visible row (a few ms
   * of the main thread and more of the raster threads, taken from the cores of the system being
   * traced: bench/ui-tracing.ts lost 17-19% of results/s at 200 ms, 11-17% at 500). Fewer events are
   * shown on the next frame.
   */
  minPublishMs?: number;
  /** How long a success notice stays, ms. Default 6,000. */
  noticeMs?: number;
  /** Default 100. */
  floodRows?: number;
  /**
   * Most events taken from one live batch while following (not paused); the older ones are skipped
   * and counted. Default 4096: a batch comes every 50 ms, so over 80,000 events/s, far more than a
   * log can show, and what the page could not take in without falling behind the host.
   */
  maxLiveBatch?: number;
}

const MAX_TYPES = 200;
/** A frame's `type` in a batch's sym columns. */
const FRAME_TYPE_SLOT = kindFields[KIND_FRAME]!.find((f) => f.name === 'type')!.slot;
/** CALL times kept for RES latencies: at 2,000 calls/s, the last 10 s. */
const MAX_OPEN_CALLS = 20_000;

export type ChainLoader = (corr: string) => Promise<Chain | null>;

export class TraceView {
  readonly store: StoreApi<TraceViewState>;
  readonly #log: EventLog;
  readonly #sched: Scheduler;
  readonly #syncScanLimit: number;
  readonly #sliceMs: number;
  readonly #minPublishMs: number;
  readonly #floodRows: number;
  readonly #maxLiveBatch: number;
  #skipped = 0;
  /** Log end at the last publish: how much arrived since. */
  #publishedEnd = 0;
  #lastPublish = Number.NEGATIVE_INFINITY;
  #compiled: CompiledFilter = compileFilter(defaultFilter);
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #noticeMs: number;
  #index = new RowIndex();
  /** Log position up to which the filter has been applied. */
  #scanned = 0;
  #scanQueued = false;
  #frameQueued = false;
  #lastSeq = 0;
  /** Log end when paused: rows at or past it wait for resume. */
  #frozenEnd = 0;
  #missed = 0;
  #evicted = 0;
  #shifted = 0;
  readonly #types = new Set<string>();
  /** CALL time by uuid, to give RES rows their latency. Bounded: the oldest open calls are forgotten. */
  #callT = new Map<string, number>();
  #chainLoader: ChainLoader | undefined;
  #chainStale = false;
  #chainInFlight = false;

  constructor(o: TraceViewOptions = {}) {
    this.#log = new EventLog(o.capacity ?? 1_000_000);
    this.#sched = o.scheduler ?? browserScheduler;
    this.#syncScanLimit = o.syncScanLimit ?? 8192;
    this.#sliceMs = o.sliceMs ?? 8;
    this.#minPublishMs = o.minPublishMs ?? 500;
    this.#floodRows = o.floodRows ?? 100;
    this.#maxLiveBatch = o.maxLiveBatch ?? 4096;
    this.#noticeMs = o.noticeMs ?? 6000;
    this.store = createStore<TraceViewState>()(() => ({
      version: 0,
      held: 0,
      rows: 0,
      matched: 0,
      shifted: 0,
      filter: defaultFilter,
      filtering: false,
      paused: false,
      pausedNew: 0,
      pausedNewMatching: 0,
      missed: 0,
      evicted: 0,
      skipped: 0,
      types: [],
      loading: false,
    }));
  }

  // ---- events in --------------------------------------------------------------------------------

  /**
   * Appends events the view has not seen (by seq; older or repeated ones are skipped). `live` batches
   * come from the host's stream, where a gap in seq means events were lost on the way: counted.
   */
  ingest(batch: readonly TraceEvent[], o: { live?: boolean } = {}): void {
    let typesChanged = false;
    const chainCorr = this.store.getState().chain?.corr;
    for (const e of batch) {
      if (e.seq <= this.#lastSeq) continue;
      if (o.live && this.#lastSeq > 0 && e.seq > this.#lastSeq + 1) this.#missed += e.seq - this.#lastSeq - 1;
      this.#lastSeq = e.seq;
      let latency = Number.NaN;
      if (e.kind === 'frame' && e.corr !== undefined) {
        if (e.type === 'CALL') this.#callAt(e.corr, e.t);
        else if (e.type === 'RES') latency = this.#resultAt(e.corr, e.t);
      }
      this.#log.append(e, latency);
      if (this.#types.size < MAX_TYPES) {
        // the log's own copy of the value: the same string for every event of that type
        const type = this.#log.typeAt(this.#log.end - 1);
        if (!this.#types.has(type)) {
          this.#types.add(type);
          typesChanged = true;
        }
      }
      if (chainCorr !== undefined && e.corr === chainCorr) this.#chainStale = true;
    }
    const evicted = this.#log.evict();
    if (evicted > 0) this.#afterEvict(evicted);
    this.#pump();
    this.#notify(typesChanged);
  }

  /**
   * Appends a batch as the bridge carries it (columns, trace-batch.ts), copied into the log without an
   * object per event; the same rules as ingest. While following, a live batch over `maxLiveBatch`
   * gives only its newest events (the rest are counted in `skipped`).
   */
  ingestBatch(b: TraceBatch, o: { live?: boolean } = {}): void {
    let typesChanged = false;
    const chainCorr = this.store.getState().chain?.corr;
    const log = this.#log;
    if (o.live && b.skipped && b.n > 0) {
      // the host left out the `skipped` events just before its first one (trace/subscription.ts) for a
      // following view: not a loss. A gap before them still is; those the view already holds (the
      // initial load overlapping the live stream) are neither.
      const skippedFrom = b.seq[0]! - b.skipped;
      if (this.#lastSeq > 0 && skippedFrom > this.#lastSeq + 1) this.#missed += skippedFrom - this.#lastSeq - 1;
      this.#skipped += Math.max(0, b.seq[0]! - 1 - Math.max(this.#lastSeq, skippedFrom - 1));
      this.#lastSeq = Math.max(this.#lastSeq, b.seq[0]! - 1);
    }
    let j = 0;
    while (j < b.n && b.seq[j]! <= this.#lastSeq) j++;
    if (o.live && b.n - j > this.#maxLiveBatch && !this.store.getState().paused) {
      const from = b.n - this.#maxLiveBatch;
      // gaps in seq among the skipped events are still losses on the way
      const first = b.seq[j]!;
      const last = b.seq[from - 1]!;
      if (this.#lastSeq > 0 && first > this.#lastSeq + 1) this.#missed += first - this.#lastSeq - 1;
      this.#missed += last - first - (from - 1 - j);
      this.#skipped += from - j;
      this.#lastSeq = last;
      j = from;
    }
    const ids = log.idsOf(b);
    const whole = b.whole.length > 0 ? new Map(b.whole) : undefined;
    const callId = b.strings.indexOf('CALL') + 1 || -1;
    const resId = b.strings.indexOf('RES') + 1 || -1;
    for (; j < b.n; j++) {
      const seq = b.seq[j]!;
      if (seq <= this.#lastSeq) continue;
      if (o.live && this.#lastSeq > 0 && seq > this.#lastSeq + 1) this.#missed += seq - this.#lastSeq - 1;
      this.#lastSeq = seq;
      const code = b.kind[j]!;
      const e = code === KIND_WHOLE ? whole?.get(j) : undefined;
      const corr = e ? e.corr : (b.text[j * TEXT_SLOTS + CORR_SLOT] ?? undefined);
      let latency = Number.NaN;
      if (code === KIND_FRAME && corr !== undefined) {
        const type = b.sym[j * SYM_SLOTS + FRAME_TYPE_SLOT]!;
        if (type === callId) this.#callAt(corr, b.t[j]!);
        else if (type === resId) latency = this.#resultAt(corr, b.t[j]!);
      } else if (e?.kind === 'frame' && corr !== undefined) {
        if (e.type === 'CALL') this.#callAt(corr, e.t);
        else if (e.type === 'RES') latency = this.#resultAt(corr, e.t);
      }
      log.appendFrom(b, j, ids, whole, latency);
      if (this.#types.size < MAX_TYPES) {
        const type = log.typeAt(log.end - 1);
        if (!this.#types.has(type)) {
          this.#types.add(type);
          typesChanged = true;
        }
      }
      if (chainCorr !== undefined && corr === chainCorr) this.#chainStale = true;
    }
    const evicted = log.evict();
    if (evicted > 0) this.#afterEvict(evicted);
    this.#pump();
    this.#notify(typesChanged);
  }

  /** A CALL at time t: its RES gets the latency from it. */
  #callAt(corr: string, t: number): void {
    if (!this.#callT.has(corr)) this.#callT.set(corr, t);
    if (this.#callT.size > MAX_OPEN_CALLS) this.#callT.delete(this.#callT.keys().next().value!);
  }

  /** A RES at time t: the time since its CALL (NaN when unknown). */
  #resultAt(corr: string, t: number): number {
    const t0 = this.#callT.get(corr);
    if (t0 === undefined) return Number.NaN;
    // answered: the map keeps open calls only, so the oldest is rarely dropped (finding it means
    // iterating past every entry deleted since the map last rehashed)
    this.#callT.delete(corr);
    return t - t0;
  }

  #afterEvict(n: number): void {
    const base = this.#log.base;
    this.#evicted += n;
    if (this.#compiled.match) {
      const gone = this.#index.countBelow(base);
      this.#index.dropBelow(base);
      this.#shifted += gone;
    } else {
      this.#shifted += n;
    }
    if (this.#scanned < base) this.#scanned = base;
    if (this.#frozenEnd < base) this.#frozenEnd = base;
  }

  /** Forgets every event (after trace.clear, or before showing an imported session). */
  reset(): void {
    this.#log.clear();
    this.#index.clear();
    this.#scanned = this.#log.base;
    this.#frozenEnd = this.#log.end;
    this.#lastSeq = 0;
    this.#missed = 0;
    this.#evicted = 0;
    this.#skipped = 0;
    this.#types.clear();
    this.#callT = new Map();
    this.store.setState({ selectedSeq: undefined, chain: undefined, types: [] });
    this.#publish();
  }

  // ---- filtering --------------------------------------------------------------------------------

  setFilter(patch: Partial<TraceFilter>): void {
    const filter = { ...this.store.getState().filter, ...patch };
    this.#compiled = compileFilter(filter);
    this.#index = new RowIndex();
    this.#scanned = this.#log.base;
    this.store.setState({ filter, filterError: this.#compiled.error, filtering: filterActive(filter) });
    this.#pump();
    this.#publish();
  }

  clearFilters(): void {
    this.setFilter(defaultFilter);
  }

  /** Filters what is not filtered yet: now when it is little, else in time slices. */
  #pump(): void {
    if (!this.#compiled.match) {
      this.#scanned = this.#log.end;
      return;
    }
    if (this.#log.end - this.#scanned <= this.#syncScanLimit && !this.#scanQueued) {
      this.#scan(this.#log.end);
      return;
    }
    this.#queueSlice();
  }

  #queueSlice(): void {
    if (this.#scanQueued) return;
    this.#scanQueued = true;
    this.#sched.later(() => {
      this.#scanQueued = false;
      if (!this.#compiled.match) return;
      const deadline = this.#sched.now() + this.#sliceMs;
      while (this.#scanned < this.#log.end && this.#sched.now() < deadline) {
        this.#scan(Math.min(this.#log.end, this.#scanned + 1024));
      }
      if (this.#scanned < this.#log.end) this.#queueSlice();
      this.#notify(false);
    });
  }

  #scan(to: number): void {
    const match = this.#compiled.match!;
    const log = this.#log;
    const index = this.#index;
    for (let pos = this.#scanned; pos < to; pos++) {
      if (match(log, pos)) index.push(pos);
    }
    this.#scanned = to;
  }

  // ---- pause --------------------------------------------------------------------------------------

  pause(): void {
    if (this.store.getState().paused) return;
    this.#frozenEnd = this.#log.end;
    this.store.setState({ paused: true });
    this.#publish();
  }

  resume(): void {
    this.store.setState({ paused: false });
    this.#publish();
  }

  togglePause(): void {
    if (this.store.getState().paused) this.resume();
    else this.pause();
  }

  // ---- rows ---------------------------------------------------------------------------------------

  #positionAt(row: number): number {
    return this.#compiled.match ? (row < this.#index.length ? this.#index.get(row) : -1) : this.#log.base + row;
  }

  /** The event shown in row `row` (0 = oldest shown). */
  eventAt(row: number): TraceEvent | undefined {
    return this.#log.get(this.#positionAt(row));
  }

  /** The row showing the event with this seq, or -1. */
  rowOf(seq: number): number {
    const pos = this.#log.positionOf(seq);
    if (pos < 0) return -1;
    if (!this.#compiled.match) return pos - this.#log.base;
    const row = this.#index.countBelow(pos);
    return row < this.#index.length && this.#index.get(row) === pos ? row : -1;
  }

  /** The newest seq the view holds (0: none yet). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  event(seq: number): TraceEvent | undefined {
    return this.#log.get(this.#log.positionOf(seq));
  }

  /** The seq of the newest request frame (CALL, PUB, SUB, UNSB) with this uuid among the last `within` events. */
  findRequest(uuid: string, within = 10_000): number | undefined {
    for (let seq = this.#lastSeq; seq > 0 && seq > this.#lastSeq - within; seq--) {
      const e = this.event(seq);
      if (e?.kind === 'frame' && e.uuid === uuid && e.corr === uuid) return seq;
    }
    return undefined;
  }

  /** A row's latency: the op's or run's own duration, or for a RES the time since its CALL. */
  latencyAt(row: number): number | undefined {
    const pos = this.#positionAt(row);
    const e = this.#log.get(pos);
    if (!e) return undefined;
    const d = durationOf(e);
    if (d !== undefined) return d;
    const note = this.#log.note(pos);
    return Number.isNaN(note) ? undefined : note;
  }

  // ---- selection and chain ----------------------------------------------------------------------

  setChainLoader(loader: ChainLoader): void {
    this.#chainLoader = loader;
  }

  /** Selects an event; one that belongs to a request (has a corr) opens that request's chain. */
  select(seq: number | undefined): void {
    if (seq === undefined) {
      this.store.setState({ selectedSeq: undefined, chain: undefined });
      return;
    }
    const e = this.event(seq);
    const corr = e?.corr;
    const current = this.store.getState().chain;
    const chain = corr === undefined ? undefined : current?.corr === corr ? current : { corr, state: 'loading' as const };
    this.store.setState({ selectedSeq: seq, chain });
    if (corr !== undefined && chain !== current) {
      this.#chainStale = true;
      this.#loadChain();
    }
  }

  #loadChain(): void {
    const view = this.store.getState().chain;
    if (!view || !this.#chainLoader || this.#chainInFlight || !this.#chainStale) return;
    this.#chainStale = false;
    this.#chainInFlight = true;
    const corr = view.corr;
    this.#chainLoader(corr).then(
      (chain) => this.#chainDone(corr, chain ? { corr, state: 'ready', chain } : { corr, state: 'missing' }),
      (err: Error) => this.#chainDone(corr, { corr, state: 'error', error: err.message }),
    );
  }

  #chainDone(corr: string, view: ChainView): void {
    this.#chainInFlight = false;
    if (this.store.getState().chain?.corr !== corr) {
      this.#loadChain();
      return;
    }
    this.store.setState({ chain: view });
    // hops that arrived while this fetch ran
    this.#loadChain();
  }

  // ---- host state ---------------------------------------------------------------------------------

  setStats(stats: TraceStats): void {
    this.store.setState({ stats, hostHeld: this.#hostHeld(stats) });
  }

  setLoading(loading: boolean): void {
    this.store.setState({ loading });
  }

  setImported(imported: TraceViewState['imported']): void {
    this.store.setState({ imported });
  }

  /**
   * An outcome for the user. A success goes away by itself after `noticeMs`; an error stays until it is
   * dismissed (or replaced), so that it is read.
   */
  setNotice(notice: TraceViewState['notice']): void {
    clearTimeout(this.#noticeTimer);
    this.store.setState({ notice });
    if (notice?.tone === 'ok') {
      this.#noticeTimer = setTimeout(() => {
        if (this.store.getState().notice === notice) this.store.setState({ notice: undefined });
      }, this.#noticeMs);
    }
  }

  /** A file the user chose to import, waiting for them to confirm that it replaces the live session. */
  setPendingImport(pendingImport: TraceViewState['pendingImport']): void {
    this.store.setState({ pendingImport });
  }

  // ---- publishing ---------------------------------------------------------------------------------

  #notify(typesChanged: boolean): void {
    if (typesChanged) this.#typesDirty = true;
    if (this.#frameQueued) return;
    this.#frameQueued = true;
    const onFrame = () => {
      const flood = this.#log.end - this.#publishedEnd > this.#floodRows;
      const wait = this.#minPublishMs - (this.#sched.now() - this.#lastPublish);
      if (flood && wait > 0) {
        // a timer, not a frame after frame: each animation frame the page asks for is work for the
        // renderer and the compositor (a frame pipeline 60 times a second), taken from the host's cores
        this.#sched.after(wait, () => this.#sched.frame(onFrame));
        return;
      }
      this.#frameQueued = false;
      this.#publish();
    };
    this.#sched.frame(onFrame);
  }

  #typesDirty = false;

  /** Publishes the counts now (tests and actions; ingest waits for the next frame). */
  flush(): void {
    this.#publish();
  }

  #hostHeld(stats: TraceStats | undefined): number | undefined {
    if (!stats) return undefined;
    return Math.min(stats.capacity, stats.held + Math.max(0, this.#lastSeq - stats.recorded));
  }

  #publish(): void {
    this.#lastPublish = this.#sched.now();
    this.#publishedEnd = this.#log.end;
    const log = this.#log;
    const s = this.store.getState();
    const filtered = !!this.#compiled.match;
    const matched = filtered ? this.#index.length : log.size;
    const rows = !s.paused ? matched : filtered ? this.#index.countBelow(this.#frozenEnd) : this.#frozenEnd - log.base;
    const behind = log.end - this.#scanned;
    const patch: Partial<TraceViewState> = {
      version: s.version + 1,
      held: log.size,
      rows,
      matched,
      shifted: this.#shifted,
      scan: filtered && behind > 0 ? Math.max(0, 1 - behind / Math.max(1, log.size)) : undefined,
      pausedNew: s.paused ? log.end - this.#frozenEnd : 0,
      pausedNewMatching: s.paused ? matched - rows : 0,
      missed: this.#missed,
      evicted: this.#evicted,
      skipped: this.#skipped,
      hostHeld: this.#hostHeld(s.stats),
    };
    if (this.#typesDirty) {
      this.#typesDirty = false;
      patch.types = [...this.#types].sort();
    }
    this.store.setState(patch);
    if (this.#chainStale) this.#loadChain();
  }
}
