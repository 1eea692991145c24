// Entry point of the Electron main process: one instance, one window, hardened web contents.
import { app, BrowserWindow, Menu, session } from 'electron';
import type { BridgeFrame } from '../shared/bridge/frame';
import { type IpcTransport, openIpcTransport } from './ipc-transport';
import { buildApplicationMenu } from './menu';
import { isAppUrl } from './navigation-policy';
import { applySessionSecurity, guardWebContents } from './security';
import { appUrl, createMainWindow } from './window';

let mainWindow: BrowserWindow | undefined;

// A second launch focuses the running window instead of opening another app against the same state.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setName('Juggler Studio');
  app.setAboutPanelOptions({ applicationName: 'Juggler Studio', applicationVersion: app.getVersion() });
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  guardWebContents(appUrl);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app
    .whenReady()
    .then(() => {
      applySessionSecurity(session.defaultSession);
      Menu.setApplicationMenu(buildApplicationMenu());
      openWindow();
    })
    .catch((err: unknown) => {
      console.error('[main] startup failed:', err);
      app.exit(1);
    });
}

function openWindow(): void {
  const window = createMainWindow();
  mainWindow = window;
  const transport = openIpcTransport(
    window.webContents,
    (url) => isAppUrl(url, appUrl()),
    (frame) => answerUnwired(transport, frame),
  );
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
}

// Until the bridge dispatcher exists, every call gets an error the renderer can show rather than
// waiting forever; other frames have nobody to go to and are logged.
function answerUnwired(transport: IpcTransport, frame: unknown): void {
  const call = frame as Partial<BridgeFrame> | null;
  if (call?.kind === 'call' && typeof call.id === 'number') {
    transport.send({
      id: call.id,
      kind: 'error',
      payload: { code: 'BRIDGE_NOT_WIRED', message: `The host has no bridge dispatcher yet, so "${call.method}" cannot be served.` },
    });
    return;
  }
  console.warn('[main] dropped a bridge frame: no dispatcher is wired yet', frame);
}
