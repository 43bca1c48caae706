// Electron main: lifecycle, the one locked-down window, app:// for the built renderer, IPC,
// and the host (vault, settings, dialogs, proxy, demo tenant) the application layer runs on.
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import Store from 'electron-store';
import { appError } from '../../shared/errors';
import { events } from '../../shared/ipc';
import { createDispatch } from '../app/dispatch';
import { createHandlers } from '../app/handlers';
import type { AppHost } from '../app/host';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { registerIpc } from './ipc';
import { createFileLogger } from './log-file';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol';
import { dispatcherForSystemProxy } from './proxy';
import { APP_ENTRY, WEB_PREFERENCES, appCsp, isAllowedExternalUrl, isOwnUrl, lockDownContents, refusePermissions } from './security';
import { createSettings } from './settings';
import { createVault } from './vault';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.VITE_DEV_SERVER_URL || null;

// Tests point userData at a temp folder so they never touch a real profile.
if (process.env.FACE_ADMIN_USER_DATA) app.setPath('userData', resolve(process.env.FACE_ADMIN_USER_DATA));

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, (e: unknown) => {
    process.stderr.write(`startup failed: ${e instanceof Error ? e.message : String(e)}\n`);
    app.exit(1);
  });
}

async function writable(folder: string): Promise<boolean> {
  try {
    if (!(await stat(folder)).isDirectory()) return false;
    await access(folder, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const log = createFileLogger(join(userData, 'logs'));
  log.info('starting', { version: app.getVersion(), platform: process.platform, dev: Boolean(devServerUrl) });

  process.on('uncaughtException', (e) => log.error('uncaught exception', { error: e.message }));
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e instanceof Error ? e.message : String(e) }));
  app.on('render-process-gone', (_e, _wc, details) => log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode }));
  app.on('child-process-gone', (_e, details) =>
    log.error('child process gone', { type: details.type, reason: details.reason, exitCode: details.exitCode }),
  );
  app.on('web-contents-created', (_e, contents) =>
    lockDownContents(contents, { devServerUrl, onBlocked: (what) => log.warn('blocked', { what }) }),
  );

  refusePermissions(session.defaultSession);
  const csp = appCsp(devServerUrl);
  registerAppProtocol(protocol, join(app.getAppPath(), 'dist'), csp);

  const settingsStore = new Store<Record<string, unknown>>({ name: 'settings' });
  const settings = createSettings(settingsStore);
  const vault = await createVault({ safeStorage, file: join(userData, 'credentials.json'), platform: process.platform, log });
  let sim: Simulator | null = null;

  const host: AppHost = {
    vault,
    settings,
    async chooseFolder({ remembered, useRemembered }) {
      // Re-checking the remembered folder never pops a dialog the admin did not ask for.
      if (useRemembered) return remembered && (await writable(remembered)) ? remembered : null;
      const opts: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
        ...(remembered ? { defaultPath: remembered } : {}),
      };
      const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
      const folder = res.canceled ? undefined : res.filePaths[0];
      if (!folder) return null;
      await mkdir(folder, { recursive: true }).catch(() => {});
      if (!(await writable(folder))) throw appError('fs.not_writable', 'The folder cannot be written to', { detail: folder });
      return folder;
    },
    async chooseSavePath(defaultName) {
      const dir = settings.get().lastFolder ?? app.getPath('downloads');
      const opts: Electron.SaveDialogOptions = { defaultPath: join(dir, defaultName) };
      const res = mainWindow ? await dialog.showSaveDialog(mainWindow, opts) : await dialog.showSaveDialog(opts);
      return res.canceled || !res.filePath ? null : res.filePath;
    },
    async showItemInFolder(path) {
      shell.showItemInFolder(path);
    },
    async openPath(path) {
      const error = await shell.openPath(path);
      if (error) throw appError('fs.not_writable', 'The file could not be opened', { detail: path });
    },
    async openExternal(url) {
      if (!isAllowedExternalUrl(url)) throw appError('input.invalid', 'This link is not allowed', { detail: 'url' });
      await shell.openExternal(url);
    },
    emit(event, payload) {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(events[event].name, payload);
    },
    cacheDir: join(userData, 'photo-cache'),
    demoCacheDir: join(userData, 'demo-photo-cache'),
    async startDemo() {
      sim ??= await startSimulator({});
      return { url: sim.url, appId: sim.appId, appSecret: sim.appSecret };
    },
    dispatcher: (baseUrl) => dispatcherForSystemProxy((u) => session.defaultSession.resolveProxy(u), baseUrl),
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
  const bounds = settings.windowBounds();
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
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
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
