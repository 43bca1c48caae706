import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY, WEB_PREFERENCES, appCsp, isAllowedExternalUrl, isOwnUrl, lockDownContents, refuseDownloads, refusePermissions } from './security';

vi.mock('electron', () => ({}));

describe('window lock-down', () => {
  it('pins the webPreferences of the window', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
  });

  it('pins the production CSP: no network, no inline script', () => {
    expect(appCsp()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('relaxes the CSP only for the dev server', () => {
    const dev = appCsp('http://127.0.0.1:5173');
    expect(dev).toContain("connect-src 'self' http://127.0.0.1:5173 ws://127.0.0.1:5173");
    expect(dev).toContain("script-src 'self' http://127.0.0.1:5173 'unsafe-inline'");
    expect(appCsp(null)).not.toContain('127.0.0.1');
    expect(appCsp('')).toBe(appCsp());
  });

  it('opens only allow-listed https links in the browser', () => {
    for (const ok of [
      'https://open.feishu.cn/app',
      'https://open.larksuite.com/document/server-docs',
      'https://open.larkoffice.com/document/x',
      'https://www.feishu.cn/hc/zh-CN/articles/123',
    ]) {
      expect(isAllowedExternalUrl(ok)?.href, ok).toBe(new URL(ok).href);
    }
    for (const bad of [
      'http://open.feishu.cn/app',
      'https://open.feishu.cn.evil.com/',
      'https://evil.com/?u=https://open.feishu.cn',
      'https://user:pw@open.feishu.cn/',
      'https://open.feishu.cn:8443/',
      'https://www.feishu.cn/download',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://face-admin/index.html',
      'not a url',
      'smb://open.feishu.cn/share',
    ]) {
      expect(isAllowedExternalUrl(bad), bad).toBeNull();
    }
  });

  it('returns the normalised URL, so the OS never sees the raw string that was checked', () => {
    // WHATWG reads the backslash as a path separator (host open.feishu.cn); other parsers may read evil.com.
    const url = isAllowedExternalUrl('https://open.feishu.cn\\@evil.com/');
    expect(url?.href).toBe('https://open.feishu.cn/@evil.com/');
    expect(isAllowedExternalUrl('https://OPEN.feishu.cn:443/app')?.href).toBe('https://open.feishu.cn/app');
  });

  it('cancels every download', () => {
    let handler: ((e: { preventDefault(): void }) => void) | undefined;
    const blocked: string[] = [];
    refuseDownloads({ on: (name: string, fn: typeof handler) => name === 'will-download' && (handler = fn) } as never, (w) => blocked.push(w));
    const event = { preventDefault: vi.fn() };
    handler!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(blocked).toEqual(['download']);
  });

  it('recognises only our own origin (and the dev server in dev)', () => {
    expect(isOwnUrl(APP_ENTRY)).toBe(true);
    expect(isOwnUrl('app://face-admin/assets/x.js')).toBe(true);
    expect(isOwnUrl('app://other/index.html')).toBe(false);
    expect(isOwnUrl('https://open.feishu.cn/')).toBe(false);
    expect(isOwnUrl('http://127.0.0.1:5173/')).toBe(false);
    expect(isOwnUrl('http://127.0.0.1:5173/', 'http://127.0.0.1:5173')).toBe(true);
    expect(isOwnUrl('file:///index.html')).toBe(false);
  });

  it('denies new windows, foreign navigation and webviews', () => {
    const on = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      setWindowOpenHandler: (h: () => { action: string }) => (openHandler = h),
      on: (name: string, fn: (e: { preventDefault(): void }, url: string) => void) => on.set(name, fn),
    };
    const blocked: string[] = [];
    lockDownContents(contents as never, { onBlocked: (w) => blocked.push(w) });
    expect(openHandler?.()).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect']) {
      const foreign = { preventDefault: vi.fn() };
      on.get(name)!(foreign, 'https://evil.example/');
      expect(foreign.preventDefault).toHaveBeenCalled();
      const own = { preventDefault: vi.fn() };
      on.get(name)!(own, 'app://face-admin/index.html');
      expect(own.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    on.get('will-attach-webview')!(webview, '');
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(blocked).toEqual(['window.open', 'navigation', 'navigation', 'webview']);
  });

  it('refuses every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    refusePermissions({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: () => {},
    } as never);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const cb = vi.fn();
      request!(null, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect(check!()).toBe(false);
  });
});
