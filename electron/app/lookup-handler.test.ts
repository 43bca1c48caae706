// The header lookup: an id, e-mail or mobile typed by the admin is answered without reading the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SettingsSchema, type BaseUrl } from '../../shared/model';
import { createCore } from '../core/index';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { createHandlers, type AppHandlers } from './handlers';
import type { AppHost } from './host';
import { createLogger } from './redact';

let sim: Simulator;
let root: string;
let handlers: AppHandlers;

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, employees: 3000, rateLimitPerSecond: 5000 });
  root = mkdtempSync(join(tmpdir(), 'fa-lookup-'));
  const creds = { baseUrl: sim.url as BaseUrl, appId: sim.appId, appSecret: sim.appSecret, persisted: true };
  const host: AppHost = {
    vault: { get: async () => creds, set: async () => ({ persisted: true }), clear: async () => {}, encryption: () => 'available' },
    settings: { get: () => SettingsSchema.parse({}), patch: () => SettingsSchema.parse({}), setLastFolder: () => {} },
    chooseFolder: vi.fn(async () => null),
    chooseSavePath: vi.fn(async () => null),
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: () => {},
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    dataDir: join(root, 'data'),
    startDemo: vi.fn(async () => ({ url: sim.url, appId: sim.appId, appSecret: sim.appSecret })),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'zh-CN', harness: false },
    log: createLogger({ sink: () => {}, level: 'error' }),
  };
  handlers = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
});
afterAll(async () => {
  await handlers.dispose();
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

describe('header lookup', () => {
  it('finds an employee by user_id, e-mail or mobile with its face status, reading no department', async () => {
    const u = sim.tenant.users.find((x) => !x.status.is_resigned && sim.tenant.faces.has(x.user_id))!;
    for (const query of [u.user_id, u.email, u.mobile]) {
      sim.resetStats();
      const rows = await handlers.lookup({ query, limit: 10 });
      expect(rows.map((r) => [r.userId, r.name, r.face.enrolled])).toEqual([[u.user_id, u.name, true]]);
      expect(sim.stats().requests['users.find_by_department'] ?? 0).toBe(0);
      expect(sim.stats().requests['departments.children'] ?? 0).toBe(0);
    }
  });

  it('still searches the directory for a name', async () => {
    const u = sim.tenant.users.find((x) => !x.status.is_resigned)!;
    const rows = await handlers.lookup({ query: u.name, limit: 50 });
    expect(rows.some((r) => r.userId === u.user_id)).toBe(true);
  });
});
