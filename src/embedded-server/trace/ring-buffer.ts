// A bounded FIFO: once full, each push evicts the oldest item and counts it, so that a trace that runs
// for hours holds the most recent `capacity` events and says how many it lost.

export class RingBuffer<T> {
  // grows to `capacity` with push(), then wraps: a bus that records little never allocates the full array
  readonly #items: (T | undefined)[] = [];
  #head = 0; // index of the oldest item once the array is full
  #size = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.#size;
  }

  /** Items evicted to make room since the last clear(). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Adds an item; returns the evicted oldest one when the ring was full. */
  push(item: T): T | undefined {
    if (this.#size < this.capacity) {
      this.#items.push(item);
      this.#size++;
      return undefined;
    }
    const evicted = this.#items[this.#head];
    this.#items[this.#head] = item;
    this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
    this.#dropped++;
    return evicted;
  }

  /** The i-th item from the oldest (0) to the newest (size - 1). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.#size) return undefined;
    const j = this.#head + i;
    return this.#items[j >= this.capacity ? j - this.capacity : j];
  }

  get oldest(): T | undefined {
    return this.at(0);
  }

  get newest(): T | undefined {
    return this.at(this.#size - 1);
  }

  clear(): void {
    this.#items.length = 0;
    this.#head = 0;
    this.#size = 0;
    this.#dropped = 0;
  }
}
