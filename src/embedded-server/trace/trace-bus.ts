// The trace bus: every frame, redis operation, callee run and sync patch of the Studio, stamped and
// held in a bounded ring, queried by seq or by correlation (the hops of one CALL), delivered to
// subscribers in batches, optionally spilled to a file. record() is on the server's hot path: it
// stamps the producer's object in place and does no parsing and no I/O.
import type { Chain, FrameTrace, TraceEvent, TraceInput, TraceKind, TraceStats } from '../../shared/trace/events';
import { buildChain, DEFAULT_CALL_TIMEOUT_MS } from './chain';
import { CorrIndex } from './corr-index';
import { TraceError } from './errors';
import { RingBuffer } from './ring-buffer';
import { type SpillOptions, SpillWriter } from './spill-writer';
import { type BatchListener, type SubscribeOptions, Subscription } from './subscription';

export interface TraceBusOptions {
  /** Events held; past it the oldest are evicted and counted as dropped. Default 1,000,000. */
  capacity?: number;
  /**
   * Frame text kept per event, in UTF-16 units. Longer texts are cut, marked `truncated`, and keep
   * their real `size`: a million events must fit in memory whatever the frames carry. Default 4096.
   */
  textLimit?: number;
  /** Recording on from the start. Default true. */
  enabled?: boolean;
  /** A CALL's timeout when it gives none, for chain verdicts (the server's default). Default 60,000 ms. */
  defaultCallTimeoutMs?: number;
  /** Receives what a subscriber's listener throws (default: rethrown on a fresh stack). */
  onListenerError?: (err: unknown) => void;
}

export interface EventQuery {
  /** First seq wanted (inclusive). Default: the oldest held. */
  fromSeq?: number;
  /** Most events returned. Default 1000. */
  limit?: number;
  kinds?: readonly TraceKind[];
  filter?: (e: TraceEvent) => boolean;
}

export const DEFAULT_CAPACITY = 1_000_000;
export const DEFAULT_TEXT_LIMIT = 4096;

export class TraceBus {
  /** When false, record() returns at once; producers check it before building an input. */
  enabled: boolean;
  readonly capacity: number;
  readonly textLimit: number;
  readonly defaultCallTimeoutMs: number;
  readonly #ring: RingBuffer<TraceEvent>;
  /** corr → seqs of its events; entries leave with their events. */
  readonly #byCorr = new CorrIndex();
  #subs: Subscription[] = [];
  #spill: SpillWriter | undefined;
  #lastSpill: { file: string; written: number; dropped: number; error?: string } | undefined;
  #seq = 0;
  #origin = performance.now();
  /** Date.now() at #origin. */
  #wallOrigin = Date.now();
  /** Set for a loaded session: chain verdicts are judged at its last event, not at the clock. */
  #frozenNow: number | undefined;
  #subscriberDropped = 0;
  /** A loaded session's own drops (the seqs missing from it). */
  #droppedBefore = 0;
  readonly #onListenerError: (err: unknown) => void;

  constructor(o: TraceBusOptions = {}) {
    this.capacity = o.capacity ?? DEFAULT_CAPACITY;
    this.textLimit = o.textLimit ?? DEFAULT_TEXT_LIMIT;
    this.enabled = o.enabled ?? true;
    this.defaultCallTimeoutMs = o.defaultCallTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.#ring = new RingBuffer(this.capacity);
    this.#onListenerError =
      o.onListenerError ??
      ((err) =>
        setTimeout(() => {
          throw err;
        }, 0));
  }

  /**
   * Stamps and holds one event. The bus takes `input` over (it becomes the event): pass a fresh object.
   */
  record(input: TraceInput): void {
    if (!this.enabled) return;
    const e = input as TraceEvent;
    e.seq = ++this.#seq;
    const t = performance.now() - this.#origin;
    e.t = t;
    // from the monotonic clock, not Date.now(): one clock read per event is what record() costs most
    e.wall = Math.floor(this.#wallOrigin + t);
    if (e.kind === 'frame' && e.text.length > this.textLimit) this.#cut(e);
    this.#hold(e);
    for (const s of this.#subs) s.push(e);
    this.#spill?.push(e);
  }

  /** Bus time (ms, as `t`) of a performance.now() reading: for producers that report after the fact. */
  toT(perfNow: number): number {
    return perfNow - this.#origin;
  }

  /** Bus time now. */
  now(): number {
    return this.#frozenNow ?? performance.now() - this.#origin;
  }

  /**
   * A frame text cut to the limit as a fresh string: a slice would keep the whole original frame
   * alive (V8 slices reference their parent), which is what the limit is there to prevent.
   */
  cutText(text: string): string {
    let n = this.textLimit;
    const c = text.charCodeAt(n - 1);
    if (c >= 0xd800 && c <= 0xdbff) n--; // do not split a surrogate pair
    return Buffer.from(text.slice(0, n), 'utf8').toString('utf8');
  }

  #cut(e: FrameTrace): void {
    e.text = this.cutText(e.text);
    e.truncated = true;
  }

  #hold(e: TraceEvent): void {
    const evicted = this.#ring.push(e);
    if (evicted?.corr !== undefined) this.#byCorr.evict(evicted.corr, evicted.seq);
    if (e.corr !== undefined) this.#byCorr.add(e.corr, e.seq);
  }

  stats(): TraceStats {
    const spill = this.#spill ?? this.#lastSpill;
    const s: TraceStats = {
      enabled: this.enabled,
      capacity: this.capacity,
      held: this.#ring.size,
      recorded: this.#seq,
      dropped: this.#ring.dropped + this.#droppedBefore,
      spilled: spill?.written ?? 0,
      spillDropped: spill?.dropped ?? 0,
      subscriberDropped: this.#subscriberDropped,
    };
    if (this.#spill) s.spillFile = this.#spill.file;
    if (spill?.error !== undefined) s.spillError = spill.error;
    return s;
  }

  /** The event with this seq, if still held. */
  get(seq: number): TraceEvent | undefined {
    const oldest = this.#ring.oldest;
    if (!oldest || seq < oldest.seq) return undefined;
    const guess = this.#ring.at(seq - oldest.seq);
    if (guess?.seq === seq) return guess;
    // a loaded session may have gaps in seq: search
    const i = this.#indexOf(seq);
    const e = this.#ring.at(i);
    return e?.seq === seq ? e : undefined;
  }

  /** Ring position of the first event with seq ≥ `seq`. */
  #indexOf(seq: number): number {
    let lo = 0;
    let hi = this.#ring.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ring.at(mid)?.seq ?? 0) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Events from `fromSeq` on, oldest first, up to `limit`, of the given kinds and passing `filter`. */
  events(q: EventQuery = {}): TraceEvent[] {
    const limit = q.limit ?? 1000;
    const out: TraceEvent[] = [];
    const oldest = this.#ring.oldest;
    if (!oldest || limit <= 0) return out;
    let i = 0;
    if (q.fromSeq !== undefined && q.fromSeq > oldest.seq) {
      i = q.fromSeq - oldest.seq;
      if (this.#ring.at(i)?.seq !== q.fromSeq) i = this.#indexOf(q.fromSeq);
    }
    const kinds = q.kinds && q.kinds.length > 0 ? new Set(q.kinds) : undefined;
    for (; i < this.#ring.size && out.length < limit; i++) {
      const e = this.#ring.at(i)!;
      if (kinds && !kinds.has(e.kind)) continue;
      if (q.filter && !q.filter(e)) continue;
      out.push(e);
    }
    return out;
  }

  /** The held events of one request, in seq order. */
  related(corr: string): TraceEvent[] {
    const seqs = this.#byCorr.get(corr);
    const out: TraceEvent[] = [];
    for (const seq of seqs) {
      const e = this.get(seq);
      if (e) out.push(e);
    }
    return out;
  }

  /** The hops of the request `corr` (a CALL's, PUB's, SUB's uuid) and how it ended. */
  chain(corr: string): Chain | undefined {
    return buildChain(corr, this.related(corr), { now: this.now(), defaultCallTimeoutMs: this.defaultCallTimeoutMs });
  }

  /**
   * Delivers events to `listener` in batches: at most one call per `intervalMs` (default 50), none
   * when nothing happened. Returns the function that unsubscribes.
   */
  subscribe(listener: BatchListener, o: SubscribeOptions = {}): () => void {
    const sub = new Subscription(
      listener,
      o,
      () => this.#subscriberDropped++,
      (err) => this.#onListenerError(err),
    );
    // a new array: record() may be iterating the old one
    this.#subs = [...this.#subs, sub];
    return () => {
      sub.close();
      this.#subs = this.#subs.filter((s) => s !== sub);
    };
  }

  /** Delivers what subscribers are waiting for now (before a shutdown, or in tests). */
  flushSubscribers(): void {
    for (const s of this.#subs) s.flush();
  }

  /** Appends every event recorded from now on to `file` as NDJSON. Rejects with SPILL_FAILED / SPILL_ACTIVE. */
  async spillTo(file: string, o: SpillOptions = {}): Promise<void> {
    if (this.#spill) throw new TraceError('SPILL_ACTIVE', `already spilling to ${this.#spill.file}; call stopSpill() first`);
    this.#spill = await SpillWriter.open(file, o);
  }

  /** Writes what is queued for the spill file and closes it. */
  async stopSpill(): Promise<void> {
    const s = this.#spill;
    if (!s) return;
    this.#spill = undefined;
    await s.close();
    this.#lastSpill = { file: s.file, written: s.written, dropped: s.dropped, ...(s.error !== undefined ? { error: s.error } : {}) };
  }

  /** Forgets every held event; seq goes on (ids stay unique within the bus's life). */
  clear(): void {
    this.#ring.clear();
    this.#byCorr.clear();
    this.#frozenNow = undefined;
    this.#droppedBefore = 0;
  }

  /**
   * Replaces the held events with recorded ones (an imported session), keeping their seq, t and wall.
   * `events` must be in increasing seq order. Recording is switched off: the bus now shows that session.
   */
  load(events: Iterable<TraceEvent>): number {
    this.clear();
    this.enabled = false;
    let n = 0;
    let last: TraceEvent | undefined;
    for (const e of events) {
      if (e.kind === 'frame' && e.text.length > this.textLimit) this.#cut(e);
      this.#hold(e);
      last = e;
      n++;
    }
    this.#seq = last?.seq ?? 0;
    this.#frozenNow = last?.t ?? 0;
    this.#droppedBefore = this.#seq - n;
    return n;
  }

  /** Stops timers and the spill (a bus being disposed). */
  async close(): Promise<void> {
    for (const s of this.#subs) s.close();
    this.#subs = [];
    await this.stopSpill();
  }
}
