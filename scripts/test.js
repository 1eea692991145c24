#!/usr/bin/env node
// `npm test`: typecheck + lint, then the Vitest suite (real redis, real sockets), then the Playwright
// suite when it exists. Ends with the one line CI reads: "N passed, N failed".

const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { requireOrExit } = require('./preflight');

requireOrExit({ chromium: existsSync(join(__dirname, '..', 'playwright.config.mts')) });
if (spawnSync('sh', ['-c', 'command -v caddy'], { stdio: 'ignore' }).status !== 0) {
  console.warn('note: caddy is not installed, so the scale-out test (servers behind a load balancer) is skipped: apt-get install -y caddy');
}

const root = join(__dirname, '..');
const counts = { passed: 0, failed: 0, skipped: 0 };
const dir = mkdtempSync(join(tmpdir(), 'juggler-test-'));

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function addCounts(file, label, ok) {
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8'));
    counts.passed += c.passed;
    counts.failed += c.failed;
    counts.skipped += c.skipped;
    if (!ok && c.failed === 0) counts.failed++; // the runner failed outside any test
  } else {
    console.error(`${label} wrote no counts: counted as one failure`);
    counts.failed++;
  }
}

// the suite runs what it builds: the CLI and the web host from dist/, the page from out/renderer
const buildOk = run('build', 'npm', ['run', '--silent', 'build']);
if (!buildOk) {
  console.log('\n0 passed, 1 failed');
  console.error('the build failed (npm run build): see above');
  process.exit(1);
}

const checkOk = run('typecheck and lint', 'npm', ['run', '--silent', 'check']);
if (checkOk) counts.passed++;
else counts.failed++;

const unitFile = join(dir, 'vitest.json');
const unitOk = run('vitest', 'npx', ['vitest', 'run', ...process.argv.slice(2)], { JUGGLER_COUNTS_FILE: unitFile });
addCounts(unitFile, 'vitest', unitOk);

if (existsSync(join(root, 'playwright.config.mts'))) {
  const e2eFile = join(dir, 'playwright.json');
  const e2eOk = run('playwright', 'npx', ['playwright', 'test'], { JUGGLER_COUNTS_FILE: e2eFile });
  addCounts(e2eFile, 'playwright', e2eOk);
}

const line = `${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`;
console.log(`\n${line}`);
process.exit(counts.failed > 0 ? 1 : 0);
