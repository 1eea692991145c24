#!/usr/bin/env node
// `npm run bench`: builds, then runs each benchmark in bench/ one after another (they need the machine
// to themselves), and ends with one table of every benchmark's headline figures and targets.
//   npm run bench [-- rpc fanout ...]   only the benchmarks whose file names contain one of these

const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir, cpus, totalmem } = require('node:os');
const { join } = require('node:path');
const { requireOrExit } = require('./preflight');

// Helpers, not benchmarks: they export what the benchmarks share.
const HELPERS = new Set([
  'cpu-profile.ts',
  'fanout-subscribers.ts',
  'latency-histogram.ts',
  'load-process.ts',
  'paired-runs.ts',
  'proc-stats.ts',
  'server-process.ts',
  'summary.ts',
]);

const root = join(__dirname, '..');
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !HELPERS.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
requireOrExit({ chromium: files.some((f) => f.startsWith('ui-')) });

// The UI benchmark loads the built renderer; the others only need the CLI.
const needsRenderer = files.some((f) => f.startsWith('ui-'));
const build = spawnSync('npm', ['run', '--silent', needsRenderer ? 'build' : 'build:node'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = mkdtempSync(join(tmpdir(), 'juggler-bench-'));
const summaryFile = join(dir, 'summary.ndjson');
const started = Date.now();
const failed = [];
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const t0 = Date.now();
  const r = spawnSync('npx', ['tsx', join('bench', file)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH_SUMMARY: summaryFile },
  });
  console.log(`(bench/${file}: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  if (r.status !== 0) failed.push(file);
}

const rows = existsSync(summaryFile)
  ? readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });
const table = [
  ['benchmark', 'figure', 'value', 'target', 'met'],
  ...rows.map((r) => [r.bench, r.name, r.value, r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']),
];
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
console.log(
  `\n=== summary (${cpus().length} cores, ${cpus()[0]?.model ?? ''}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${((Date.now() - started) / 60000).toFixed(1)} min)\n`,
);
for (const r of table)
  console.log(
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
if (failed.length > 0) console.log(`\nfailed to run: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
