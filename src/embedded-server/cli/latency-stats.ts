// Latency percentiles from every recorded sample (sorted once at the end): exact, where an HDR histogram
// would round to its precision. A load run records at most a few hundred thousand samples, so keeping
// them all is cheap.

import type { LatencySummary } from '../../shared/bridge/contract';
import { nearestRank } from '../../shared/percentile';

// one shape for `juggler load --json` and the Studio's load panel
export type { LatencySummary };

export class LatencyStats {
  #samples: number[] = [];
  #sorted = true;

  record(ms: number): void {
    const n = this.#samples.length;
    if (n > 0 && ms < this.#samples[n - 1]!) this.#sorted = false;
    this.#samples.push(ms);
  }

  get count(): number {
    return this.#samples.length;
  }

  /** The nearest-rank percentile (p in [0, 100]): the smallest sample with at least p% of samples at or below it. */
  percentile(p: number): number {
    return nearestRank(this.#sortedSamples(), p);
  }

  summary(): LatencySummary {
    const s = this.#sortedSamples();
    const sum = s.reduce((a, b) => a + b, 0);
    return {
      count: s.length,
      min: s[0] ?? 0,
      median: this.percentile(50),
      p75: this.percentile(75),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: s.at(-1) ?? 0,
      mean: s.length ? sum / s.length : 0,
    };
  }

  #sortedSamples(): number[] {
    if (!this.#sorted) {
      this.#samples.sort((a, b) => a - b);
      this.#sorted = true;
    }
    return this.#samples;
  }
}
