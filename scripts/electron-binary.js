// Where the Electron binary is, without require('electron') (which would try to download it here), and
// what a user needs to get it.

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

// Electron's own downloader (@electron/get, run by `npx install-electron` or on the first
// require('electron')) declares Node >= 22.12; the library, CLI, web mode and tests run on Node >= 20.19
// (package.json engines). npm install on Node 20 only warns (EBADENGINE) for the downloader's packages.
const DESKTOP_NODE = [22, 12];

function electronBinary(root = join(__dirname, '..')) {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

/** Whether `version` (as process.versions.node) can run Electron's downloader. */
function canDownloadElectron(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > DESKTOP_NODE[0] || (major === DESKTOP_NODE[0] && minor >= DESKTOP_NODE[1]);
}

/** What `npm start` says when there is no Electron binary: how to get the desktop app on this Node. */
function desktopHint(version = process.versions.node) {
  const need = `${DESKTOP_NODE[0]}.${DESKTOP_NODE[1]}`;
  if (canDownloadElectron(version))
    return 'for the desktop app, download Electron once with `npx install-electron` (needs internet access), then `npm start` again';
  return `the desktop app needs Node >= ${need} to download Electron (this is Node ${version}); web mode works on this Node`;
}

module.exports = { electronBinary, canDownloadElectron, desktopHint };
