// The Studio under test: a real web-mode host (its own embedded redis-server, a temp data dir) driven
// through Debian's Chromium, or the desktop app through Electron where its binary exists.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type Browser, test as base, chromium, type ElectronApplication, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../test/chromium';

const root = join(__dirname, '..');

export interface Studio {
  url: string;
  /** The Studio host process (web mode). */
  proc?: ChildProcess;
  output(): string;
}

/** The web-mode Studio host as a process; `args` are extra flags of dist/web/main.js (e.g. --redis URL). */
export async function startWebStudio(args: string[] = []): Promise<Studio> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-'));
  const proc = spawn(process.execPath, [join(root, 'dist', 'web', 'main.js'), '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the Studio did not print its URL within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`the Studio exited with ${code}:\n${out}`));
    });
  });
  return { url, proc, output: () => out };
}

type Target = 'web' | 'electron';

export const test = base.extend<
  { app: Page },
  { target: Target; studio: Studio; browserOrApp: { browser?: Browser; electron?: ElectronApplication } }
>({
  target: ['web', { option: true, scope: 'worker' }],
  studio: [
    async ({ target }, use) => {
      if (target === 'electron') {
        await use({ url: '', output: () => '' });
        return;
      }
      const s = await startWebStudio();
      await use(s);
      s.proc?.kill('SIGTERM');
      await new Promise((r) => s.proc?.once('exit', r));
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  browserOrApp: [
    async ({ target }, use) => {
      if (target === 'electron') {
        const { electronBinary } = require('../scripts/electron-binary.js') as { electronBinary: () => string | undefined };
        const dataDir = mkdtempSync(join(tmpdir(), 'studio-electron-'));
        mkdirSync(dataDir, { recursive: true });
        const electron = await _electron.launch({ executablePath: electronBinary(), args: [root, `--user-data-dir=${dataDir}`] });
        await use({ electron });
        await electron.close();
        return;
      }
      const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      await use({ browser });
      await browser.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  app: async ({ studio, browserOrApp }, use) => {
    let page: Page;
    if (browserOrApp.electron) {
      page = await browserOrApp.electron.firstWindow();
    } else {
      const context = await browserOrApp.browser!.newContext({ viewport: { width: 1400, height: 900 } });
      page = await context.newPage();
      await page.goto(studio.url);
    }
    await page.getByTestId('status-bar').getByText('host open').waitFor();
    await use(page);
    if (!browserOrApp.electron) await page.context().close();
  },
});

export { expect } from '@playwright/test';

/** Where the suite saves the screenshots README.md shows. */
export const screenshotDir = join(root, 'docs', 'screenshots');
