// The events the Traces view holds: an append-only log in fixed-size chunks, addressed by an absolute
// position that never changes while the event is held. Appending never copies what is held (a React
// state array copied per batch would be O(n) per batch at a million events), and eviction drops whole
// chunks from the front, so positions stay valid for every index built on them.
import type { TraceEvent } from '../../../../shared/trace/events';

export const CHUNK_SIZE = 4096;

export class EventLog {
  #chunks: TraceEvent[][] = [];
  /**
   * A number per event computed on arrival (a RES's latency), NaN when none: a typed array beside
   * the chunk instead of a WeakMap, whose ephemerons make every GC of a million events slower.
   */
  #notes: Float32Array[] = [];
  /** Absolute position of the first held event. */
  #base = 0;
  /** Absolute position after the last held event. */
  #end = 0;

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
    return this.#end > this.#base ? this.get(this.#end - 1)!.seq : 0;
  }

  append(e: TraceEvent, note = Number.NaN): void {
    const offset = this.#end - this.#base;
    const ci = Math.floor(offset / CHUNK_SIZE);
    let chunk = this.#chunks[ci];
    if (!chunk) {
      chunk = [];
      this.#chunks.push(chunk);
      this.#notes.push(new Float32Array(CHUNK_SIZE).fill(Number.NaN));
    }
    chunk.push(e);
    if (!Number.isNaN(note)) this.#notes[ci]![offset % CHUNK_SIZE] = note;
    this.#end++;
  }

  /** The number noted with the event at `pos` (NaN: none). */
  note(pos: number): number {
    if (pos < this.#base || pos >= this.#end) return Number.NaN;
    const offset = pos - this.#base;
    return this.#notes[Math.floor(offset / CHUNK_SIZE)]![offset % CHUNK_SIZE]!;
  }

  /** Drops the oldest chunks while more than capacity are held; returns how many events left. */
  evict(): number {
    let n = 0;
    while (this.size - CHUNK_SIZE >= this.capacity) {
      const first = this.#chunks.shift()!;
      this.#notes.shift();
      n += first.length;
      this.#base += first.length;
    }
    return n;
  }

  /** The event at absolute position `pos`, if held. */
  get(pos: number): TraceEvent | undefined {
    if (pos < this.#base || pos >= this.#end) return undefined;
    // base is always chunk-aligned: chunks before the last are full
    const offset = pos - this.#base;
    return this.#chunks[Math.floor(offset / CHUNK_SIZE)]?.[offset % CHUNK_SIZE];
  }

  /** Position of the event with this seq (events are held in seq order), or -1. */
  positionOf(seq: number): number {
    let lo = this.#base;
    let hi = this.#end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid)!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.#end && this.get(lo)!.seq === seq ? lo : -1;
  }

  /** Forgets every event; positions go on from where they were (indices built before are void). */
  clear(): void {
    this.#chunks = [];
    this.#notes = [];
    // keep base chunk-aligned so that chunk arithmetic stays simple
    this.#base = Math.ceil(this.#end / CHUNK_SIZE) * CHUNK_SIZE;
    this.#end = this.#base;
  }
}
