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
    frame: { url: 'app://face-admin/index.html' },
    readyResolve: (() => {}) as () => void,
    permissionRequest: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    listeners,
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
    setPath: (_k: string, v: string) => (fake.userData = v),
    getPath: () => fake.userData,
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
    ipcMain: { handle: (n: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => fake.ipc.set(n, fn), removeHandler: vi.fn(), on: vi.fn() },
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
      },
    },
    shell: { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn(), openPath: vi.fn(async () => '') },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  };
  return { ...electron, default: electron };
});

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

  it('opens only allow-listed links', async () => {
    const denied = await fake.ipc.get('app:open-external')!({ senderFrame: fake.frame }, { url: 'https://evil.example/' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    const allowed = await fake.ipc.get('app:open-external')!({ senderFrame: fake.frame }, { url: 'https://open.feishu.cn/app' });
    expect(allowed).toMatchObject({ ok: true });
  });

  it('refuses permission requests and serves app:// with the production CSP', async () => {
    const cb = vi.fn();
    fake.permissionRequest!(null, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const res = await fake.protocolHandler!({ url: 'app://face-admin/index.html' });
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'none'");
  });
});
