// Checks for the system programs the tests and the app need, and says exactly what to install.

const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');

function has(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** @param {{ chromium?: boolean }} needs */
function missing(needs = {}) {
  const out = [];
  if (!has('redis-server') || !has('redis-cli')) {
    out.push({ what: 'redis-server and redis-cli', install: 'apt-get install -y redis-server redis-tools' });
  }
  if (needs.chromium && !existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')) {
    out.push({ what: 'Chromium', install: 'apt-get install -y chromium' });
  }
  return out;
}

function requireOrExit(needs) {
  const m = missing(needs);
  if (m.length === 0) return;
  for (const x of m) console.error(`missing: ${x.what}. Install it with: ${x.install}`);
  console.error('(on Debian/Ubuntu run `apt-get update` first; `bash .ci/run` installs all of them)');
  process.exit(2);
}

module.exports = { missing, requireOrExit };
