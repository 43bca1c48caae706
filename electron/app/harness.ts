// The browser harness: the real application layer (same dispatch and handlers as Electron main)
// served over loopback HTTP, so the renderer runs end to end in a plain Chromium.
// Its host keeps credentials and settings in memory (see HarnessOptions.encryption) and saves
// into one fixed export folder instead of showing native dialogs.
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
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
import { buildCsp } from './csp';
import { createDispatch } from './dispatch';
import { createHandlers } from './handlers';
import type { AppHost, EncryptionState, StoredCredentials, Vault } from './host';
import { type Logger, createLogger } from './redact';
import { mimeFor, resolveFileInside, resolveInside } from './static';

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
  url: string;
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
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
    for (const res of listeners) res.write(frame);
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

  async function handleCall(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    let request: unknown;
    try {
      const body = await readBody(req);
      const parsed = body ? fromWire(body) : {};
      request = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { request?: unknown }).request : Symbol('bad');
    } catch {
      send(res, 400, toWire({ ok: false, error: { code: 'input.invalid', message: 'The request is not valid', detail: 'body' } }));
      return;
    }
    const result = await dispatch(key, request);
    send(res, 200, toWire(result));
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`: ${eventKeys.join(' ')}\n\n`);
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!opts.distDir) {
      send(res, 404, 'No renderer build', 'text/plain; charset=utf-8');
      return;
    }
    let file = await resolveFileInside(opts.distDir, path);
    let s = file ? await stat(file).catch(() => null) : null;
    // Client-side routes (no file extension) get the app shell.
    if ((!s || !s.isFile()) && resolveInside(opts.distDir, path) && !/\.[a-z0-9]+$/i.test(path)) {
      file = await resolveFileInside(opts.distDir, '/index.html');
      s = file ? await stat(file).catch(() => null) : null;
    }
    if (!file || !s || !s.isFile()) {
      send(res, 404, 'Not found', 'text/plain; charset=utf-8');
      return;
    }
    res.writeHead(200, {
      'content-type': mimeFor(file),
      'content-length': s.size,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'max-age=300',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  }

  async function handleTest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/__test/info' && req.method === 'GET') {
      send(res, 200, JSON.stringify({ simUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, exportDir }));
      return;
    }
    if (path === '/__test/sim' && req.method === 'POST') {
      let patch: z.infer<typeof SimPatchSchema>;
      try {
        patch = SimPatchSchema.parse(JSON.parse(await readBody(req)));
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

  const server = createServer((req, res) => {
    if (!isOwnRequest(req)) {
      send(res, 403, toWire({ ok: false, error: { code: 'ipc.forbidden', message: 'Forbidden' } }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let work: Promise<void>;
    if (path.startsWith(`${WIRE.call}/`) && req.method === 'POST') {
      work = handleCall(req, res, decodeURIComponent(path.slice(WIRE.call.length + 1)));
    } else if (path === WIRE.events && req.method === 'GET') {
      handleEvents(req, res);
      return;
    } else if (opts.testEndpoints && path.startsWith('/__test/')) {
      work = handleTest(req, res, path);
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      work = handleStatic(req, res, path);
    } else {
      send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');
      return;
    }
    work.catch((e: unknown) => {
      log.error('harness request failed', { path, error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) send(res, 500, toWire({ ok: false, error: { code: 'internal', message: 'Unexpected error' } }));
      else res.end();
    });
  });

  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  let closing: Promise<void> | null = null;
  return {
    url: origin,
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
