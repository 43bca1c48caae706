// Who may use the browser harness: a random key per run, handed out only in the address the
// harness prints. Loading that address sets an HttpOnly SameSite=Strict cookie, so the page never
// sees the key; scripts and tests send it as a header. Also the parsing of request targets, which
// must never throw (a request the harness cannot read is answered with 400, not a crash).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header that carries the key for clients without the cookie (tests, scripts). */
export const HARNESS_KEY_HEADER = 'x-harness-key';
/** Query parameter of the printed address that carries the key (exchanged for the cookie). */
export const HARNESS_KEY_PARAM = 'k';

/** 256 random bits, URL-safe. */
export function createAccessKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hashing first makes both sides the same length). */
export function keyMatches(given: string | undefined, key: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(key));
}

/**
 * Cookies are shared by every port of 127.0.0.1, so the name carries the port: two harnesses in
 * one browser profile do not overwrite each other's cookie.
 */
export function accessCookieName(port: number): string {
  return `face_admin_harness_${port}`;
}

/** Set-Cookie value: the key, for this host only, never readable by scripts nor sent cross-site. */
export function accessCookie(name: string, key: string): string {
  return `${name}=${key}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The value of one cookie in a Cookie header (no decoding: our value is base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request carries this run's key, in the cookie or the header. */
export function hasAccess(req: IncomingMessage, cookieName: string, key: string): boolean {
  const header = req.headers[HARNESS_KEY_HEADER];
  if (typeof header === 'string' && keyMatches(header, key)) return true;
  return keyMatches(readCookie(req.headers.cookie, cookieName), key);
}

export interface Target {
  /** Path as sent (still percent-encoded). */
  path: string;
  query: URLSearchParams;
}

/**
 * The origin-form request target (`/path?query`), or null for anything else: `*`, absolute URLs,
 * and `//…` (which URL parsers read as a host name).
 */
export function parseTarget(raw: string | undefined): Target | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return null;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const hash = path.indexOf('#');
  return {
    path: hash < 0 ? path : path.slice(0, hash),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

/** decodeURIComponent without the URIError: null for bad percent-encoding or a NUL. */
export function decodeSegment(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}
