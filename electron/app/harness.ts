// The browser harness: the real application layer (same dispatch and handlers as Electron main)
// served over loopback HTTP, so the renderer runs end to end in a plain Chromium.
// Its host keeps credentials and settings in memory (see HarnessOptions.encryption) and saves
// into one fixed export folder instead of showing native dialogs.
// This file is the server's lifecycle; the parts live beside it (issue #9: no long functions):
// harness-host.ts (the AppHost), harness-routes.ts (who may ask, and routing), harness-events.ts (the
// event stream), harness-test-endpoints.ts (/__test/*), harness-http.ts (replies and body reading).
import { mkdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Settings } from '../../shared/model';
import { startSimulator } from '../simulator/index';
import type { Simulator, SimulatorOptions } from '../simulator/types';
import { buildCsp } from './csp';
import { createDispatch } from './dispatch';
import { createHandlers } from './handlers';
import type { EncryptionState } from './host';
import { HARNESS_KEY_PARAM, createAccessKey } from './harness-access';
import { createEventStream } from './harness-events';
import { createExportNotice } from './export-notice';
import { tenantLabel } from '../core/audit/index';
import { createHarnessHost, type HarnessDialogs } from './harness-host';
import { sendError } from './harness-http';
import { type Access, type RouteContext, bindAccess, route } from './harness-routes';
import { type Logger, createLogger } from './redact';

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
  /**
   * Treat the first-export notice as already read for the simulated tenant (demo and custom sign-in): e2e tests
   * about other things export without it. Off by default, so `npm run dev:browser` shows it like the app.
   */
  exportNoticeSeen?: boolean;
  /**
   * Start with the simulator's credentials saved, as an app whose keychain kept them from an earlier run: the page
   * opens signed in, with no connect screen (the second-launch bench; give the simulator a fixed port so the tenant,
   * and so its remembered directory, is the same across launches).
   */
  signedIn?: boolean;
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

/**
 * Whatever a request holds, the harness answers it and keeps serving: route is async, so a
 * throw anywhere in it is a rejection, caught here (a web page the developer visits can send
 * requests to loopback, e.g. <img src="http://127.0.0.1:5180//">).
 */
function createHarnessServer(ctx: RouteContext, log: Logger): Server {
  return createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    route(req, res, ctx).catch((e: unknown) => {
      log.error('harness request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendError(res, 500, 'internal', 'Unexpected error');
      else res.destroy();
    });
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePort((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const log = opts.log ?? createLogger({ sink: (line) => process.stderr.write(`${line}\n`), level: 'warn' });
  const exportDir = resolve(opts.exportDir);
  await mkdir(exportDir, { recursive: true });
  const sim = await startSimulator(opts.simulator ?? {});
  const events = createEventStream();
  const dialogs: HarnessDialogs = { imageFile: null, importFolder: null };
  const host = createHarnessHost({ exportDir, cacheDir: opts.cacheDir, encryption: opts.encryption ?? 'available', sim, emit: events.emit, log, dialogs });
  if (opts.signedIn) await host.vault.set({ baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret });
  if (opts.exportNoticeSeen) {
    const notice = createExportNotice(host);
    await notice.seen('demo');
    await notice.seen(tenantLabel({ demo: false, appId: sim.appId, baseUrl: sim.url }));
  }
  const handlers = createHandlers(host);
  const dispatch = createDispatch(handlers, { log });
  // Empty until the server listens: the allowed hosts and the cookie name carry the port.
  const access: Access = { key: createAccessKey(), cookieName: '', allowedHosts: new Set(), allowedOrigins: new Set() };
  const server = createHarnessServer(
    {
      access,
      dispatch,
      events,
      sim,
      exportDir,
      dialogs,
      testEndpoints: opts.testEndpoints ?? false,
      distDir: opts.distDir,
      csp: buildCsp({ connect: 'self' }),
      // As Electron's main does when it creates the window: restore the stored sign-in while the page loads.
      pageOpened: () => handlers.warmUp(),
    },
    log,
  );

  const port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  bindAccess(access, port);

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?${HARNESS_KEY_PARAM}=${access.key}`,
    origin,
    key: access.key,
    sim,
    settings: () => host.settings.get(),
    close() {
      closing ??= (async () => {
        events.closeAll();
        await closeServer(server);
        await handlers.dispose();
        await sim.close();
      })();
      return closing;
    },
  };
}
