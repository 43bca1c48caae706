// Where one CLI run's tenant comes from: credentials from flags or the environment (or the demo tenant),
// the per-user cache folder and the proxy from the environment. Opening it is the engine's
// openTenantSession, the same as the app's; close() ends everything the run opened.
import { appError } from '../../shared/errors';
import { BaseUrlSchema } from '../../shared/model';
import { dispatcherFromEnv } from './proxy';
import { openTenantSession, type SessionSetup, type TenantSource, type TenantSession } from '../core/session';
import { DEFAULT_MAX_AGE, parseMaxAge } from './max-age';
import { defaultCacheRoot, photoCacheDir, snapshotDir } from './paths';
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
}

export type Session = TenantSession;

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
    dispatcher: () => dispatcherFromEnv(env),
    startDemo: () => startDemo(env),
    hide: (secret) => reporter.hide(secret),
  };
  // Not verified here: the commands check the credentials under the run's stop signal.
  return openTenantSession(source, setup);
}
