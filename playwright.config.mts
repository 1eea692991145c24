// One suite, two targets: `web` (Debian's Chromium against the web mode, run by npm test) and
// `electron` (the desktop app), listed only where the Electron binary exists.
import { createRequire } from 'node:module';
import { defineConfig } from '@playwright/test';

const require = createRequire(import.meta.url);
const { electronBinary } = require('./scripts/electron-binary.js') as { electronBinary: () => string | undefined };
const electron = electronBinary();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // each worker runs its own Studio host with its own redis-server: two cores fit one at a time
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['./e2e/count-reporter.ts']],
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
  },
  projects: [
    { name: 'web', use: { target: 'web' } as Record<string, unknown> },
    ...(electron ? [{ name: 'electron', use: { target: 'electron' } as Record<string, unknown> }] : []),
  ],
});
