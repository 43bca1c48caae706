// One tenant session, opened the same way by the app (sign-in, restore, demo) and the CLI: the base URL,
// the credentials or the demo tenant, the proxy, the photo cache folder, the credential check, and one
// close() for everything the session opened. The demo tenant comes in through setup.startDemo, so the
// engine never imports the simulator.
import type { Dispatcher } from 'undici';
import { toAppError } from '../../shared/errors';
import { resolveBaseUrl, type BaseUrl } from '../../shared/model';
import { createCore as defaultCreateCore } from './index';
import { tenantKey } from './snapshot/remember';
import { fileSnapshotStore, removePlainSnapshots } from './snapshot/store';
import type { Core, CoreOptions } from './types';

export interface TenantCredentials {
  baseUrl: BaseUrl;
  appId: string;
  appSecret: string;
}

/** A running demo tenant. close is given when the session owns it (the CLI), left out when the host keeps it (the app). */
export interface DemoEndpoint {
  url: string;
  appId: string;
  appSecret: string;
  close?(): Promise<void>;
}

/** Which tenant to open: stored or typed credentials, or the demo tenant. */
export type TenantSource = { demo: false; creds: TenantCredentials } | { demo: true };

/** The directory remembered between runs (electron/core/snapshot/). */
export interface RememberSetup {
  /** Folder of the snapshots, one file per tenant. */
  dir: string;
  /** Use a snapshot only up to this age, ms (default: any age); 0 never uses one, only writes it (--refresh). */
  maxAgeMs?: number;
  /** After showing the remembered directory, read it again in the background (the app's start). */
  refreshInBackground?: boolean;
}

/** What the host provides; the same shape for Electron main, the browser harness and the CLI. */
export interface SessionSetup {
  /** Photo cache of a real tenant. */
  cacheDir: string;
  /** Photo cache of the demo tenant, kept apart so demo photos never mix with real ones. */
  demoCacheDir: string;
  cacheMaxBytes?: number;
  /** Cached photos unused for longer are removed (default 30 days). */
  cacheRetentionDays?: number;
  /** How photos are cached: sealed with the host's key (the app's keychain, the CLI's key file), or in memory. */
  photoCache?: CoreOptions['photoCache'];
  remember?: RememberSetup;
  /** HTTP dispatcher (proxy) for a real tenant's base URL. */
  dispatcher?(baseUrl: string): Promise<Dispatcher | undefined> | Dispatcher | undefined;
  startDemo(): Promise<DemoEndpoint>;
  /** Registers a secret with the host's redactor before any call can echo it. */
  hide?(secret: string): void;
  log?: CoreOptions['log'];
  createCore?(opts: CoreOptions): Core;
}

export interface TenantSession {
  core: Core;
  creds: TenantCredentials;
  demo: boolean;
  cacheDir: string;
  /** Token and attendance scope check: wrong secret, IP allow-list or a missing scope fail here. */
  verify(signal?: AbortSignal): Promise<void>;
  /** Ends the core, then the demo tenant when the session started it; never throws. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Check the credentials before returning; on failure everything opened is closed again. */
  verify?: boolean;
  signal?: AbortSignal;
  /** false: do not seed the directory from the remembered one (a connection test). */
  remember?: boolean;
}

async function endpointOf(source: TenantSource, setup: SessionSetup): Promise<{ creds: TenantCredentials; demo?: DemoEndpoint }> {
  if (!source.demo) return { creds: source.creds };
  const demo = await setup.startDemo();
  return { creds: { baseUrl: demo.url, appId: demo.appId, appSecret: demo.appSecret }, demo };
}

export async function openTenantSession(source: TenantSource, setup: SessionSetup, opts: OpenOptions = {}): Promise<TenantSession> {
  const { creds, demo } = await endpointOf(source, setup);
  setup.hide?.(creds.appSecret);
  const baseUrl = resolveBaseUrl(creds.baseUrl);
  // The demo tenant is on loopback: never through a proxy.
  const dispatcher = source.demo ? undefined : await setup.dispatcher?.(baseUrl);
  const cacheDir = source.demo ? setup.demoCacheDir : setup.cacheDir;
  const core = (setup.createCore ?? defaultCreateCore)({
    baseUrl,
    appId: creds.appId,
    appSecret: creds.appSecret,
    cacheDir,
    ...(setup.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: setup.cacheMaxBytes }),
    ...(setup.cacheRetentionDays === undefined ? {} : { cacheRetentionDays: setup.cacheRetentionDays }),
    ...(setup.photoCache ? { photoCache: setup.photoCache } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    ...(setup.log ? { log: setup.log } : {}),
    // The demo tenant's address changes from run to run; its company does not.
    ...snapshotsOf(setup, tenantKey(creds.appId, source.demo ? 'demo' : baseUrl)),
  });
  // Retention on start: photos unused for longer than the setting go now, not only after the next export.
  const retention = core.photos.applyRetention().catch(() => {});
  const session: TenantSession = {
    core,
    creds,
    demo: source.demo,
    cacheDir,
    verify: (signal) => core.client.verify(signal),
    close: () => retention.then(() => closeAll(core, demo, setup.log)),
  };
  // The snapshot is read while the credentials are checked (network waits against CPU work); nothing of it is
  // shown before the check passes, and the background refresh starts only then.
  const restoring = opts.remember !== false ? restoreRemembered(core, setup.remember) : Promise.resolve(null);
  try {
    if (opts.verify) await session.verify(opts.signal);
  } catch (e) {
    await restoring.catch(() => null);
    await session.close();
    throw e;
  }
  if (!setup.remember?.refreshInBackground) {
    await restoring;
    return session;
  }
  // The app answers the sign-in without waiting for the directory to be built from the snapshot (a second of CPU on
  // a large tenant): its window opens meanwhile, and the first read of the directory waits for it (issue #10).
  let closed = false;
  const close = session.close;
  session.close = () => ((closed = true), close());
  void restoring.then(
    (takenAt) => {
      if (takenAt !== null && !closed) core.remembered?.refreshInBackground();
    },
    () => undefined,
  );
  return session;
}

/**
 * Where this tenant's directory is remembered: sealed with the photo cache's key. Without one the OS protects
 * (the app on Linux basic_text: photos in memory only), no snapshot is written or read at all.
 */
function snapshotsOf(setup: SessionSetup, tenant: string): Pick<CoreOptions, 'snapshots'> {
  if (!setup.remember) return {};
  if (setup.photoCache?.kind !== 'encrypted') {
    // Nothing is remembered, and the names an older version left in clear go (sealed ones stay for the key's return).
    void removePlainSnapshots(setup.remember.dir).catch(() => undefined);
    return {};
  }
  const log = setup.log;
  const store = fileSnapshotStore(setup.remember.dir, { keys: setup.photoCache.keys, onDiscard: (why) => log?.('info', 'remembered directory discarded', { why }) });
  return { snapshots: { store, tenant } };
}

/** Seeds the directory from the tenant's snapshot when one is young enough: its time, or null. */
async function restoreRemembered(core: Core, remember: RememberSetup | undefined): Promise<number | null> {
  if (!remember || !core.remembered || remember.maxAgeMs === 0) return null;
  // Without a background refresh (the CLI), the directory is built from the snapshot only when first used.
  return core.remembered.restore(remember.maxAgeMs, { lazy: !remember.refreshInBackground });
}

async function closeAll(core: Core, demo: DemoEndpoint | undefined, log: SessionSetup['log']): Promise<void> {
  try {
    await core.close();
  } catch (e) {
    log?.('warn', 'closing the engine failed', { error: toAppError(e).code });
  }
  await demo?.close?.().catch(() => undefined);
}
