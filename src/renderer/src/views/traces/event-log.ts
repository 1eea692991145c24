// The events the Traces view holds: an append-only log of column chunks (event-chunk.ts), addressed by
// an absolute position that never changes while the event is held. Appending never copies what is
// held (a React state array copied per batch would be O(n) per batch at a million events), and
// eviction drops whole chunks from the front, so positions stay valid for every index built on them.
// Filters read single columns by position (kindAt, typeAt, payloadAt...); `get` rebuilds an event as
// an object for the few rows on screen and the detail pane.

import { kindNames } from '../../../../shared/trace/event-schema';
import type { TraceEvent, TraceKind } from '../../../../shared/trace/events';
import type { TraceBatch } from '../../../../shared/trace/trace-batch';
import { CHUNK_SIZE, EventChunk } from './event-chunk';
import { StringTable } from './string-table';

export { CHUNK_SIZE };

/** Events rebuilt as objects kept for the next render (the rows on screen), so that rows stay memoised. */
const MAX_BUILT = 2048;

export class EventLog {
  readonly strings = new StringTable();
  #chunks: EventChunk[] = [];
  /** Absolute position of the first held event (always a multiple of CHUNK_SIZE). */
  #base = 0;
  /** Absolute position after the last held event. */
  #end = 0;
  #built = new Map<number, TraceEvent>();
  /**
   * The last chunk evicted, emptied for the next one: at steady state (a full log taking events) no
   * column arrays are allocated, so array buffers do not pile up as external memory between GCs.
   */
  #spare: EventChunk | undefined;

  /** Events held past `capacity` are evicted a chunk at a time, so up to capacity + CHUNK_SIZE are held. */
  constructor(readonly capacity = 1_000_000) {}

  get base(): number {
    return this.#base;
  }

  get end(): number {
    return this.#end;
  }

  get size(): number {
    return this.#end - this.#base;
  }

  /** The newest event's seq (0 when empty). */
  get lastSeq(): number {
    return this.#end > this.#base ? this.seqAt(this.#end - 1) : 0;
  }

  append(e: TraceEvent, note = Number.NaN): void {
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.full) {
      chunk = this.#spare ?? new EventChunk(this.strings);
      this.#spare = undefined;
      this.#chunks.push(chunk);
    }
    chunk.append(e, note);
    this.#end++;
  }

  /**
   * Appends event `j` of a bridge batch from its columns (see EventChunk.appendFrom); `ids` from
   * idsOf(batch), `whole` the batch's whole events by index.
   */
  appendFrom(b: TraceBatch, j: number, ids: Int32Array, whole: ReadonlyMap<number, TraceEvent> | undefined, note = Number.NaN): void {
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.full) {
      chunk = this.#spare ?? new EventChunk(this.strings);
      this.#spare = undefined;
      this.#chunks.push(chunk);
    }
    chunk.appendFrom(b, j, ids, whole, note);
    this.#end++;
  }

  /** The log's string ids of a batch's strings, by the batch's id (0: none; -1: the table is full). */
  idsOf(b: TraceBatch): Int32Array {
    const ids = new Int32Array(b.strings.length + 1);
    for (let k = 0; k < b.strings.length; k++) ids[k + 1] = this.strings.id(b.strings[k]!);
    return ids;
  }

  /** Drops the oldest chunks while more than capacity are held; returns how many events left. */
  evict(): number {
    let n = 0;
    while (this.size - CHUNK_SIZE >= this.capacity) {
      this.#spare = this.#chunks.shift()!;
      this.#spare.reset();
      n += CHUNK_SIZE;
      this.#base += CHUNK_SIZE;
    }
    if (n > 0) this.#built.clear();
    return n;
  }

  /** Forgets every event; positions go on from where they were (indices built before are void). */
  clear(): void {
    this.#chunks = [];
    this.#spare = undefined;
    this.#built.clear();
    this.strings.clear();
    // keep base chunk-aligned so that chunk arithmetic stays simple
    this.#base = Math.ceil(this.#end / CHUNK_SIZE) * CHUNK_SIZE;
    this.#end = this.#base;
  }

  /** The chunk holding `pos` (callers check that it is held). */
  #chunk(pos: number): EventChunk {
    return this.#chunks[((pos - this.#base) / CHUNK_SIZE) | 0]!;
  }

  has(pos: number): boolean {
    return pos >= this.#base && pos < this.#end;
  }

  /** The event at absolute position `pos`, if held. */
  get(pos: number): TraceEvent | undefined {
    if (!this.has(pos)) return undefined;
    let e = this.#built.get(pos);
    if (!e) {
      if (this.#built.size >= MAX_BUILT) this.#built.clear();
      e = this.#chunk(pos).event(pos % CHUNK_SIZE);
      this.#built.set(pos, e);
    }
    return e;
  }

  // Column reads by position; the position must be held (filters scan between base and end).

  seqAt(pos: number): number {
    return this.#chunk(pos).seq[pos % CHUNK_SIZE]!;
  }

  kindAt(pos: number): TraceKind {
    const c = this.#chunk(pos);
    const i = pos % CHUNK_SIZE;
    return c.whole(i)?.kind ?? kindNames[c.kind[i]!]!;
  }

  typeAt(pos: number): string {
    return this.#chunk(pos).typeOf(pos % CHUNK_SIZE);
  }

  peerAt(pos: number): string {
    return this.#chunk(pos).peerOf(pos % CHUNK_SIZE);
  }

  targetAt(pos: number): string {
    return this.#chunk(pos).targetOf(pos % CHUNK_SIZE);
  }

  payloadAt(pos: number): string {
    return this.#chunk(pos).payloadOf(pos % CHUNK_SIZE);
  }

  corrAt(pos: number): string | undefined {
    return this.#chunk(pos).corr(pos % CHUNK_SIZE);
  }

  /** The number noted with the event at `pos` (NaN: none). */
  note(pos: number): number {
    return this.has(pos) ? this.#chunk(pos).note[pos % CHUNK_SIZE]! : Number.NaN;
  }

  /** Position of the event with this seq (events are held in seq order), or -1. */
  positionOf(seq: number): number {
    let lo = this.#base;
    let hi = this.#end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqAt(mid) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.#end && this.seqAt(lo) === seq ? lo : -1;
  }
}
