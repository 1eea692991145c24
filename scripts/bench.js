#!/usr/bin/env node
// `npm run bench`: builds the CLI, then runs each benchmark in bench/ and prints its figures.

const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { requireOrExit } = require('./preflight');

requireOrExit({});
const root = join(__dirname, '..');
const build = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const only = process.argv.slice(2);
let failed = 0;
for (const file of readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  if (only.length > 0 && !only.some((o) => file.includes(o))) continue;
  console.log(`\n=== bench/${file}`);
  const r = spawnSync('npx', ['tsx', join('bench', file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
