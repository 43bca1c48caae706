// Issue #8, defect 1, on the app side: an export whose downloads fail with a Feishu msg that echoes the
// bearer token and the app secret sends neither to the window (progress, summary, answers) nor to the log.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/errors';
import type { EventKey } from '../../shared/ipc';
import { SettingsSchema, type ExportSummary, type Settings } from '../../shared/model';
import { toWire } from '../../shared/wire';
import { createCore } from '../core/index';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { createDispatch } from './dispatch';
import { createHandlers, type AppHandlers } from './handlers';
import type { AppHost, StoredCredentials } from './host';
import { createLogger } from './redact';

const SECRET = 'Handler-Echo-S3cret-77c1';

let sim: Simulator;
let handlers: AppHandlers;
let root: string;
let logs: string[];
let responses: string[];
let emitted: { event: EventKey; payload: unknown }[];

beforeEach(async () => {
  sim = await startSimulator({ seed: 5, employees: 30, appSecret: SECRET, rateLimitPerSecond: 5000 });
  root = mkdtempSync(join(tmpdir(), 'fa-redact-'));
  logs = [];
  responses = [];
  emitted = [];
  let vault: StoredCredentials | null = null;
  let settings: Settings = SettingsSchema.parse({});
  const host: AppHost = {
    vault: {
      get: async () => (vault ? { ...vault, persisted: true } : null),
      set: async (c) => {
        vault = c;
        return { persisted: true };
      },
      clear: async () => {
        vault = null;
      },
      encryption: () => 'available',
    },
    settings: {
      get: () => settings,
      patch: (p) => (settings = SettingsSchema.parse({ ...settings, ...p })),
      setLastFolder: (f) => (settings = { ...settings, lastFolder: f }),
    },
    chooseFolder: vi.fn(async () => {
      mkdirSync(join(root, 'exports'), { recursive: true });
      return join(root, 'exports');
    }),
    chooseSavePath: vi.fn(async (name: string) => join(root, name)),
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: (event, payload) => emitted.push({ event, payload }),
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    dataDir: join(root, 'data'),
    startDemo: vi.fn(async () => {
      throw new Error('no demo here');
    }),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'en-US', harness: false },
    log: createLogger({ sink: (l) => logs.push(l), level: 'debug' }),
  };
  handlers = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
});

afterEach(async () => {
  await handlers.dispose();
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(key: string, payload?: unknown): Promise<T> {
  const r = (await createDispatch(handlers, { log: createLogger({ sink: (l) => logs.push(l) }) })(key, payload)) as Result<T>;
  responses.push(toWire(r));
  if (!r.ok) throw new Error(`${key}: ${r.error.code}`);
  return r.data;
}

/** Every file under dir as text (manifest, cache index and photos). */
function filesText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('export events when Feishu echoes the credentials', () => {
  it('progress, summary, answers, log lines and files carry neither the issued tokens nor the app secret', async () => {
    await call('credentialsSet', { baseUrl: sim.url, appId: sim.appId, appSecret: SECRET });
    sim.switches.echoCredentialsOn.add('files.download');
    await call('exportChooseFolder', {});
    const ids = [...sim.tenant.faces.keys()].filter((id) => !sim.tenant.users.find((u) => u.user_id === id)!.status.is_resigned).slice(0, 5);
    const { jobId } = await call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids }, options: {} });
    await vi.waitFor(() => {
      if (!emitted.some((e) => e.event === 'exportDone')) throw new Error('not yet');
    }, { timeout: 20_000, interval: 20 });
    const summary = emitted.find((e) => e.event === 'exportDone')!.payload as ExportSummary;
    expect(summary).toMatchObject({ jobId, failed: 5 });
    // What Feishu said still reaches the admin, minus the credentials.
    expect(summary.failures[0]!.error.feishuMsg).toMatch(/Authorization=Bearer \*\*\*/);
    expect(emitted.some((e) => e.event === 'exportProgress')).toBe(true);

    const everything = [...logs, ...responses, ...emitted.map((e) => toWire(e.payload)), filesText(root)].join('\n');
    const secrets = [...sim.issuedTokens(), SECRET];
    expect(sim.issuedTokens().length).toBeGreaterThan(0);
    expect(secrets.filter((s) => everything.includes(s))).toEqual([]);
  });
});
