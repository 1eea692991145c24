// Writes the run's pass/fail counts to a JSON file so that scripts/test.js can end `npm test` with the
// one line CI reads ("N passed, N failed"). A file that failed to load counts as a failure.
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      let cases = 0;
      for (const test of mod.children.allTests()) {
        cases++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (cases === 0 || mod.state() === 'failed') {
        if (mod.errors().length > 0 || cases === 0) failed++;
      }
    }
    failed += errors.length;
    const file = process.env.JUGGLER_COUNTS_FILE;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
  }
}
