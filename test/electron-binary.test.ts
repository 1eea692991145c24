// What `npm start` tells a user without the Electron binary: the desktop app's real Node requirement
// (Electron 45's downloader needs Node 22.12), never a failing download.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const { canDownloadElectron, desktopHint } = require('../scripts/electron-binary.js') as {
  canDownloadElectron: (v: string) => boolean;
  desktopHint: (v: string) => string;
};

test('Node 22.12 and later can download Electron; Node 20 and 22.11 cannot', () => {
  expect(canDownloadElectron('22.12.0')).toBe(true);
  expect(canDownloadElectron('24.1.0')).toBe(true);
  expect(canDownloadElectron('22.11.9')).toBe(false);
  expect(canDownloadElectron('20.20.2')).toBe(false);
});

test('the hint names the Node version the desktop app needs, or the command that gets it', () => {
  expect(desktopHint('20.20.2')).toMatch(/desktop app needs Node >= 22\.12 .*this is Node 20\.20\.2.*web mode works/);
  expect(desktopHint('22.12.0')).toMatch(/npx install-electron/);
});

test('package.json declares the Node the library, CLI and web mode need, and README says what the desktop app needs', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe('>=20.19');
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toMatch(/desktop app needs Node ≥ 22\.12/);
});
