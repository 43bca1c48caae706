// Where one CLI run's tenant comes from: credentials from flags or the environment (or the demo tenant),
// the per-user cache folder and the proxy from the environment. Opening it is the engine's
// openTenantSession, the same as the app's; close() ends everything the run opened.
import { join } from 'node:path';
import { appError, isAppFailure } from '../../shared/errors';
import { fixedKey, type KeyProvider } from '../core/at-rest/envelope';
import { keyFileProvider, keyFromEnv } from '../core/at-rest/key-file';
import { BaseUrlSchema } from '../../shared/model';
import { dispatcherFromEnv } from './proxy';
import { openTenantSession, type SessionSetup, type TenantSource, type TenantSession } from '../core/session';
import { DEFAULT_MAX_AGE, parseMaxAge } from './max-age';
import { auditFolder, defaultCacheRoot, photoCacheDir, snapshotDir } from './paths';
import type { Reporter } from './report';

export interface ConnectionFlags {
  appId?: string;
  appSecret?: string;
  baseUrl?: string;
  cacheDir?: string;
  demo?: boolean;
  /** --max-age: use the remembered directory only when younger than this (default 6h). */
  maxAge?: string;
  /** --refresh: read the directory again whatever its age (and remember the new one). */
  refresh?: boolean;
  /** Cached photos unused for longer are removed (default 30). */
  retentionDays?: number;
}

/** The key file beside the photo folders (one key for the tenant's and the demo's cache). */
export const CACHE_KEY_FILE = 'cache.key';

/**
 * The photo cache's key: FEISHU_CACHE_KEY when set (checked here, so a bad value stops the run before anything),
 * else the 0600 key file in the cache root, made on first use.
 */
async function cacheKeys(cacheRoot: string, reporter: Reporter, env: NodeJS.ProcessEnv): Promise<KeyProvider> {
  const fromEnv = keyFromEnv(env);
  if (fromEnv) return fixedKey(fromEnv);
  const keys = keyFileProvider(join(cacheRoot, CACHE_KEY_FILE), (m) => reporter.warn(m));
  // A damaged key file stops the run with what to do; a folder that cannot be written only costs the cache.
  await keys.key().catch((e: unknown) => {
    if (isAppFailure(e)) throw e;
  });
  return keys;
}

export type Session = TenantSession & {
  /** Where this run's audit entries go (auditFolder of its cache root); unset: the per-user default. */
  auditDir?: string;
};

/** FEISHU_DEMO_LATENCY_MS overrides the demo tenant's latency (tests set 0). */
function demoLatency(env: NodeJS.ProcessEnv): number | undefined {
  const latency = Number(env.FEISHU_DEMO_LATENCY_MS);
  return env.FEISHU_DEMO_LATENCY_MS && Number.isFinite(latency) && latency >= 0 ? latency : undefined;
}

/** Starts a demo tenant that this run owns (the session closes it). */
async function startDemo(env: NodeJS.ProcessEnv) {
  // Loaded only for demo runs: a real export never carries the simulator.
  const { startDemoTenant } = await import('../simulator/demo');
  const latencyMs = demoLatency(env);
  // Everyone in range: an employee outside it makes `export --all` exit 2, and a first try should succeed.
  return startDemoTenant({ outOfRange: false, ...(latencyMs === undefined ? {} : { latencyMs }) });
}

/** The credentials of a real tenant from flags, else the environment; throws a clear error when missing or wrong. */
function sourceFromFlags(flags: ConnectionFlags, reporter: Reporter, env: NodeJS.ProcessEnv): TenantSource {
  if (flags.appSecret)
    reporter.warn('a secret passed with --app-secret lands in your shell history; prefer the FEISHU_APP_SECRET environment variable.');
  // An empty variable counts as unset (e.g. `FEISHU_BASE_URL= npm run cli …`).
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] ? env[name] : undefined);
  const appId = (pick(flags.appId, 'FEISHU_APP_ID') ?? '').trim();
  const appSecret = pick(flags.appSecret, 'FEISHU_APP_SECRET') ?? '';
  reporter.hide(appSecret);
  if (!appId || !appSecret) throw appError('auth.not_configured', 'No App ID or App Secret');
  const rawBase = (pick(flags.baseUrl, 'FEISHU_BASE_URL') ?? 'feishu').trim();
  const base = BaseUrlSchema.safeParse(rawBase);
  if (!base.success)
    throw appError('input.invalid', `FEISHU_BASE_URL / --base-url must be "feishu", "lark" or an http(s) URL, not "${rawBase}"`);
  return { demo: false, creds: { baseUrl: base.data, appId, appSecret } };
}

export async function openSession(flags: ConnectionFlags, reporter: Reporter, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  const cacheRoot = flags.cacheDir ?? defaultCacheRoot(env);
  const maxAgeMs = flags.refresh ? 0 : parseMaxAge(flags.maxAge ?? DEFAULT_MAX_AGE);
  const demo = Boolean(flags.demo);
  if (demo && (flags.appId || flags.appSecret || flags.baseUrl)) reporter.warn('--demo ignores --app-id, --app-secret and --base-url.');
  const source: TenantSource = demo ? { demo: true } : sourceFromFlags(flags, reporter, env);
  const setup: SessionSetup = {
    cacheDir: photoCacheDir(cacheRoot, false),
    demoCacheDir: photoCacheDir(cacheRoot, true),
    remember: { dir: snapshotDir(cacheRoot), maxAgeMs },
    photoCache: { kind: 'encrypted', keys: await cacheKeys(cacheRoot, reporter, env) },
    ...(flags.retentionDays === undefined ? {} : { cacheRetentionDays: flags.retentionDays }),
    dispatcher: () => dispatcherFromEnv(env),
    startDemo: () => startDemo(env),
    hide: (secret) => reporter.hide(secret),
  };
  // Not verified here: the commands check the credentials under the run's stop signal.
  return Object.assign(await openTenantSession(source, setup), { auditDir: auditFolder(cacheRoot, env) });
}
