#!/usr/bin/env node
// `npm start`: builds what is missing, then starts juggler with an embedded redis and the demo callee.
// (The Studio desktop app and its web mode arrive with the Studio host; see README.)

const { spawnSync, spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { missing } = require('./preflight');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
if (!args.includes('--redis')) {
  const m = missing();
  if (m.length > 0) {
    for (const x of m) console.error(`missing: ${x.what}. Install it with: ${x.install}`);
    console.error('or use a running redis: npm start -- --redis redis://HOST:PORT');
    process.exit(2);
  }
}
if (!existsSync(join(root, 'dist', 'embedded-server', 'cli', 'main.js'))) {
  console.log('building the juggler CLI (first start)...');
  const r = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 && !existsSync(join(root, 'dist', 'embedded-server', 'cli', 'main.js'))) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, [join(root, 'bin', 'juggler.js'), 'up', ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
