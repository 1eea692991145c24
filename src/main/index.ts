// Entry point of the Electron main process: one instance, one window, hardened web contents.
import { app, BrowserWindow, Menu, session } from 'electron';
import { StudioHost } from '../embedded-server/host/studio-host';
import { openIpcTransport } from './ipc-transport';
import { buildApplicationMenu } from './menu';
import { isAppUrl } from './navigation-policy';
import { applySessionSecurity, guardWebContents } from './security';
import { appUrl, createMainWindow } from './window';

let mainWindow: BrowserWindow | undefined;
let host: StudioHost | undefined;

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
  // the host owns an embedded redis-server and sockets: stop them before the process goes
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !host) return;
    quitting = true;
    event.preventDefault();
    const h = host;
    host = undefined;
    h.close()
      .catch((err: unknown) => console.error('[main] host shutdown failed:', err))
      .finally(() => app.quit());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app
    .whenReady()
    .then(async () => {
      applySessionSecurity(session.defaultSession);
      Menu.setApplicationMenu(buildApplicationMenu());
      host = await StudioHost.start({
        mode: 'electron',
        // set by scripts/start.js from --redis (attached, watched only) and --studio-redis (the Studio's own)
        attachRedisUrl: process.env.JUGGLER_REDIS_URL || undefined,
        attachCluster: process.env.JUGGLER_REDIS_CLUSTER === '1',
        studioRedisUrl: process.env.JUGGLER_STUDIO_REDIS_URL || undefined,
        cluster: process.env.JUGGLER_STUDIO_REDIS_CLUSTER === '1',
        dataDir: app.getPath('userData'),
        log: (line) => console.log(`[host] ${line}`),
      });
      openWindow();
    })
    .catch((err: unknown) => {
      console.error('[main] startup failed:', err);
      app.exit(1);
    });
}

function openWindow(): void {
  if (!host) return;
  const window = createMainWindow();
  mainWindow = window;
  // frames from the window go to the host's dispatcher; its answers and events come back the same way
  let session: ReturnType<StudioHost['dispatcher']['attach']> | undefined;
  const transport = openIpcTransport(
    window.webContents,
    (url) => isAppUrl(url, appUrl()),
    (frame) => session?.receive(frame),
  );
  session = host.dispatcher.attach((frame) => transport.send(frame));
  window.on('closed', () => {
    session?.close();
    transport.close();
    if (mainWindow === window) mainWindow = undefined;
  });
}
