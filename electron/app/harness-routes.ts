// The browser harness's request routing: who may ask (own page, this run's key), then the API (`/api`
// calls and the event stream), the test endpoints and the renderer's static files.
import type { HarnessDialogs } from './harness-host';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromWire, toWire, WIRE } from '../../shared/wire';
import type { Simulator } from '../simulator/types';
import type { Dispatch } from './dispatch';
import {
  HARNESS_KEY_PARAM,
  type Target,
  accessCookie,
  accessCookieName,
  decodeSegment,
  hasAccess,
  keyMatches,
  parseTarget,
} from './harness-access';
import type { EventStream } from './harness-events';
import { BodyTooLarge, badRequest, forbidden, notAllowed, readText, send, sendError } from './harness-http';
import { handleTest } from './harness-test-endpoints';
import { serveStatic } from './static';

/** This run's key and the names it answers to; the port-bound parts are filled in once it listens. */
export interface Access {
  key: string;
  cookieName: string;
  /** Host headers we answer: anything else is DNS rebinding (a foreign name resolving to loopback). */
  allowedHosts: Set<string>;
  allowedOrigins: Set<string>;
}

/** Binds the access rules to the port the server got (until then every request is refused). */
export function bindAccess(access: Access, port: number): void {
  access.cookieName = accessCookieName(port);
  access.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  access.allowedOrigins = new Set([...access.allowedHosts].map((h) => `http://${h}`));
}

export interface RouteContext {
  access: Access;
  dispatch: Dispatch;
  events: EventStream;
  sim: Simulator;
  exportDir: string;
  dialogs: HarnessDialogs;
  testEndpoints: boolean;
  distDir: string | undefined;
  csp: string;
  /** The page is being opened (its keyed address): the app's window opening. */
  pageOpened?: () => void;
}

/** Routes that need this run's key: the API, the event stream and the test switches. */
function isGuarded(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/__test' || path.startsWith('/__test/');
}

/**
 * Only our own page may talk to us. The Host must be our loopback address (DNS rebinding), and
 * an Origin, when sent (every cross-origin request, and every POST from a page), must be ours.
 */
function isOwnRequest(req: IncomingMessage, access: Access): boolean {
  const hostHeader = req.headers.host?.toLowerCase();
  if (!hostHeader || !access.allowedHosts.has(hostHeader)) return false;
  const from = req.headers.origin;
  return from === undefined || access.allowedOrigins.has(from.toLowerCase());
}

async function handleCall(req: IncomingMessage, res: ServerResponse, channel: string, dispatch: Dispatch): Promise<void> {
  let request: unknown;
  try {
    const body = await readText(req);
    const parsed = body ? fromWire(body) : {};
    request = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { request?: unknown }).request : Symbol('bad');
  } catch (e) {
    if (e instanceof BodyTooLarge) sendError(res, 413, 'input.invalid', 'The request is too large', 'body');
    else badRequest(res, 'body');
    return;
  }
  const result = await dispatch(channel, request);
  send(res, 200, toWire(result));
}

/**
 * The printed address (`?k=…`): the right key becomes the access cookie and the browser is sent
 * to the same page without the key (out of the address bar and history); a wrong one is refused.
 */
function handleKeyedOpen(req: IncomingMessage, res: ServerResponse, target: Target, ctx: RouteContext): void {
  const { access } = ctx;
  if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(res);
  if (!keyMatches(target.query.get(HARNESS_KEY_PARAM) ?? undefined, access.key)) {
    send(res, 403, 'This address has a stale or wrong key: open the one the harness printed.', 'text/plain; charset=utf-8');
    return;
  }
  ctx.pageOpened?.();
  const rest = new URLSearchParams(target.query);
  rest.delete(HARNESS_KEY_PARAM);
  const query = rest.toString();
  res.writeHead(303, {
    location: `${target.path}${query ? `?${query}` : ''}`,
    'set-cookie': accessCookie(access.cookieName, access.key),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end();
}

/** A guarded path, once the key is checked: the API calls, the event stream, the test endpoints. */
function routeGuarded(req: IncomingMessage, res: ServerResponse, path: string, ctx: RouteContext): Promise<void> | void {
  if (path.startsWith(`${WIRE.call}/`)) {
    if (req.method !== 'POST') return notAllowed(res);
    const channel = decodeSegment(path.slice(WIRE.call.length + 1));
    if (channel === null) return badRequest(res, 'channel');
    return handleCall(req, res, channel, ctx.dispatch);
  }
  if (path === WIRE.events) {
    if (req.method !== 'GET') return notAllowed(res);
    return ctx.events.open(req, res);
  }
  if (ctx.testEndpoints && path.startsWith('/__test/')) return handleTest(req, res, path, ctx.sim, ctx.exportDir, ctx.dialogs);
  return sendError(res, 404, 'input.invalid', 'Not found', 'path');
}

export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const { access } = ctx;
  if (!isOwnRequest(req, access)) return forbidden(res);
  const target = parseTarget(req.url);
  if (!target) return badRequest(res, 'url');
  const { path } = target;
  if (isGuarded(path)) {
    if (!hasAccess(req, access.cookieName, access.key)) return forbidden(res);
    return routeGuarded(req, res, path, ctx);
  }
  if (target.query.has(HARNESS_KEY_PARAM)) return handleKeyedOpen(req, res, target, ctx);
  if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(res);
  if (!ctx.distDir) {
    send(res, 404, 'No renderer build', 'text/plain; charset=utf-8');
    return;
  }
  return serveStatic(req, res, ctx.distDir, path, ctx.csp);
}
