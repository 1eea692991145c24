// The trace bus: every frame, redis operation, callee run and sync patch of the Studio, stamped and
// held in a bounded ring, queried by seq or by correlation (the hops of one CALL), delivered to
// subscribers in batches, optionally spilled to a file. Recording is on the server's hot path: the
// hot kinds (juggler frames, redis operations, callee runs) go in through recordFrame, recordRedis and
// recordCallee, which write a few references and numbers into the ring's columns and build no object;
// events are built when they are read (events, get, chain), and a subscriber's batch is copied from the
// columns into the bridge's columns (trace-batch.ts) without them. No parsing, no I/O.

import { reportListenerError } from '../../shared/emitter';
import { KIND_CALLEE, KIND_FRAME, KIND_REDIS, kindFields } from '../../shared/trace/event-schema';
import type { CalleeTrace, Chain, FrameTrace, RedisTrace, TraceEvent, TraceInput, TraceKind, TraceStats } from '../../shared/trace/events';
import { type TraceBatch, TraceBatchWriter } from '../../shared/trace/trace-batch';
import { buildChain, DEFAULT_CALL_TIMEOUT_MS } from './chain';
import { CorrIndex } from './corr-index';
import { TraceError } from './errors';
import { type Chunk, EventRing, SLOT_CALLEE, SLOT_FRAME, SLOT_OBJECT, SLOT_REDIS } from './event-ring';
import { type SpillOptions, SpillWriter } from './spill-writer';
import { type BatchListener, type SubscribeOptions, Subscription } from './subscription';

// What the ring's columns (event-ring.ts) hold for each hot kind: the one place that says it. Besides
// these, every slot has code, seq, t and corr alike, and a frame's flags (below); a kind leaves the
// other columns undefined. Fields not listed are derived when read: a frame's proto ('juggler'), side,
// dir and truncated (flags) and error (no type), a slot's wall (from t).
/** Frame: `size` NaN until read (the bytes of `text`, counted then) unless the text was cut; `source` an id (#sources), 0 for none. */
const FRAME = { connId: 'a', text: 'b', uuid: 'c', uri: 'd', channel: 'e', type: 'f', size: 'x', source: 'y' } as const;
const REDIS = { command: 'a', key: 'b', error: 'e', role: 'f', size: 'x', durationMs: 'y' } as const;
const CALLEE = { calleeId: 'a', uri: 'b', error: 'e', outcome: 'f', durationMs: 'x', startedT: 'y' } as const;

// frame slot flags
const CLIENT = 1;
const OUT = 2;
const TRUNCATED = 4;
/** A frame seen by the recording proxy (see FrameTrace.side); `source` names the proxy. */
const PROXY = 8;

/** The batch slot (event-schema.ts) of each field of a kind, by name. */
function slotsOf(code: number): Record<string, number> {
  return Object.fromEntries(kindFields[code]!.map((f) => [f.name, f.slot]));
}
const FRAME_SLOT = slotsOf(KIND_FRAME);
const REDIS_SLOT = slotsOf(KIND_REDIS);
const CALLEE_SLOT = slotsOf(KIND_CALLEE);

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
  /** Receives what a subscriber's listener throws (default: reportListenerError, as every emitter's, see shared/emitter.ts). */
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

function frameSide(flags: number): FrameTrace['side'] {
  return flags & CLIENT ? 'client' : flags & PROXY ? 'proxy' : 'server';
}

/** What is wrong with a frame that has no juggler.0 type (none when it has one). */
function frameError(type: string | undefined, side: FrameTrace['side'], dir: 'in' | 'out'): string | undefined {
  if (type !== undefined) return undefined;
  return dir === 'in' && side === 'server' ? 'refused: not a juggler.0 request' : 'not a juggler.0 frame';
}
export const DEFAULT_TEXT_LIMIT = 4096;

export class TraceBus {
  /** When false, record() returns at once; producers check it before building an input. */
  enabled: boolean;
  readonly capacity: number;
  readonly textLimit: number;
  readonly defaultCallTimeoutMs: number;
  readonly #ring: EventRing;
  /** corr → seqs of its events, filled up to #indexedTo by #index() (see corr-index.ts). */
  readonly #byCorr = new CorrIndex();
  #indexedTo = 0;
  /** Seqs below it are gone from #byCorr. */
  #prunedBelow = 0;
  #subs: Subscription[] = [];
  #spill: SpillWriter | undefined;
  #lastSpill: { file: string; written: number; dropped: number; error?: string } | undefined;
  #seq = 0;
  #origin = performance.now();
  /** Date.now() at #origin. */
  readonly #wallOrigin = Date.now();
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
    this.#ring = new EventRing(this.capacity);
    this.#onListenerError = o.onListenerError ?? ((err) => reportListenerError(err, 'trace batch'));
  }

  /**
   * Stamps and holds one event. The bus takes `input` over (it becomes the event): pass a fresh object.
   * The hot kinds have their own methods that take no object (recordFrame, recordRedis, recordCallee).
   * `at`: when it happened in bus time (see toT), for producers that learn of events after the fact
   * (the redis watch places commands at redis' own time); default now.
   */
  record(input: TraceInput, at?: number): void {
    if (!this.enabled) return;
    const e = input as TraceEvent;
    const t = at ?? performance.now() - this.#origin;
    const p = this.#claim(SLOT_OBJECT, t);
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    e.seq = c.seq[i]!;
    e.t = t;
    e.wall = this.#wall(t);
    if (e.kind === 'frame' && e.text.length > this.textLimit) this.#cut(e);
    this.#holdObject(p, e);
    this.#recorded(p);
  }

  /**
   * A juggler.0 frame, as the server or a client saw it. `type` is the frame's type name (undefined: not
   * a juggler.0 frame); `corr` the request's uuid (for a reply, its `for`); `at` the performance.now()
   * the producer already read, if any. The size is counted when the event is read, unless the text is
   * cut now.
   */
  recordFrame(
    side: FrameTrace['side'],
    connId: string,
    dir: 'in' | 'out',
    text: string,
    type: string | undefined,
    uuid: string | undefined,
    corr: string | undefined,
    uri: string | undefined,
    channel: string | undefined,
    at?: number,
    source?: string,
  ): void {
    if (!this.enabled) return;
    const p = this.#claim(SLOT_FRAME, (at ?? performance.now()) - this.#origin);
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    let flags = (side === 'client' ? CLIENT : side === 'proxy' ? PROXY : 0) | (dir === 'out' ? OUT : 0);
    // the source as a number in a number column: no string column added for a rare field
    c[FRAME.source][i] = source === undefined ? 0 : this.#sourceId(source);
    if (text.length > this.textLimit) {
      c[FRAME.size][i] = Buffer.byteLength(text);
      c[FRAME.text][i] = this.cutText(text);
      flags |= TRUNCATED;
    } else {
      c[FRAME.size][i] = Number.NaN;
      c[FRAME.text][i] = text;
    }
    c.flags[i] = flags;
    c[FRAME.connId][i] = connId;
    c[FRAME.uuid][i] = uuid;
    c[FRAME.uri][i] = uri;
    c[FRAME.channel][i] = channel;
    c[FRAME.type][i] = type;
    c.corr[i] = corr;
    this.#recorded(p);
  }

  /** Small ids of frame sources (proxy upstream URLs), from 1: few of them, held for the bus's life. */
  readonly #sources: string[] = [];
  readonly #sourceIds = new Map<string, number>();

  #sourceId(source: string): number {
    let id = this.#sourceIds.get(source);
    if (id === undefined) {
      id = this.#sources.push(source);
      this.#sourceIds.set(source, id);
    }
    return id;
  }

  /** A redis operation (see RedisTrace). */
  recordRedis(
    role: RedisTrace['role'],
    command: string,
    key: string,
    size: number,
    durationMs: number,
    corr: string | undefined,
    error: string | undefined,
  ): void {
    if (!this.enabled) return;
    const p = this.#claim(SLOT_REDIS, performance.now() - this.#origin);
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    c.flags[i] = 0;
    c[REDIS.command][i] = command;
    c[REDIS.key][i] = key;
    c[REDIS.error][i] = error;
    c[REDIS.role][i] = role;
    c[REDIS.size][i] = size;
    c[REDIS.durationMs][i] = durationMs;
    c.c[i] = undefined; // unused by this kind
    c.d[i] = undefined;
    c.corr[i] = corr;
    this.#recorded(p);
  }

  /** A callee run (see CalleeTrace; `startedT` in bus time, see toT). */
  recordCallee(
    calleeId: string,
    uri: string,
    durationMs: number,
    outcome: CalleeTrace['outcome'],
    error: string | undefined,
    corr: string | undefined,
    startedT: number,
  ): void {
    if (!this.enabled) return;
    const p = this.#claim(SLOT_CALLEE, performance.now() - this.#origin);
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    c.flags[i] = 0;
    c[CALLEE.calleeId][i] = calleeId;
    c[CALLEE.uri][i] = uri;
    c[CALLEE.error][i] = error;
    c[CALLEE.outcome][i] = outcome;
    c[CALLEE.durationMs][i] = durationMs;
    c[CALLEE.startedT][i] = startedT;
    c.c[i] = undefined; // unused by this kind
    c.d[i] = undefined;
    c.corr[i] = corr;
    this.#recorded(p);
  }

  /** A slot stamped with the next seq and time `t`. */
  #claim(code: number, t: number): number {
    const p = this.#ring.claim();
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    c.code[i] = code;
    c.seq[i] = ++this.#seq;
    c.t[i] = t;
    return p;
  }

  /**
   * Wall-clock time of bus time `t`: from the monotonic clock, not Date.now() (one clock read per event
   * is what recording costs most), and computed when read rather than held: only loaded sessions have
   * walls of their own, and those are held as objects.
   */
  #wall(t: number): number {
    return Math.floor(this.#wallOrigin + t);
  }

  #holdObject(p: number, e: TraceEvent): void {
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    c.flags[i] = 0;
    c.a[i] = e;
    c.b[i] = undefined;
    c.c[i] = undefined;
    c.d[i] = undefined;
    c.e[i] = undefined;
    c.f[i] = undefined;
    c.corr[i] = e.corr;
  }

  #recorded(p: number): void {
    const subs = this.#subs;
    if (subs.length > 0) {
      const seq = this.#seq;
      for (const s of subs) s.push(seq);
    }
    this.#spill?.push(this.#event(p));
  }

  /** The event in slot `p`, built from its columns. */
  #event(p: number): TraceEvent {
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    switch (c.code[i]) {
      case SLOT_FRAME: {
        const flags = c.flags[i]!;
        const side = frameSide(flags);
        const dir = flags & OUT ? 'out' : 'in';
        const type = c[FRAME.type][i];
        const text = c[FRAME.text][i]!;
        const e: FrameTrace = {
          kind: 'frame',
          proto: 'juggler',
          side,
          connId: c[FRAME.connId][i] as string,
          dir,
          type,
          uuid: c[FRAME.uuid][i],
          uri: c[FRAME.uri][i],
          channel: c[FRAME.channel][i],
          corr: c.corr[i],
          size: this.#frameSize(c, i),
          text,
          truncated: flags & TRUNCATED ? true : undefined,
          error: frameError(type, side, dir),
          seq: c.seq[i]!,
          t: c.t[i]!,
          wall: this.#wall(c.t[i]!),
        };
        const source = this.#source(c, i);
        if (source !== undefined) e.source = source;
        return e;
      }
      case SLOT_REDIS: {
        const e: RedisTrace = {
          kind: 'redis',
          role: c[REDIS.role][i] as RedisTrace['role'],
          command: c[REDIS.command][i] as string,
          key: c[REDIS.key][i]!,
          size: c[REDIS.size][i]!,
          durationMs: c[REDIS.durationMs][i]!,
          corr: c.corr[i],
          error: c[REDIS.error][i],
          seq: c.seq[i]!,
          t: c.t[i]!,
          wall: this.#wall(c.t[i]!),
        };
        return e;
      }
      case SLOT_CALLEE: {
        const e: CalleeTrace = {
          kind: 'callee',
          calleeId: c[CALLEE.calleeId][i] as string,
          uri: c[CALLEE.uri][i]!,
          durationMs: c[CALLEE.durationMs][i]!,
          outcome: c[CALLEE.outcome][i] as CalleeTrace['outcome'],
          error: c[CALLEE.error][i],
          corr: c.corr[i],
          startedT: c[CALLEE.startedT][i]!,
          seq: c.seq[i]!,
          t: c.t[i]!,
          wall: this.#wall(c.t[i]!),
        };
        return e;
      }
      default:
        return c.a[i] as TraceEvent;
    }
  }

  #frameSize(c: Chunk, i: number): number {
    const size = c[FRAME.size][i]!;
    return Number.isNaN(size) ? Buffer.byteLength(c[FRAME.text][i]!) : size;
  }

  #source(c: Chunk, i: number): string | undefined {
    const id = c[FRAME.source][i]!;
    return id > 0 ? this.#sources[id - 1] : undefined;
  }

  /** Appends the event in slot `p` to a batch: the hot kinds straight from their columns (see FRAME, REDIS, CALLEE). */
  #write(w: TraceBatchWriter, p: number): void {
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    const seq = c.seq[i]!;
    const t = c.t[i]!;
    switch (c.code[i]) {
      case SLOT_FRAME: {
        const flags = c.flags[i]!;
        const side = frameSide(flags);
        const dir = flags & OUT ? 'out' : 'in';
        const type = c[FRAME.type][i];
        const j = w.begin(KIND_FRAME, seq, t, this.#wall(t));
        w.sym(j, FRAME_SLOT.proto!, 'juggler');
        w.sym(j, FRAME_SLOT.side!, side);
        w.sym(j, FRAME_SLOT.connId!, c[FRAME.connId][i] as string);
        w.sym(j, FRAME_SLOT.dir!, dir);
        w.sym(j, FRAME_SLOT.type!, type);
        w.text(j, FRAME_SLOT.uuid!, c[FRAME.uuid][i]);
        w.sym(j, FRAME_SLOT.uri!, c[FRAME.uri][i]);
        w.sym(j, FRAME_SLOT.channel!, c[FRAME.channel][i]);
        w.text(j, FRAME_SLOT.corr!, c.corr[i]);
        w.num(j, FRAME_SLOT.size!, this.#frameSize(c, i));
        w.text(j, FRAME_SLOT.text!, c[FRAME.text][i]);
        if (flags & TRUNCATED) w.flag(j, true);
        w.text(j, FRAME_SLOT.error!, frameError(type, side, dir));
        w.sym(j, FRAME_SLOT.source!, this.#source(c, i));
        return;
      }
      case SLOT_REDIS: {
        const j = w.begin(KIND_REDIS, seq, t, this.#wall(t));
        w.sym(j, REDIS_SLOT.role!, c[REDIS.role][i]);
        w.sym(j, REDIS_SLOT.command!, c[REDIS.command][i] as string);
        w.text(j, REDIS_SLOT.key!, c[REDIS.key][i]);
        w.num(j, REDIS_SLOT.size!, c[REDIS.size][i]);
        w.num(j, REDIS_SLOT.durationMs!, c[REDIS.durationMs][i]);
        w.text(j, REDIS_SLOT.corr!, c.corr[i]);
        w.text(j, REDIS_SLOT.error!, c[REDIS.error][i]);
        return;
      }
      case SLOT_CALLEE: {
        const j = w.begin(KIND_CALLEE, seq, t, this.#wall(t));
        w.sym(j, CALLEE_SLOT.calleeId!, c[CALLEE.calleeId][i] as string);
        w.sym(j, CALLEE_SLOT.uri!, c[CALLEE.uri][i]);
        w.num(j, CALLEE_SLOT.durationMs!, c[CALLEE.durationMs][i]);
        w.sym(j, CALLEE_SLOT.outcome!, c[CALLEE.outcome][i]);
        w.text(j, CALLEE_SLOT.corr!, c.corr[i]);
        w.text(j, CALLEE_SLOT.error!, c[CALLEE.error][i]);
        w.num(j, CALLEE_SLOT.startedT!, c[CALLEE.startedT][i]);
        return;
      }
      default:
        w.add(c.a[i] as TraceEvent);
    }
  }

  #kind(p: number): TraceKind {
    const c = this.#ring.chunk(p);
    const i = EventRing.at(p);
    switch (c.code[i]) {
      case SLOT_FRAME:
        return 'frame';
      case SLOT_REDIS:
        return 'redis';
      case SLOT_CALLEE:
        return 'callee';
      default:
        return (c.a[i] as TraceEvent).kind;
    }
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

  /** The event with this seq, if still held (a new object on each call). */
  get(seq: number): TraceEvent | undefined {
    const i = this.#position(seq);
    return this.#ring.seqAt(i) === seq ? this.#event(this.#ring.slot(i)) : undefined;
  }

  /** Ring position of the first event with seq ≥ `seq`. */
  #position(seq: number): number {
    const oldest = this.#ring.seqAt(0);
    if (oldest === undefined || seq <= oldest) return 0;
    const guess = seq - oldest;
    if (this.#ring.seqAt(guess) === seq) return guess;
    // a loaded session may have gaps in seq: search
    let lo = 0;
    let hi = this.#ring.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ring.seqAt(mid)! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Events from `fromSeq` on, oldest first, up to `limit`, of the given kinds and passing `filter`. */
  events(q: EventQuery = {}): TraceEvent[] {
    const limit = q.limit ?? 1000;
    const out: TraceEvent[] = [];
    if (this.#ring.size === 0 || limit <= 0) return out;
    const kinds = q.kinds && q.kinds.length > 0 ? new Set(q.kinds) : undefined;
    const size = this.#ring.size;
    for (let i = q.fromSeq === undefined ? 0 : this.#position(q.fromSeq); i < size && out.length < limit; i++) {
      const p = this.#ring.slot(i);
      if (kinds && !kinds.has(this.#kind(p))) continue;
      const e = this.#event(p);
      if (q.filter && !q.filter(e)) continue;
      out.push(e);
    }
    return out;
  }

  /** The held events with seqs from `from` to `to`, oldest first (a subscriber's batch), as columns. */
  #range(from: number, to: number): TraceBatch {
    const start = this.#position(from);
    const size = this.#ring.size;
    const w = new TraceBatchWriter(Math.min(size - start, to - from + 1));
    for (let i = start; i < size; i++) {
      const p = this.#ring.slot(i);
      if (this.#ring.chunk(p).seq[EventRing.at(p)]! > to) break;
      this.#write(w, p);
    }
    return w.done();
  }

  /**
   * Events from `fromSeq` on, oldest first, up to `limit`, as columns: what trace.events returns to a
   * window, without building an object per event.
   */
  batch(q: { fromSeq?: number; limit?: number } = {}): TraceBatch {
    const start = q.fromSeq === undefined ? 0 : this.#position(q.fromSeq);
    const end = Math.min(this.#ring.size, start + Math.max(0, q.limit ?? 1000));
    const w = new TraceBatchWriter(Math.max(0, end - start));
    for (let i = start; i < end; i++) this.#write(w, this.#ring.slot(i));
    return w.done();
  }

  /** The held events of one request, in seq order. */
  related(corr: string): TraceEvent[] {
    this.#index();
    const out: TraceEvent[] = [];
    for (const seq of this.#byCorr.get(corr)) {
      const e = this.get(seq);
      if (e) out.push(e);
    }
    return out;
  }

  /** Brings the correlation index up to the newest event, and drops evicted seqs now and then. */
  #index(): void {
    const oldest = this.#ring.seqAt(0);
    if (oldest === undefined) return;
    if (oldest > this.#indexedTo) {
      // nothing indexed is still held
      this.#byCorr.clear();
      this.#prunedBelow = oldest;
    } else if (oldest - this.#prunedBelow > this.capacity / 4) {
      // evicted seqs only cost memory (related() skips them): drop them in bulk, O(index) per capacity/4 evictions
      this.#byCorr.dropBefore(oldest);
      this.#prunedBelow = oldest;
    }
    const size = this.#ring.size;
    for (let i = this.#position(this.#indexedTo + 1); i < size; i++) {
      const p = this.#ring.slot(i);
      const c = this.#ring.chunk(p);
      const j = EventRing.at(p);
      const corr = c.corr[j];
      if (corr !== undefined) this.#byCorr.add(corr, c.seq[j]!);
    }
    this.#indexedTo = this.#ring.seqAt(size - 1)!;
  }

  /** The hops of the request `corr` (a CALL's, PUB's, SUB's uuid) and how it ended. */
  chain(corr: string): Chain | undefined {
    return buildChain(corr, this.related(corr), { now: this.now(), defaultCallTimeoutMs: this.defaultCallTimeoutMs });
  }

  /**
   * Delivers events to `listener` in batches: at most one call per `intervalMs` (default 50), none
   * when nothing happened, none built while `active` says nobody listens. Returns the function that
   * unsubscribes.
   */
  subscribe(listener: BatchListener, o: SubscribeOptions = {}): () => void {
    const sub = new Subscription(
      listener,
      o,
      (from, to) => {
        // someone is watching, so a chain() is likely: keep the index up with the batches rather
        // than make the first click wait for up to a million events to be indexed
        this.#index();
        return this.#range(from, to);
      },
      (n) => {
        this.#subscriberDropped += n;
      },
      (err) => this.#onListenerError(err),
    );
    // a new array: recording may be iterating the old one
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

  /**
   * Forgets every held event; seq goes on (ids stay unique within the bus's life). What subscribers
   * were about to receive is forgotten with them.
   */
  clear(): void {
    this.#ring.clear();
    this.#byCorr.clear();
    this.#indexedTo = 0;
    this.#prunedBelow = 0;
    for (const s of this.#subs) s.reset();
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
      const p = this.#ring.claim();
      const c = this.#ring.chunk(p);
      const i = EventRing.at(p);
      c.code[i] = SLOT_OBJECT;
      c.seq[i] = e.seq;
      c.t[i] = e.t;
      this.#holdObject(p, e);
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
