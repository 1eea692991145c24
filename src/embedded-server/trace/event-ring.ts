// The trace bus's store: a bounded FIFO of events kept as columns (typed arrays for the numbers, one
// array per string field) instead of one object per event. Recording the hot kinds (juggler frames,
// redis operations, callee runs) then allocates nothing: the bus writes references to strings the
// engine made anyway (the frame text, its uuids, the connection id) and a few numbers, and builds the
// event objects only when someone reads them. A million held objects of 15 fields each cost ~400 B
// per event and kept the young-generation GC copying every event it recorded (issue 6).
//
// Once full, each claim evicts the oldest slot and counts it, so that a trace that runs for hours holds
// the most recent `capacity` events and says how many it lost.

// How a slot's columns are read (the `code` column).
/** A whole event object in `a` (rare kinds, loaded sessions, producers that pass an object). */
export const SLOT_OBJECT = 0;
/** A juggler.0 frame, a redis operation, a callee run: see TraceBus.recordFrame and the others. */
export const SLOT_FRAME = 1;
export const SLOT_REDIS = 2;
export const SLOT_CALLEE = 3;

/**
 * Slots per chunk. Chunks are allocated as the ring fills, so a bus that records little never holds
 * the full capacity's columns, and nothing is copied as it grows.
 */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

export class Chunk {
  readonly code: Uint8Array;
  /** Per-kind bit flags (frames: side, direction, truncated). */
  readonly flags: Uint8Array;
  readonly seq: Float64Array;
  readonly t: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly a: unknown[];
  readonly b: (string | undefined)[];
  readonly c: (string | undefined)[];
  readonly d: (string | undefined)[];
  readonly e: (string | undefined)[];
  readonly f: (string | undefined)[];
  readonly corr: (string | undefined)[];

  constructor(n: number) {
    this.code = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.seq = new Float64Array(n);
    this.t = new Float64Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    // filled, not holey: V8 keeps these as plain element arrays of the chunk's length
    this.a = new Array(n).fill(undefined);
    this.b = new Array(n).fill(undefined);
    this.c = new Array(n).fill(undefined);
    this.d = new Array(n).fill(undefined);
    this.e = new Array(n).fill(undefined);
    this.f = new Array(n).fill(undefined);
    this.corr = new Array(n).fill(undefined);
  }
}

export class EventRing {
  readonly #chunks: Chunk[] = [];
  #head = 0; // physical slot of the oldest event once the ring is full
  #size = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.#size;
  }

  /** Events evicted to make room since the last clear(). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * The physical slot for a new event: the next free one, or the oldest one (evicted and counted) when
   * the ring is full. The caller writes every column of the slot's code (stale references would keep an
   * evicted event's strings alive).
   */
  claim(): number {
    if (this.#size < this.capacity) {
      const p = this.#size++;
      if (p >>> CHUNK_BITS === this.#chunks.length) this.#chunks.push(new Chunk(Math.min(CHUNK, this.capacity - p)));
      return p;
    }
    const p = this.#head;
    this.#head = p + 1 === this.capacity ? 0 : p + 1;
    this.#dropped++;
    return p;
  }

  /** Physical slot of the i-th event from the oldest (0) to the newest (size - 1); -1 outside. */
  slot(i: number): number {
    if (i < 0 || i >= this.#size) return -1;
    const j = this.#head + i;
    return j >= this.capacity ? j - this.capacity : j;
  }

  chunk(p: number): Chunk {
    return this.#chunks[p >>> CHUNK_BITS]!;
  }

  /** Index of physical slot `p` within its chunk. */
  static at(p: number): number {
    return p & CHUNK_MASK;
  }

  /** Seq of the i-th event from the oldest; undefined outside. */
  seqAt(i: number): number | undefined {
    const p = this.slot(i);
    return p < 0 ? undefined : this.chunk(p).seq[p & CHUNK_MASK];
  }

  /** Forgets every event and the drop count; chunks are released (a cleared bus may stay idle). */
  clear(): void {
    this.#chunks.length = 0;
    this.#head = 0;
    this.#size = 0;
    this.#dropped = 0;
  }
}
