// The app's remembered directory through the harness's API: the demo tenant's directory is remembered after its
// first read, another tenant (even on the same server) never sees it, and Settings → clear cache removes it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const files = () => (existsSync(snapshots()) ? readdirSync(snapshots()).filter((n) => n.endsWith('.json') && !n.endsWith('.index.json')) : []);

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

async function call<T>(key: string, req?: unknown): Promise<T> {
  const res = await fetch(`${h.origin}${WIRE.call}/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HARNESS_KEY_HEADER]: h.key },
    body: toWire({ request: req }),
  });
  const result = fromWire(await res.text()) as Result<T>;
  if (!result.ok) throw new Error(`${key}: ${result.error.code}`);
  return result.data;
}

const everyone = () => call<EmployeePage>('employees', { filter: { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, offset: 0, limit: 10 });

describe('the remembered directory in the app', { timeout: 60_000 }, () => {
  it('is remembered after the first read, shown on the next start with its age, and never to another tenant', async () => {
    await call('demoStart');
    expect((await everyone()).remembered).toBeUndefined();
    await expect.poll(files).toHaveLength(1);

    await call('credentialsClear'); // leave the demo
    await call('demoStart'); // and start it again: the remembered directory, being read again
    const again = await everyone();
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
});
