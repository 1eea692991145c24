#!/usr/bin/env node
// `npm start`: Juggler Studio. The desktop app where the Electron binary is installed, web mode
// otherwise (a URL to open in a browser). `npm run web` (or `npm start -- --web`) always starts web mode.
// Builds what is missing first; starts its own redis-server unless --studio-redis URL is given.
// --redis URL attaches a redis the Studio did not start: it is only watched (nothing written to it).

const { spawnSync, spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { missing } = require('./preflight');
const { electronBinary, desktopHint } = require('./electron-binary');

const root = join(__dirname, '..');
let args = process.argv.slice(2);
const forceWeb = args.includes('--web');
args = args.filter((a) => a !== '--web');

if (!args.includes('--studio-redis')) {
  const m = missing();
  if (m.length > 0) {
    for (const x of m) console.error(`missing: ${x.what}. Install it with: ${x.install}`);
    console.error('or run the Studio on a running redis it may write to: npm start -- --studio-redis redis://HOST:PORT');
    process.exit(2);
  }
}

const built = ['dist/web/main.js', 'out/renderer/index.html', 'out/main/index.js'].every((f) => existsSync(join(root, f)));
if (!built) {
  console.log('building Juggler Studio (first start)...');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('the build failed: see above (npm run build)');
    process.exit(r.status ?? 1);
  }
}

const electron = forceWeb ? undefined : electronBinary(root);
let child;
if (electron) {
  const env = { ...process.env };
  const flag = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  // src/main reads these: the attached redis (watched only) and the Studio's own
  if (flag('--redis')) env.JUGGLER_REDIS_URL = flag('--redis');
  if (args.includes('--redis-cluster')) env.JUGGLER_REDIS_CLUSTER = '1';
  if (flag('--studio-redis')) env.JUGGLER_STUDIO_REDIS_URL = flag('--studio-redis');
  if (args.includes('--studio-redis-cluster')) env.JUGGLER_STUDIO_REDIS_CLUSTER = '1';
  child = spawn(electron, [root], { stdio: 'inherit', env });
} else {
  if (!forceWeb) {
    console.log('no Electron binary here: starting web mode (open the URL below in a browser)');
    console.log(desktopHint());
  }
  child = spawn(process.execPath, [join(root, 'dist', 'web', 'main.js'), ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
