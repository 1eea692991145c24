// The rows a filter lets through: increasing log positions in fixed-size typed chunks (8 bytes a row,
// no per-row object), appended as batches are filtered and trimmed at the front as the log evicts.
const CHUNK = 16_384;

export class RowIndex {
  #chunks: Float64Array[] = [];
  /** Entries dropped from the front of the first chunk. */
  #head = 0;
  /** Entries written to the last chunk. */
  #tail = CHUNK;

  get length(): number {
    return this.#chunks.length === 0 ? 0 : (this.#chunks.length - 1) * CHUNK + this.#tail - this.#head;
  }

  push(pos: number): void {
    if (this.#tail === CHUNK) {
      this.#chunks.push(new Float64Array(CHUNK));
      this.#tail = 0;
    }
    this.#chunks[this.#chunks.length - 1]![this.#tail++] = pos;
  }

  /** The i-th row's log position (0 = oldest). */
  get(i: number): number {
    const j = i + this.#head;
    return this.#chunks[Math.floor(j / CHUNK)]![j % CHUNK]!;
  }

  /** How many rows have a position below `pos` (the rows of a log cut at `pos`). */
  countBelow(pos: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Forgets rows whose position is below `pos` (evicted from the log). */
  dropBelow(pos: number): void {
    const n = this.countBelow(pos);
    if (n === 0) return;
    if (n === this.length) {
      this.clear();
      return;
    }
    this.#head += n;
    const whole = Math.floor(this.#head / CHUNK);
    if (whole > 0) {
      this.#chunks.splice(0, whole);
      this.#head -= whole * CHUNK;
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#tail = CHUNK;
  }
}
