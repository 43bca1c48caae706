// Electron main: lifecycle, the one locked-down window, app:// for the built renderer, IPC,
// and the host (vault, settings, dialogs, proxy, demo tenant) the application layer runs on.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, safeStorage, screen, session } from 'electron';
import Store from 'electron-store';
import { events } from '../../shared/ipc';
import { createDispatch } from '../app/dispatch';
import { createHandlers } from '../app/handlers';
import type { AppHost } from '../app/host';
import { photoKeyFileOf } from '../app/local-data';
import { type DemoTenant, startDemoTenant } from '../simulator/demo';
import { createDialogs } from './dialogs';
import { registerIpc } from './ipc';
import { createFileLogger } from './log-file';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol';
import { dispatcherForSystemProxy } from './proxy';
import {
  APP_ENTRY,
  WEB_PREFERENCES,
  appCsp,
  isOwnUrl,
  lockDownContents,
  refuseDownloads,
  refusePermissions,
} from './security';
import { photoCacheMode } from './photo-key';
import { createSettings, onScreenBounds } from './settings';
import { createVault } from './vault';

const here = dirname(fileURLToPath(import.meta.url));
// Development and test switches: a packaged app ignores them, so an environment variable can
// neither point the window at another origin nor move the profile (and its vault).
const devServerUrl = (!app.isPackaged && process.env.VITE_DEV_SERVER_URL) || null;

// Tests point userData at a temp folder so they never touch a real profile.
if (!app.isPackaged && process.env.FACE_ADMIN_USER_DATA) app.setPath('userData', resolve(process.env.FACE_ADMIN_USER_DATA));

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** The channel electron-store 11 listens on for renderer-side stores (node_modules/electron-store/index.js). */
export const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // .catch after .then: a failure inside start() must end the app too, not leave it windowless.
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`startup failed: ${message}\n`);
      try {
        dialog.showErrorBox('Face Photo Admin could not start', message);
      } finally {
        app.exit(1);
      }
    });
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const log = createFileLogger(join(userData, 'logs'));
  log.info('starting', { version: app.getVersion(), platform: process.platform, dev: Boolean(devServerUrl) });

  watchProcess(log);
  lockDownSession(log);

  const settingsStore = new Store<Record<string, unknown>>({ name: 'settings' });
  // electron-store registers an unchecked ipcMain.on('electron-store-get-data') for renderer-side
  // stores; we have none, and ipc.ts must stay the only thing listening on ipcMain.
  ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  const settings = createSettings(settingsStore);
  const vault = await createVault({ safeStorage, file: join(userData, 'credentials.json'), platform: process.platform, log });
  const photoCache = photoCacheMode({ safeStorage, file: photoKeyFileOf({ dataDir: userData }), encryption: vault.encryption(), platform: process.platform, log });
  let sim: DemoTenant | null = null;

  const host: AppHost = {
    vault,
    settings,
    ...createDialogs(() => mainWindow, settings),
    emit(event, payload) {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(events[event].name, payload);
    },
    cacheDir: join(userData, 'photo-cache'),
    demoCacheDir: join(userData, 'demo-photo-cache'),
    photoCache,
    snapshotDir: join(userData, 'directory-snapshots'),
    dataDir: userData,
    logDir: join(userData, 'logs'),
    async startDemo() {
      sim ??= await startDemoTenant();
      return { url: sim.url, appId: sim.appId, appSecret: sim.appSecret };
    },
    dispatcher: (baseUrl) => dispatcherForSystemProxy((u) => session.defaultSession.resolveProxy(u), baseUrl, log),
    appInfo: { version: app.getVersion(), platform: process.platform, systemLocale: app.getSystemLocale() || app.getLocale(), harness: false },
    log,
  };

  const handlers = createHandlers(host);
  registerIpc({
    ipcMain,
    dispatch: createDispatch(handlers, { log }),
    mainFrame: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.mainFrame : null),
    isOwnUrl: (url) => isOwnUrl(url, devServerUrl),
    log,
  });

  createWindow(settings, log);
  // While the window loads its scripts: the stored sign-in, its token and the remembered directory.
  handlers.warmUp();

  app.on('activate', () => {
    if (!mainWindow) createWindow(settings, log);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void Promise.allSettled([handlers.dispose(), sim?.close()]).finally(() => app.quit());
  });
}

/** Logs what goes wrong outside any request, and ends the app where its state can no longer be trusted. */
function watchProcess(log: AppHost['log']): void {
  // After an uncaught exception the process state is unknown (an export half-written, the vault
  // mid-update): log it and exit rather than keep running.
  process.on('uncaughtException', (e) => {
    log.error('uncaught exception', { error: e.message });
    app.exit(1);
  });
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e instanceof Error ? e.message : String(e) }));
  app.on('render-process-gone', (_e, _wc, details) => log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode }));
  app.on('child-process-gone', (_e, details) =>
    log.error('child process gone', { type: details.type, reason: details.reason, exitCode: details.exitCode }),
  );
  app.on('web-contents-created', (_e, contents) =>
    lockDownContents(contents, { devServerUrl, onBlocked: (what) => log.warn('blocked', { what }) }),
  );
}

/** The default session: no permissions, no downloads, app:// with its CSP, and the dev server's answers given it too. */
function lockDownSession(log: AppHost['log']): void {
  refusePermissions(session.defaultSession);
  refuseDownloads(session.defaultSession, (what) => log.warn('blocked', { what }));
  const csp = appCsp(devServerUrl);
  registerAppProtocol(protocol, join(app.getAppPath(), 'dist'), csp);
  if (devServerUrl) {
    // The dev server sends no CSP of its own: add the (relaxed) dev policy to its responses.
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${new URL(devServerUrl).origin}/*`] }, (details, callback) => {
      const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() !== 'content-security-policy'));
      callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
    });
  }
}

function createWindow(settings: ReturnType<typeof createSettings>, log: AppHost['log']): void {
  // A position on a monitor that is no longer attached would open the window off screen.
  const bounds = onScreenBounds(settings.windowBounds(), screen.getAllDisplays());
  const win = new BrowserWindow({
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Face Photo Admin',
    autoHideMenuBar: true,
    webPreferences: { ...WEB_PREFERENCES, preload: join(here, 'preload.cjs') },
  });
  mainWindow = win;
  win.once('ready-to-show', () => {
    // Maximising before the first paint shows an empty frame on some platforms.
    if (bounds.maximized) win.maximize();
    win.show();
  });
  const remember = () => {
    if (win.isDestroyed()) return;
    settings.setWindowBounds({ ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', remember);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('did-fail-load', (_e, code, description) => log.error('page failed to load', { code, description }));
  void win.loadURL(devServerUrl ?? APP_ENTRY).catch((e: unknown) => log.error('loading the window failed', { error: String(e) }));
}
