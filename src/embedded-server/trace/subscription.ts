// One subscriber of the bus: a timer hands what was recorded over as one batch every `intervalMs`, so
// a UI gets a few messages per second however busy the server is. The timer runs only while something
// is waiting to be delivered. What waits is a range of seqs, not events: the batch is read from the bus
// when the timer fires, and not at all when the subscriber says nobody is listening (`active`), so a
// Studio with no window attached builds no batch for it (issue 6). A batch is columns (trace-batch.ts),
// the form the bridge carries.
import type { TraceBatch } from '../../shared/trace/trace-batch';

export type BatchListener = (batch: TraceBatch) => void;

export interface SubscribeOptions {
  /** Most time an event waits before delivery, ms. Default 50. */
  intervalMs?: number;
  /**
   * Most events waiting for one subscriber; past it events are dropped for it and counted in
   * `subscriberDropped` (a listener that cannot keep up must not grow memory without bound).
   * Default 100,000.
   */
  maxPending?: number;
  /**
   * Whether the listener wants batches now; when it returns false at delivery time, what waited is
   * skipped without being read (e.g. a host with no UI attached). Default: always.
   */
  active?: () => boolean;
  /**
   * Most events in one batch, read at delivery time (undefined: no limit but maxPending): past it the
   * newest are delivered and the batch says how many older ones it left out (`skipped`, not counted
   * as dropped: the subscriber asked for it). Default: none.
   */
  maxBatch?: () => number | undefined;
}

/** The held events with seqs from `from` to `to` (inclusive), oldest first. */
export type BatchReader = (from: number, to: number) => TraceBatch;

export class Subscription {
  /** First seq waiting for delivery; 0 when none. */
  #from = 0;
  #to = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #active: (() => boolean) | undefined;

  constructor(
    private readonly listener: BatchListener,
    o: SubscribeOptions,
    private readonly read: BatchReader,
    private readonly onDrop: (n: number) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.#intervalMs = Math.max(0, o.intervalMs ?? 50);
    this.#maxPending = Math.max(1, o.maxPending ?? 100_000);
    this.#active = o.active;
    this.#maxBatch = o.maxBatch;
  }

  readonly #maxBatch: (() => number | undefined) | undefined;

  /** The event `seq` was recorded (seqs arrive in increasing order). */
  push(seq: number): void {
    if (this.#from === 0) this.#from = seq;
    this.#to = seq;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#intervalMs);
      // a trace subscriber alone must not keep a process alive
      this.#timer.unref?.();
    }
  }

  /** Delivers what is waiting now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const from = this.#from;
    const to = this.#to;
    this.#from = 0;
    if (this.#closed || from === 0) return;
    if (this.#active && !this.#active()) return;
    const max = this.#maxBatch?.();
    const skipped = max !== undefined && to - from + 1 > max ? to - from + 1 - Math.max(1, max) : 0;
    const first = from + skipped;
    const waiting = to - first + 1;
    const batch = this.read(first, Math.min(to, first + this.#maxPending - 1));
    if (skipped > 0) batch.skipped = skipped;
    // past maxPending, or evicted from the ring before delivery
    if (batch.n < waiting) this.onDrop(waiting - batch.n);
    if (batch.n === 0) return;
    try {
      this.listener(batch);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Forgets what is waiting (the bus was cleared or replaced by a loaded session). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#from = 0;
  }

  close(): void {
    this.#closed = true;
    this.reset();
  }
}
