// The app's remembered directory through the harness's API: the demo tenant's directory is remembered (sealed)
// after its first read, another tenant (even on the same server) never sees it, Settings → clear cache removes it,
// and where the OS cannot protect a key (photos in memory only) nothing is written at all.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { EmployeePage } from '../../shared/model';
import { WIRE, fromWire, toWire } from '../../shared/wire';
import { type Harness, startHarness } from './harness';
import { HARNESS_KEY_HEADER } from './harness-access';
import { createLogger } from './redact';

let h: Harness;
let root: string;
const snapshots = () => join(root, 'cache', 'snapshots');
const files = (dir = snapshots()) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.enc') && !n.endsWith('.index.enc')) : []);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fa-snapshot-'));
  h = await startHarness({
    exportDir: join(root, 'exports'),
    cacheDir: join(root, 'cache'),
    simulator: { seed: 2, employees: 60, rateLimitPerSecond: 5000 },
    testEndpoints: true,
    log: createLogger({ sink: () => {} }),
  });
});

afterAll(async () => {
  await h?.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(key: string, req?: unknown, on: Harness = h): Promise<T> {
  const res = await fetch(`${on.origin}${WIRE.call}/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HARNESS_KEY_HEADER]: on.key },
    body: toWire({ request: req }),
  });
  const result = fromWire(await res.text()) as Result<T>;
  if (!result.ok) throw new Error(`${key}: ${result.error.code}`);
  return result.data;
}

const everyone = (on: Harness = h) => call<EmployeePage>('employees', { filter: { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, offset: 0, limit: 10 }, on);

describe('the remembered directory in the app', { timeout: 60_000 }, () => {
  it('is remembered after the first read, shown on the next start with its age, and never to another tenant', async () => {
    await call('demoStart');
    expect((await everyone()).remembered).toBeUndefined();
    await expect.poll(files).toHaveLength(1);

    await call('credentialsClear'); // leave the demo
    // A slower network, so that the background read cannot end (on a loaded machine) before the first page is asked.
    h.sim.switches.latencyMs = 1500;
    await call('demoStart'); // and start it again: the remembered directory, being read again
    const again = await everyone();
    h.sim.switches.latencyMs = 0;
    expect(again.remembered).toMatchObject({ refreshing: expect.any(Boolean) });
    expect(again.remembered!.takenAt).toBeLessThanOrEqual(Date.now());
    await expect.poll(async () => (await everyone()).remembered, { timeout: 30_000 }).toBeUndefined();

    // The same server signed in as a custom-URL tenant is another tenant: nothing remembered for it.
    await call('credentialsSet', { baseUrl: h.sim.url, appId: h.sim.appId, appSecret: h.sim.appSecret });
    expect((await everyone()).remembered).toBeUndefined();
    await call('credentialsClear');
  });

  it('Settings → clear cache removes every remembered directory', async () => {
    await call('demoStart');
    await everyone();
    await expect.poll(files).not.toHaveLength(0);
    await call('cacheClear');
    expect(files()).toEqual([]);
    await call('credentialsClear');
    await call('demoStart');
    expect((await everyone()).remembered).toBeUndefined();
  });

  it('is neither written nor read where the OS cannot protect a key (photos kept in memory only)', async () => {
    const dir = join(root, 'no-keychain');
    const start = () =>
      startHarness({
        exportDir: join(dir, 'exports'),
        cacheDir: join(dir, 'cache'),
        encryption: 'basic_text',
        simulator: { seed: 2, employees: 60, rateLimitPerSecond: 5000 },
        log: createLogger({ sink: () => {} }),
      });
    // A plain snapshot an older version left there: names in clear, which this mode must not keep either.
    const older = join(dir, 'cache', 'snapshots', `directory-${'a'.repeat(32)}.json`);
    mkdirSync(dirname(older), { recursive: true });
    writeFileSync(older, JSON.stringify({ users: [{ user_id: 'u1', name: '梁军' }] }));
    let other = await start();
    try {
      await call('demoStart', undefined, other);
      await expect.poll(() => existsSync(older)).toBe(false);
      expect((await everyone(other)).total).toBeGreaterThan(0);
      await call('credentialsClear', undefined, other); // closing the session is when a snapshot would be written
      await other.close();
      other = await start(); // the app started again on the same computer
      await call('demoStart', undefined, other);
      expect((await everyone(other)).remembered).toBeUndefined();
      expect(existsSync(join(dir, 'cache', 'snapshots')) ? readdirSync(join(dir, 'cache', 'snapshots')) : []).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
