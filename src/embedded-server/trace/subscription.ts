// One subscriber of the bus: events accumulate and a timer hands them over as one batch every
// `intervalMs`, so a UI gets a few messages per second however busy the server is. The timer runs
// only while something is waiting to be delivered.
import type { TraceEvent } from '../../shared/trace/events';

export type BatchListener = (batch: TraceEvent[]) => void;

export interface SubscribeOptions {
  /** Most time an event waits before delivery, ms. Default 50. */
  intervalMs?: number;
  /**
   * Most events waiting for one subscriber; past it events are dropped for it and counted in
   * `subscriberDropped` (a listener that cannot keep up must not grow memory without bound).
   * Default 100,000.
   */
  maxPending?: number;
}

export class Subscription {
  #pending: TraceEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #intervalMs: number;
  readonly #maxPending: number;

  constructor(
    private readonly listener: BatchListener,
    o: SubscribeOptions,
    private readonly onDrop: () => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.#intervalMs = Math.max(0, o.intervalMs ?? 50);
    this.#maxPending = Math.max(1, o.maxPending ?? 100_000);
  }

  push(e: TraceEvent): void {
    if (this.#pending.length >= this.#maxPending) {
      this.onDrop();
      return;
    }
    this.#pending.push(e);
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
    if (this.#closed || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.listener(batch);
    } catch (err) {
      this.onError(err);
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }
}
