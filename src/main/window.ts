// The one application window.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';

/** The renderer's index.html, built next to out/main; electron-vite's dev server replaces it in `dev`. */
const rendererFile = join(__dirname, '../renderer/index.html');
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

/** The URL the window shows: the only one it may navigate to (navigation-policy.ts). */
export function appUrl(): string {
  return devServerUrl ?? pathToFileURL(rendererFile).href;
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Juggler Studio',
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  const loaded = devServerUrl ? window.loadURL(devServerUrl) : window.loadFile(rendererFile);
  loaded.catch((err: unknown) => console.error('[window] could not load the renderer:', err));
  return window;
}
