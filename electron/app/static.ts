// Serving the built renderer: URL path → file inside the dist folder, never outside it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

/**
 * Maps a URL path to a file inside root, or null when it would leave root (`..`, encoded
 * separators, NUL, absolute or drive paths). '/' maps to index.html.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  // Windows drops a trailing dot or space ("index.html." opens index.html), and such aliases can
  // slip past extension checks: no legitimate asset name ends with either.
  if (parts.some((p) => p === '..' || /^[a-zA-Z]:/.test(p) || /[. ]$/.test(p))) return null;
  const base = resolve(root);
  const full = resolve(base, ...(parts.length ? parts : ['index.html']));
  if (full !== base && !full.startsWith(base + sep)) return null;
  return full;
}

function isInside(base: string, full: string): boolean {
  return full === base || full.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * resolveInside, then the same check on the real paths: a symlink (or junction) inside root that
 * points outside it is refused. null when the file does not exist or is outside root.
 */
export async function resolveFileInside(root: string, urlPath: string): Promise<string | null> {
  const full = resolveInside(root, urlPath);
  if (!full) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(full)]);
    return isInside(realRoot, realFile) ? full : null;
  } catch {
    return null;
  }
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end('Not found');
}

async function fileStat(file: string | null) {
  return file ? await stat(file).catch(() => null) : null;
}

/**
 * Answers a GET or HEAD for the built renderer over node:http (the browser harness): the file,
 * the app shell for a client-side route (no extension), or 404. Never rejects and never throws:
 * a file that vanishes or fails while streaming ends the response instead of the process.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, distDir: string, urlPath: string, csp: string): Promise<void> {
  let file = await resolveFileInside(distDir, urlPath);
  let s = await fileStat(file);
  // Client-side routes (no file extension) get the app shell.
  if ((!s || !s.isFile()) && resolveInside(distDir, urlPath) && !/\.[a-z0-9]+$/i.test(urlPath)) {
    file = await resolveFileInside(distDir, '/index.html');
    s = await fileStat(file);
  }
  if (!file || !s || !s.isFile()) {
    notFound(res);
    return;
  }
  res.writeHead(200, {
    'content-type': mimeFor(file),
    'content-length': s.size,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': file.endsWith('.html') ? 'no-store' : 'max-age=300',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline destroys both streams on an error (the client sees a cut response, not a crash).
  pipeline(createReadStream(file), res, () => undefined);
}
