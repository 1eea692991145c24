// Average and 95th percentile of the latest call durations of a URI (a bounded window, so a
// long-running Studio keeps a constant memory per handler). The one statistic of callee durations:
// demo and user callees alike (host/tracer.ts, user-callees.ts).
import { nearestRank } from '../../shared/percentile';

export class DurationStats {
  readonly #window: number[] = [];
  #next = 0;
  #count = 0;
  #sum = 0;

  constructor(readonly size = 1000) {}

  add(ms: number): void {
    this.#count++;
    this.#sum += ms;
    if (this.#window.length < this.size) this.#window.push(ms);
    else this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % this.size;
  }

  /** Mean over every duration added, ms (0 before the first). */
  get avgMs(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** 95th percentile (nearest rank) over the latest `size` durations, ms (0 before the first). */
  get p95Ms(): number {
    return nearestRank(Float64Array.from(this.#window).sort(), 95);
  }
}
