// Only src/main and src/preload may import electron: the engine, the web host and the renderer must
// run without it, and on this kind of machine requiring it from plain Node tries to download a binary.
// biome.json's noRestrictedImports rule enforces the same (import, require() and import() alike); this
// test keeps the boundary when the lint step is skipped or its overrides are loosened by mistake.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(__dirname, '..');
const guarded = ['src/embedded-server', 'src/shared', 'src/renderer', 'src/web'];
const sourceFile = /\.(?:[cm]?[jt]sx?)$/;

// `from 'electron'`, `import 'electron/main'`, `require("electron")`, `import('electron')`, ...
const electronImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"`])electron(?:\/[^'"`]*)?\1/;

/** The first line importing electron, ignoring comments, or undefined. */
function findElectronImport(source: string): string | undefined {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return code
    .split('\n')
    .find((line) => electronImport.test(line))
    ?.trim();
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sourceFiles(path);
    } else if (sourceFile.test(entry.name)) {
      yield path;
    }
  }
}

describe('the electron boundary', () => {
  test('no file outside src/main and src/preload imports electron', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const dir of guarded.map((d) => join(root, d)).filter(existsSync)) {
      for (const file of sourceFiles(dir)) {
        scanned++;
        const line = findElectronImport(readFileSync(file, 'utf8'));
        if (line) offenders.push(`${relative(root, file)}: ${line}`);
      }
    }
    expect(scanned, 'found no source files to scan: did the layout move?').toBeGreaterThan(0);
    expect(offenders, `these files import electron:\n${offenders.join('\n')}`).toEqual([]);
  });

  test('the scanner sees every way of importing electron', () => {
    for (const source of [
      "import { app } from 'electron';",
      'import type { WebContents } from "electron";',
      "import 'electron';",
      "const { ipcRenderer } = require('electron');",
      'const e = require ( "electron/renderer" );',
      "const e = await import('electron');",
      "export { shell } from 'electron';",
      'import {\n  app,\n} from "electron";',
    ]) {
      expect(findElectronImport(source), source).toBeDefined();
    }
  });

  test('the scanner ignores comments and look-alike packages', () => {
    for (const source of [
      "// import { app } from 'electron';",
      "/* require('electron') */ const x = 1;",
      "import { build } from 'electron-vite';",
      "import x from '@electron/remote';",
      "const url = 'https://example.com'; // require('electron')",
      "const name = 'electron';",
    ]) {
      expect(findElectronImport(source), source).toBeUndefined();
    }
  });
});
