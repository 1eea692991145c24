// Where the Electron binary is, without require('electron') (which would try to download it here).

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function electronBinary(root = join(__dirname, '..')) {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

module.exports = { electronBinary };
