// The photo cache as the app's Settings sees it: encrypted on disk, or in memory where the OS cannot protect a
// key (and the status says so), and the retention setting applied to the signed-in tenant.
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsSchema, type BaseUrl, type Settings } from '../../shared/model';
import { ephemeralKey } from '../core/at-rest/envelope';
import { createCore } from '../core/index';
import type { PhotoCacheMode } from '../core/types';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { createHandlers, type AppHandlers } from './handlers';
import type { AppHost } from './host';
import { createLogger } from './redact';

let sim: Simulator | null = null;
let root = '';
let handlers: AppHandlers | null = null;

async function open(photoCache: PhotoCacheMode) {
  sim = await startSimulator({ seed: 12, employees: 20, rateLimitPerSecond: 5000 });
  root = mkdtempSync(join(tmpdir(), 'fa-photo-cache-'));
  const creds = { baseUrl: sim.url as BaseUrl, appId: sim.appId, appSecret: sim.appSecret };
  let settings: Settings = SettingsSchema.parse({});
  const host: AppHost = {
    vault: { get: async () => null, set: async () => ({ persisted: true }), clear: async () => {}, encryption: () => 'available' },
    settings: { get: () => settings, patch: (p) => (settings = SettingsSchema.parse({ ...settings, ...p })), setLastFolder: () => {} },
    chooseFolder: vi.fn(async () => null),
    chooseSavePath: vi.fn(async () => null),
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: () => {},
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    dataDir: root,
    photoCache,
    startDemo: vi.fn(async () => ({ url: sim!.url, appId: sim!.appId, appSecret: sim!.appSecret })),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'zh-CN', harness: false },
    log: createLogger({ sink: () => {}, level: 'error' }),
  };
  const h = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
  handlers = h;
  const faceKey = [...sim.tenant.faces.values()][0]!.face_key;
  return { h, creds, faceKey, cacheDir: host.cacheDir };
}

afterEach(async () => {
  await handlers?.dispose();
  await sim?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  handlers = null;
  sim = null;
});

describe('photo cache in the app', () => {
  it('where the OS cannot protect a key: the status says photos stay in memory, and none reaches the disk', async () => {
    const { h, creds, faceKey, cacheDir } = await open({ kind: 'memory' });
    expect(await h.credentialsSet(creds)).toMatchObject({ configured: true, photoCacheInMemory: true });
    await h.photo({ faceKey });
    expect(await h.cacheInfo(undefined)).toMatchObject({ files: 1 });
    expect(() => readdirSync(cacheDir)).toThrow(); // the folder is never even made
  });

  it('keeps photos sealed on disk otherwise, and a shorter retention removes the ones unused for longer at the next sign-in', async () => {
    const { h, creds, faceKey, cacheDir } = await open({ kind: 'encrypted', keys: ephemeralKey() });
    expect(await h.credentialsSet(creds)).toMatchObject({ photoCacheInMemory: false });
    await h.photo({ faceKey });
    const [file] = readdirSync(cacheDir);
    expect(file).toMatch(/\.enc$/);
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 60 * 60 * 1000);
    utimesSync(join(cacheDir, file!), tenDaysAgo, tenDaysAgo);
    expect(await h.settingsSet({ cacheRetentionDays: 5 })).toMatchObject({ cacheRetentionDays: 5 });
    await h.credentialsSet(creds); // a new session reads the folder afresh
    expect(await h.cacheInfo(undefined)).toMatchObject({ files: 0 });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
