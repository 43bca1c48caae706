// Window lock-down, as small rules applied to every web contents, with the constants tests pin.
import type { Session, WebContents, WebPreferences } from 'electron';
import { buildCsp } from '../app/csp';

/** webPreferences of the only window (preload path added at creation). */
export const WEB_PREFERENCES: Readonly<WebPreferences> = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
});

/** CSP for app:// responses; relaxed only when the Vite dev server is used. */
export function appCsp(devServerUrl?: string | null): string {
  return buildCsp({ devServerUrl: devServerUrl || null, connect: 'none' });
}

/** Hosts the app may open in the system browser: Feishu/Lark developer consoles and help centres. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'open.feishu.cn',
  'open.larksuite.com',
  'open.larkoffice.com',
  'www.feishu.cn',
  'feishu.cn',
  'www.larksuite.com',
  'larksuite.com',
];
/** Path prefixes allowed on the general sites (their help centres only). */
const GENERAL_SITE_PATHS: Record<string, readonly string[]> = {
  'www.feishu.cn': ['/hc/'],
  'feishu.cn': ['/hc/'],
  'www.larksuite.com': ['/hc/'],
  'larksuite.com': ['/hc/'],
};

/**
 * The normalised URL when it may be opened in the system browser, else null. Callers must pass
 * the returned `href` to the OS, never the raw string: the check ran on the parsed URL, and a raw
 * string such as `https://open.feishu.cn\\@evil.com/` can be read differently by another parser.
 */
export function isAllowedExternalUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || (url.port && url.port !== '443')) return null;
  const host = url.hostname.toLowerCase();
  if (!EXTERNAL_HOSTS.includes(host)) return null;
  const prefixes = GENERAL_SITE_PATHS[host];
  return !prefixes || prefixes.some((p) => url.pathname.startsWith(p)) ? url : null;
}

/** true for URLs our window may show: the app:// origin, or the dev server in development. */
export function isOwnUrl(raw: string, devServerUrl?: string | null): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true;
  if (devServerUrl) {
    try {
      return url.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

export const APP_SCHEME = 'app';
export const APP_HOST = 'face-admin';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** No new windows, no navigation away from our origin, no webviews. */
export function lockDownContents(contents: WebContents, opts: { devServerUrl?: string | null; onBlocked?: (what: string) => void }): void {
  contents.setWindowOpenHandler(() => {
    opts.onBlocked?.('window.open');
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isOwnUrl(url, opts.devServerUrl)) {
      event.preventDefault();
      opts.onBlocked?.('navigation');
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.onBlocked?.('webview');
  });
}

/** The app never downloads through Chromium (exports are written by main): cancel every download. */
export function refuseDownloads(session: Pick<Session, 'on'>, onBlocked?: (what: string) => void): void {
  session.on('will-download', (event) => {
    event.preventDefault();
    onBlocked?.('download');
  });
}

/** The app needs no camera, notifications, clipboard-read or any other permission. */
export function refusePermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}
