// The browser harness: the real application layer (same dispatch and handlers as Electron main)
// served over loopback HTTP, so the renderer runs end to end in a plain Chromium.
// Its host keeps credentials and settings in memory (see HarnessOptions.encryption) and saves
// into one fixed export folder instead of showing native dialogs.
import { mkdir } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import sanitizeFilename from 'sanitize-filename';
import { z } from 'zod';
import { type EventKey, type EventPayload, eventKeys } from '../../shared/ipc';
import { SettingsSchema, type Settings, type SettingsPatch } from '../../shared/model';
import { WIRE, fromWire, toWire } from '../../shared/wire';
import { startSimulator } from '../simulator/index';
import type { Simulator, SimulatorOptions } from '../simulator/types';
import { readBody } from '../util/body';
import { buildCsp } from './csp';
import { createDispatch } from './dispatch';
import { createHandlers } from './handlers';
import type { AppHost, EncryptionState, StoredCredentials, Vault } from './host';
import {
  HARNESS_KEY_PARAM,
  type Target,
  accessCookie,
  accessCookieName,
  createAccessKey,
  decodeSegment,
  hasAccess,
  keyMatches,
  parseTarget,
} from './harness-access';
import { type Logger, createLogger } from './redact';
import { serveStatic } from './static';

export interface HarnessOptions {
  port?: number;
  host?: '127.0.0.1';
  /** Built renderer (vite build output); without it only the API is served. */
  distDir?: string;
  /** Where exports and single-photo saves go (created). */
  exportDir: string;
  cacheDir: string;
  simulator?: SimulatorOptions;
  /**
   * What the in-memory vault reports. 'available' (default): credentials are kept for the
   * harness's lifetime and reported persisted, like an app with a working keychain. Anything
   * else: persisted:false, so tests can see the "kept for this run only" state.
   */
  encryption?: EncryptionState;
  /**
   * Mount /__test/* (simulator switches, and the simulator's credentials): tests and e2e fixtures
   * only. Off by default, so `npm run dev:browser` exposes neither.
   */
  testEndpoints?: boolean;
  log?: Logger;
}

export interface Harness {
  /**
   * The address to open: the page with this run's access key (`/?k=…`). Loading it sets the
   * access cookie and redirects to the clean address.
   */
  url: string;
  /** `http://127.0.0.1:PORT`, to build request URLs from. */
  origin: string;
  /** This run's access key: scripts and tests send it in the x-harness-key header. */
  key: string;
  sim: Simulator;
  /** The settings as the host has stored them (what the app would find after a restart). */
  settings(): Settings;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const SimPatchSchema = z
  .object({
    badSecret: z.boolean(),
    appNotInstalled: z.boolean(),
    ipDenied: z.boolean(),
    missingScopes: z.array(z.string().max(200)).max(50),
    attendanceRangeDenied: z.boolean(),
    contactRangeDenied: z.boolean(),
    noFaceMode: z.enum(['omit', 'empty']),
    acceptPostForQuery: z.boolean(),
    tokenInvalidHttp200: z.boolean(),
    latencyMs: z.number().min(0).max(60_000),
    latencyJitterMs: z.number().min(0).max(60_000),
    faultRate: z.number().min(0).max(1),
    resetRate: z.number().min(0).max(1),
    rateLimitPerSecond: z.number().min(1).max(100_000),
    failingFaceKeys: z.array(z.string().max(200)).max(100_000),
  })
  .partial()
  .strict();

function memoryVault(encryption: EncryptionState): Vault {
  let creds: StoredCredentials | null = null;
  return {
    async get() {
      return creds ? { ...creds, persisted: encryption === 'available' } : null;
    },
    async set(c) {
      creds = { ...c };
      return { persisted: encryption === 'available' };
    },
    async clear() {
      creds = null;
    },
    encryption: () => encryption,
  };
}

function memorySettings(): AppHost['settings'] {
  let current: Settings = SettingsSchema.parse({});
  return {
    get: () => current,
    patch(p: SettingsPatch) {
      current = SettingsSchema.parse({ ...current, ...p });
      return current;
    },
    setLastFolder(path) {
      current = { ...current, lastFolder: path };
    },
  };
}

/** The body did not fit MAX_BODY_BYTES (answered with 413). */
class BodyTooLarge extends Error {}

/** The request body as text; over MAX_BODY_BYTES rejects with BodyTooLarge and keeps draining the rest, so the 413 can still reach the client. */
async function readText(req: IncomingMessage): Promise<string> {
  const body = await readBody(req, { maxBytes: MAX_BODY_BYTES, tooLarge: () => new BodyTooLarge('body too large'), rest: 'drain' });
  return body.toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, detail?: string): void {
  send(res, status, toWire({ ok: false, error: { code, message, ...(detail ? { detail } : {}) } }));
}

const forbidden = (res: ServerResponse) => sendError(res, 403, 'ipc.forbidden', 'Forbidden');
const badRequest = (res: ServerResponse, detail: string) => sendError(res, 400, 'input.invalid', 'The request is not valid', detail);
const notAllowed = (res: ServerResponse) => sendError(res, 405, 'input.invalid', 'Method not allowed', 'method');

/** Routes that need this run's key: the API, the event stream and the test switches. */
function isGuarded(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/__test' || path.startsWith('/__test/');
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const log = opts.log ?? createLogger({ sink: (line) => process.stderr.write(`${line}\n`), level: 'warn' });
  const exportDir = resolve(opts.exportDir);
  await mkdir(exportDir, { recursive: true });
  const sim = await startSimulator(opts.simulator ?? {});
  const listeners = new Set<ServerResponse>();
  const csp = buildCsp({ connect: 'self' });

  const emit = <E extends EventKey>(event: E, payload: EventPayload<E>) => {
    const frame = `event: ${event}\ndata: ${toWire(payload)}\n\n`;
    for (const res of listeners) if (!res.writableEnded && !res.destroyed) res.write(frame);
  };

  const host: AppHost = {
    vault: memoryVault(opts.encryption ?? 'available'),
    settings: memorySettings(),
    async chooseFolder() {
      await mkdir(exportDir, { recursive: true });
      return exportDir;
    },
    async chooseSavePath(defaultName) {
      return join(exportDir, sanitizeFilename(defaultName) || 'photo');
    },
    async showItemInFolder() {},
    async openPath() {},
    async openExternal(url) {
      log.info('openExternal (not opened in the harness)', { url });
    },
    emit,
    cacheDir: join(resolve(opts.cacheDir), 'tenant'),
    demoCacheDir: join(resolve(opts.cacheDir), 'demo'),
    async startDemo() {
      return { url: sim.url, appId: sim.appId, appSecret: sim.appSecret };
    },
    appInfo: { version: '0.0.0-harness', platform: process.platform, systemLocale: 'zh-CN', harness: true },
    log,
  };
  const handlers = createHandlers(host);
  const dispatch = createDispatch(handlers, { log });

  let origin = '';
  const key = createAccessKey();
  let cookieName = '';
  /** Host headers we answer: anything else is DNS rebinding (a foreign name resolving to loopback). */
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  /**
   * Only our own page may talk to us. The Host must be our loopback address (DNS rebinding), and
   * an Origin, when sent (every cross-origin request, and every POST from a page), must be ours.
   */
  function isOwnRequest(req: IncomingMessage): boolean {
    const hostHeader = req.headers.host?.toLowerCase();
    if (!hostHeader || !allowedHosts.has(hostHeader)) return false;
    const from = req.headers.origin;
    return from === undefined || allowedOrigins.has(from.toLowerCase());
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
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

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`: ${eventKeys.join(' ')}\n\n`);
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
    res.on('error', () => listeners.delete(res));
  }

  async function handleTest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/__test/info' && req.method === 'GET') {
      send(res, 200, JSON.stringify({ simUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, exportDir }));
      return;
    }
    if (path === '/__test/sim' && req.method === 'POST') {
      let patch: z.infer<typeof SimPatchSchema>;
      try {
        patch = SimPatchSchema.parse(JSON.parse(await readText(req)));
      } catch {
        send(res, 400, JSON.stringify({ ok: false }));
        return;
      }
      const { failingFaceKeys, ...rest } = patch;
      Object.assign(sim.switches, rest);
      if (failingFaceKeys) sim.switches.failingFaceKeys = new Set(failingFaceKeys);
      send(res, 200, JSON.stringify({ ok: true }));
      return;
    }
    send(res, 404, JSON.stringify({ ok: false }));
  }

  /**
   * The printed address (`?k=…`): the right key becomes the access cookie and the browser is sent
   * to the same page without the key (out of the address bar and history); a wrong one is refused.
   */
  function handleKeyedOpen(req: IncomingMessage, res: ServerResponse, target: Target): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(res);
    if (!keyMatches(target.query.get(HARNESS_KEY_PARAM) ?? undefined, key)) {
      send(res, 403, 'This address has a stale or wrong key: open the one the harness printed.', 'text/plain; charset=utf-8');
      return;
    }
    const rest = new URLSearchParams(target.query);
    rest.delete(HARNESS_KEY_PARAM);
    const query = rest.toString();
    res.writeHead(303, {
      location: `${target.path}${query ? `?${query}` : ''}`,
      'set-cookie': accessCookie(cookieName, key),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isOwnRequest(req)) return forbidden(res);
    const target = parseTarget(req.url);
    if (!target) return badRequest(res, 'url');
    const { path } = target;
    if (!isGuarded(path) && target.query.has(HARNESS_KEY_PARAM)) return handleKeyedOpen(req, res, target);
    if (isGuarded(path) && !hasAccess(req, cookieName, key)) return forbidden(res);
    if (path.startsWith(`${WIRE.call}/`)) {
      if (req.method !== 'POST') return notAllowed(res);
      const channel = decodeSegment(path.slice(WIRE.call.length + 1));
      if (channel === null) return badRequest(res, 'channel');
      return handleCall(req, res, channel);
    }
    if (path === WIRE.events) {
      if (req.method !== 'GET') return notAllowed(res);
      return handleEvents(req, res);
    }
    if (opts.testEndpoints && path.startsWith('/__test/')) return handleTest(req, res, path);
    if (isGuarded(path)) return sendError(res, 404, 'input.invalid', 'Not found', 'path');
    if (req.method !== 'GET' && req.method !== 'HEAD') return notAllowed(res);
    if (!opts.distDir) {
      send(res, 404, 'No renderer build', 'text/plain; charset=utf-8');
      return;
    }
    return serveStatic(req, res, opts.distDir, path, csp);
  }

  // Whatever a request holds, the harness answers it and keeps serving: route is async, so a
  // throw anywhere in it is a rejection, caught here (a web page the developer visits can send
  // requests to loopback, e.g. <img src="http://127.0.0.1:5180//">).
  const server = createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    route(req, res).catch((e: unknown) => {
      log.error('harness request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendError(res, 500, 'internal', 'Unexpected error');
      else res.destroy();
    });
  });

  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
  origin = `http://127.0.0.1:${port}`;
  cookieName = accessCookieName(port);
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?${HARNESS_KEY_PARAM}=${key}`,
    origin,
    key,
    sim,
    settings: () => host.settings.get(),
    close() {
      closing ??= (async () => {
        for (const res of listeners) res.end();
        listeners.clear();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await handlers.dispose();
        await sim.close();
      })();
      return closing;
    },
  };
}
