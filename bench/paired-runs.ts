// Benchmarks that compare two settings (tracing on/off, a Traces view following or none) alternate
// them run by run, so that the machine's drifting load falls on both alike: rows [A, B, A, B, ...].

export interface PairedCost {
  /** Mean throughput with A over mean throughput with B. */
  ratio: number;
  /** 1 - ratio: the share of throughput A costs. */
  cost: number;
  /** Each A run over the B run after it: their spread says how much other load moved the figure. */
  perPair: number[];
}

export function pairedCost<R extends { throughput: number }>(rows: R[], isA: (r: R) => boolean, pairs: number): PairedCost {
  const mean = (a: boolean) => rows.filter((r) => isA(r) === a).reduce((s, r) => s + r.throughput, 0) / pairs;
  const ratio = mean(true) / mean(false);
  const perPair = Array.from({ length: pairs }, (_, k) => rows[2 * k]!.throughput / rows[2 * k + 1]!.throughput);
  return { ratio, cost: 1 - ratio, perPair };
}
