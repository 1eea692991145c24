// The headline figures of each benchmark, for the one table `npm run bench` prints at the end.
// A benchmark prints its own detailed tables as it goes; it also hands its key figures here, and
// scripts/bench.js collects them from the file it names in BENCH_SUMMARY (one JSON object per line).
// Run alone (no BENCH_SUMMARY), a benchmark only prints.
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** What was measured, e.g. "RPC results/s, 100 connections". */
  name: string;
  /** The figure as it should read, e.g. "12,345/s" or "3.2 KB". */
  value: string;
  /** The target where there is one, e.g. ">= 15% of LPUSH". */
  target?: string;
  /** Whether the target was met; absent where there is no target. */
  met?: boolean;
}

export function summarise(bench: string, figures: Figure[]): void {
  const file = process.env.BENCH_SUMMARY;
  if (!file) return;
  for (const f of figures) appendFileSync(file, `${JSON.stringify({ bench, ...f })}\n`);
}

/** Formats a rate or count with thousands separators. */
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
