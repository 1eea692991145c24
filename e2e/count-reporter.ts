// Writes the suite's pass/fail counts for scripts/test.js (CI reads one "N passed, N failed" line).
// The last result of each test counts, so a retry is counted once.
import { writeFileSync } from 'node:fs';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class CountReporter implements Reporter {
  readonly #last = new Map<string, TestResult['status']>();
  #errors = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    this.#last.set(test.id, result.status);
  }

  onError(): void {
    this.#errors++;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const s of this.#last.values()) {
      if (s === 'passed') passed++;
      else if (s === 'skipped') skipped++;
      else failed++;
    }
    failed += this.#errors;
    if (result.status !== 'passed' && failed === 0) failed++;
    const file = process.env.JUGGLER_COUNTS_FILE;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
  }
}
