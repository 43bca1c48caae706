// The main process wired together, with Electron replaced by a recording fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { channelKeys, contract } from '../../shared/ipc';

const fake = vi.hoisted(() => {
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const state = {
    userData: '',
    schemes: [] as unknown[],
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    ipc: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
    windows: [] as { opts: { webPreferences: Record<string, unknown> }; loaded: string[] }[],
    // A live main frame, as Electron's WebFrameMain reports it while attached.
    frame: { url: 'app://face-admin/index.html', detached: false, isDestroyed: () => false },
    readyResolve: (() => {}) as () => void,
    permissionRequest: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    listeners,
    isPackaged: false,
    failStart: false,
    setPathCalls: 0,
    /** ipcMain.on listeners still registered, by channel. */
    ipcOn: new Map<string, number>(),
    headersHandler: null as null | { filter: { urls: string[] }; fn: (d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void },
    sessionListeners: new Map<string, (...a: unknown[]) => void>(),
    displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  };
  return state;
});

vi.mock('electron', () => {
  const on = (name: string, fn: (...a: unknown[]) => void) => {
    fake.listeners.set(name, [...(fake.listeners.get(name) ?? []), fn]);
  };
  const ready = new Promise<void>((r) => (fake.readyResolve = r));
  const app = {
    on,
    once: on,
    get isPackaged() {
      return fake.isPackaged;
    },
    setPath: (_k: string, v: string) => {
      fake.setPathCalls++;
      fake.userData = v;
    },
    getPath: () => {
      if (fake.failStart) throw new Error('no profile folder');
      return fake.userData;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    getVersion: () => '9.9.9',
    getAppPath: () => join(fake.userData, 'app'),
    getSystemLocale: () => 'zh-CN',
    getLocale: () => 'zh-CN',
    quit: vi.fn(),
    exit: vi.fn(),
  };
  class BrowserWindow {
    webContents = { mainFrame: fake.frame, send: vi.fn(), on: vi.fn() };
    loaded: string[] = [];
    constructor(public opts: { webPreferences: Record<string, unknown> }) {
      fake.windows.push(this);
    }
    on() {}
    once() {}
    isDestroyed() {
      return false;
    }
    maximize() {}
    async loadURL(u: string) {
      this.loaded.push(u);
    }
  }
  const electron = {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => fake.schemes.push(...s),
      handle: (_s: string, fn: typeof fake.protocolHandler) => (fake.protocolHandler = fn),
    },
    ipcMain: {
      handle: (n: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => fake.ipc.set(n, fn),
      removeHandler: vi.fn(),
      on: (n: string) => fake.ipcOn.set(n, (fake.ipcOn.get(n) ?? 0) + 1),
      removeAllListeners: (n: string) => fake.ipcOn.delete(n),
    },
    screen: { getAllDisplays: () => fake.displays },
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptStringAsync: async (s: string) => Buffer.from(s).reverse(),
      decryptStringAsync: async (b: Buffer) => ({ result: Buffer.from(b).reverse().toString(), shouldReEncrypt: false }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof fake.permissionRequest) => (fake.permissionRequest = h),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        resolveProxy: async () => 'DIRECT',
        on: (name: string, fn: (...a: unknown[]) => void) => fake.sessionListeners.set(name, fn),
        webRequest: { onHeadersReceived: (filter: { urls: string[] }, fn: NonNullable<typeof fake.headersHandler>['fn']) => (fake.headersHandler = { filter, fn }) },
      },
    },
    shell: { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn(), openPath: vi.fn(async () => '') },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showErrorBox: vi.fn() },
  };
  return { ...electron, default: electron };
});

const electron = await import('electron');
const userData = mkdtempSync(join(tmpdir(), 'fa-main-'));
process.env.FACE_ADMIN_USER_DATA = userData;
process.env.FACE_ADMIN_QUIET = '1';
await import('./index');
fake.readyResolve();
await vi.waitFor(() => expect(fake.windows).toHaveLength(1));

afterAll(async () => {
  for (const fn of fake.listeners.get('before-quit') ?? []) fn({ preventDefault() {} });
  rmSync(userData, { recursive: true, force: true });
});

describe('main process', () => {
  it('uses the FACE_ADMIN_USER_DATA folder and registers app:// as a secure standard scheme', () => {
    expect(fake.userData).toBe(userData);
    expect(fake.schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
  });

  it('opens one locked-down window on app:// with the preload', () => {
    const win = fake.windows[0]!;
    expect(win.opts.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    expect(String(win.opts.webPreferences.preload)).toMatch(/preload\.cjs$/);
    expect(win.loaded).toEqual(['app://face-admin/index.html']);
  });

  it('registers every contract channel, refusing foreign senders', async () => {
    expect([...fake.ipc.keys()].sort()).toEqual(channelKeys.map((k) => contract[k].name).sort());
    const foreign = await fake.ipc.get('settings:get')!({ senderFrame: { url: 'app://face-admin/index.html' } }, undefined);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
    const ours = await fake.ipc.get('settings:get')!({ senderFrame: fake.frame }, undefined);
    expect(ours).toMatchObject({ ok: true, data: { language: 'system' } });
    const info = await fake.ipc.get('app:info')!({ senderFrame: fake.frame }, undefined);
    expect(info).toMatchObject({ ok: true, data: { version: '9.9.9', harness: false } });
  });

  it('changes only the settings sent: a one-field patch leaves the others alone', async () => {
    const set = fake.ipc.get('settings:set')!;
    expect(await set({ senderFrame: fake.frame }, { language: 'en-US', cacheMaxMB: 800, template: '{employee_no}' })).toMatchObject({ ok: true });
    const after = await set({ senderFrame: fake.frame }, { theme: 'dark' });
    expect(after).toMatchObject({ ok: true, data: { theme: 'dark', language: 'en-US', cacheMaxMB: 800, template: '{employee_no}' } });
    expect(await fake.ipc.get('settings:get')!({ senderFrame: fake.frame }, undefined)).toMatchObject({ ok: true, data: { language: 'en-US', cacheMaxMB: 800 } });
  });

  it('opens only allow-listed links', async () => {
    const denied = await fake.ipc.get('app:open-external')!({ senderFrame: fake.frame }, { url: 'https://evil.example/' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    const allowed = await fake.ipc.get('app:open-external')!({ senderFrame: fake.frame }, { url: 'https://open.feishu.cn/app' });
    expect(allowed).toMatchObject({ ok: true });
  });

  it('passes the checked, normalised URL to the OS, not the raw string', async () => {
    const openExternal = vi.mocked(electron.shell.openExternal);
    openExternal.mockClear();
    const res = await fake.ipc.get('app:open-external')!({ senderFrame: fake.frame }, { url: 'https://open.feishu.cn\\@evil.com/' });
    expect(res).toMatchObject({ ok: true });
    expect(openExternal).toHaveBeenCalledWith('https://open.feishu.cn/@evil.com/');
  });

  it('leaves ipc.ts as the only listener on ipcMain (no electron-store renderer channel)', () => {
    expect([...fake.ipcOn.keys()]).toEqual([]);
  });

  it('cancels downloads', () => {
    const event = { preventDefault: vi.fn() };
    fake.sessionListeners.get('will-download')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('exits after an uncaught exception instead of running on', () => {
    const exit = vi.mocked(electron.app.exit);
    exit.mockClear();
    const ours = process.listeners('uncaughtException').at(-1)!;
    ours(new Error('boom'), 'uncaughtException');
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('refuses permission requests and serves app:// with the production CSP', async () => {
    const cb = vi.fn();
    fake.permissionRequest!(null, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const res = await fake.protocolHandler!({ url: 'app://face-admin/index.html' });
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'none'");
  });
});

/** Loads a fresh copy of the main process with other switches (same fake Electron). */
async function loadAgain(setup: () => void) {
  const before = fake.windows.length;
  vi.resetModules();
  setup();
  await import('./index');
  fake.readyResolve();
  return before;
}

describe('main process, other launches', () => {
  afterAll(() => {
    fake.isPackaged = false;
    fake.failStart = false;
    delete process.env.VITE_DEV_SERVER_URL;
  });

  it('ignores VITE_DEV_SERVER_URL and FACE_ADMIN_USER_DATA in a packaged app', async () => {
    const setPathCalls = fake.setPathCalls;
    const before = await loadAgain(() => {
      fake.isPackaged = true;
      process.env.VITE_DEV_SERVER_URL = 'http://127.0.0.1:5173';
    });
    await vi.waitFor(() => expect(fake.windows.length).toBe(before + 1));
    expect(fake.setPathCalls).toBe(setPathCalls);
    expect(fake.windows.at(-1)!.loaded).toEqual(['app://face-admin/index.html']);
  });

  it('sends the dev CSP on the dev server\'s responses in development', async () => {
    fake.headersHandler = null;
    const before = await loadAgain(() => {
      fake.isPackaged = false;
      process.env.VITE_DEV_SERVER_URL = 'http://127.0.0.1:5173';
    });
    await vi.waitFor(() => expect(fake.windows.length).toBe(before + 1));
    expect(fake.windows.at(-1)!.loaded).toEqual(['http://127.0.0.1:5173']);
    expect(fake.headersHandler!.filter.urls).toEqual(['http://127.0.0.1:5173/*']);
    const cb = vi.fn();
    fake.headersHandler!.fn({ responseHeaders: { 'content-type': ['text/html'], 'Content-Security-Policy': ['default-src *'] } }, cb);
    const headers = (cb.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['content-type']).toEqual(['text/html']);
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1);
    expect(headers['Content-Security-Policy']![0]).toContain("default-src 'none'");
    expect(headers['Content-Security-Policy']![0]).toContain('http://127.0.0.1:5173');
  });

  it('shows an error and exits when startup fails', async () => {
    const exit = vi.mocked(electron.app.exit);
    const box = vi.mocked(electron.dialog.showErrorBox);
    exit.mockClear();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await loadAgain(() => {
      delete process.env.VITE_DEV_SERVER_URL;
      fake.failStart = true;
    });
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1));
    expect(box).toHaveBeenCalledWith(expect.any(String), 'no profile folder');
    stderr.mockRestore();
  });
});
