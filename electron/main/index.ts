// Electron main: lifecycle, the one locked-down window, app:// for the built renderer, IPC,
// and the host (vault, settings, dialogs, proxy, demo tenant) the application layer runs on.
import { mkdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron';
import Store from 'electron-store';
import { appError } from '../../shared/errors';
import { events } from '../../shared/ipc';
import { createDispatch } from '../app/dispatch';
import { createHandlers } from '../app/handlers';
import type { AppHost } from '../app/host';
import { photoKeyFileOf } from '../app/local-data';
import { type DemoTenant, startDemoTenant } from '../simulator/demo';
import { isWritableFolder } from '../util/writable-folder';
import { registerIpc } from './ipc';
import { createFileLogger } from './log-file';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol';
import { dispatcherForSystemProxy } from './proxy';
import {
  APP_ENTRY,
  WEB_PREFERENCES,
  appCsp,
  isAllowedExternalUrl,
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
    async chooseFolder({ remembered, useRemembered }) {
      // Re-checking the remembered folder never pops a dialog the admin did not ask for.
      if (useRemembered) return remembered && (await isWritableFolder(remembered)) ? remembered : null;
      const opts: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
        ...(remembered ? { defaultPath: remembered } : {}),
      };
      const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
      const folder = res.canceled ? undefined : res.filePaths[0];
      if (!folder) return null;
      await mkdir(folder, { recursive: true }).catch(() => {});
      if (!(await isWritableFolder(folder))) throw appError('fs.not_writable', 'The folder cannot be written to', { detail: folder });
      return folder;
    },
    async chooseSavePath(defaultName) {
      const dir = settings.get().lastFolder ?? app.getPath('downloads');
      // The extension goes in the name and the filter, so the dialog's overwrite prompt sees the real file name.
      const ext = extname(defaultName).slice(1);
      const opts: Electron.SaveDialogOptions = {
        defaultPath: join(dir, defaultName),
        // The audit log's CSV and the coverage list go through here too: only photos are "images".
        ...(ext ? { filters: [{ name: ext === 'csv' || ext === 'xlsx' ? ext.toUpperCase() : `${ext.toUpperCase()} image`, extensions: [ext] }] } : {}),
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const res = mainWindow ? await dialog.showSaveDialog(mainWindow, opts) : await dialog.showSaveDialog(opts);
      return res.canceled || !res.filePath ? null : res.filePath;
    },
    async chooseImageFile() {
      const opts: Electron.OpenDialogOptions = { properties: ['openFile'], filters: [{ name: 'JPEG / PNG', extensions: ['jpg', 'jpeg', 'png'] }] };
      const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    async chooseImportFolder() {
      const opts: Electron.OpenDialogOptions = { properties: ['openDirectory'] };
      const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    async showItemInFolder(path) {
      shell.showItemInFolder(path);
    },
    async openPath(path) {
      const error = await shell.openPath(path);
      // Not a permissions problem: the OS has no app for the file, or refused to start it.
      if (error) throw appError('internal', 'The file could not be opened with its default app', { detail: path });
    },
    async openExternal(url) {
      const allowed = isAllowedExternalUrl(url);
      if (!allowed) throw appError('input.invalid', 'This link is not allowed', { detail: 'url' });
      // The normalised href that was checked, never the raw string.
      await shell.openExternal(allowed.href);
    },
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
