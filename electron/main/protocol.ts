// The built renderer, served from app://face-admin/ with the production CSP on every response.
import { readFile, stat } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { mimeFor, resolveFileInside } from '../app/static';
import { APP_HOST, APP_SCHEME } from './security';

/** Privileges for app:// (must be registered before the app is ready). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

/** Answers one app:// request: a file inside distDir, or 404. */
export async function serveAppRequest(distDir: string, requestUrl: string, csp: string): Promise<Response> {
  const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return new Response('Bad request', { status: 400, headers });
  }
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404, headers });
  const file = await resolveFileInside(distDir, url.pathname);
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    const s = await stat(file);
    if (!s.isFile()) return new Response('Not found', { status: 404, headers });
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': mimeFor(file) } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

export function registerAppProtocol(protocol: Protocol, distDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(distDir, request.url, csp));
}
