// Builds the engine for one CLI run: credentials from flags or the environment (or the demo
// tenant), the per-user cache, and the proxy. Everything the run opens is closed by close().
import { appError } from '../../shared/errors';
import { BaseUrlSchema, resolveBaseUrl } from '../../shared/model';
import { createCore } from '../core/index';
import { dispatcherFromEnv } from './proxy';
import type { Core } from '../core/types';
import { defaultCacheRoot, photoCacheDir } from './paths';
import type { Reporter } from './report';

export interface ConnectionFlags {
  appId?: string;
  appSecret?: string;
  baseUrl?: string;
  cacheDir?: string;
  demo?: boolean;
}

export interface Session {
  core: Core;
  demo: boolean;
  cacheDir: string;
  close(): Promise<void>;
}

/** FEISHU_DEMO_LATENCY_MS overrides the demo tenant's latency (tests set 0). */
function demoLatency(env: NodeJS.ProcessEnv): number | undefined {
  const latency = Number(env.FEISHU_DEMO_LATENCY_MS);
  return env.FEISHU_DEMO_LATENCY_MS && Number.isFinite(latency) && latency >= 0 ? latency : undefined;
}

export async function openSession(flags: ConnectionFlags, reporter: Reporter, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  const cacheRoot = flags.cacheDir ?? defaultCacheRoot(env);
  const demo = Boolean(flags.demo);
  const cacheDir = photoCacheDir(cacheRoot, demo);

  if (demo) {
    if (flags.appId || flags.appSecret || flags.baseUrl) reporter.warn('--demo ignores --app-id, --app-secret and --base-url.');
    // Loaded only for demo runs: a real export never carries the simulator.
    const { startDemoTenant } = await import('../simulator/demo');
    const latencyMs = demoLatency(env);
    // Everyone in range: an employee outside it makes `export --all` exit 2, and a first try should succeed.
    const sim = await startDemoTenant({ outOfRange: false, ...(latencyMs === undefined ? {} : { latencyMs }) });
    reporter.hide(sim.appSecret);
    const core = createCore({ baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, cacheDir });
    return sessionOf(core, demo, cacheDir, () => sim.close());
  }

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

  const dispatcher = dispatcherFromEnv(env);
  const core = createCore({ baseUrl: resolveBaseUrl(base.data), appId, appSecret, cacheDir, dispatcher });
  return sessionOf(core, demo, cacheDir);
}

/** close() ends the core, then whatever else the session started (the demo's simulator); it never throws. */
function sessionOf(core: Core, demo: boolean, cacheDir: string, alsoClose?: () => Promise<void>): Session {
  return {
    core,
    demo,
    cacheDir,
    close: async () => {
      await core.close().catch(() => undefined);
      await alsoClose?.().catch(() => undefined);
    },
  };
}
