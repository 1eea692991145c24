import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/count-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // each file gets its own process: servers and redis clients never leak between files
    pool: 'forks',
  },
});
