// The one way app and CLI open a tenant: the demo never goes through a proxy and has its own cache, a failed
// credential check closes everything it opened, and close() ends the demo tenant only when the session owns it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { ephemeralKey } from './at-rest/envelope';
import { createCore } from './index';
import { openTenantSession, type SessionSetup } from './session';
import type { Core, CoreOptions } from './types';

let sim: Simulator;
let root: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, employees: 10, rateLimitPerSecond: 5000 });
  root = mkdtempSync(join(tmpdir(), 'fa-session-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

function setup(overrides: Partial<SessionSetup> = {}) {
  const built: { opts: CoreOptions; core: Core; closed: boolean }[] = [];
  const demoClosed = vi.fn(async () => {});
  const s: SessionSetup = {
    cacheDir: join(root, 'tenant'),
    demoCacheDir: join(root, 'demo'),
    dispatcher: vi.fn(() => undefined),
    startDemo: async () => ({ url: sim.url, appId: sim.appId, appSecret: sim.appSecret, close: demoClosed }),
    hide: vi.fn(),
    createCore: (opts) => {
      const core = createCore({ ...opts, client: { maxAttempts: 1 } });
      const entry = { opts, core, closed: false };
      built.push(entry);
      const close = core.close.bind(core);
      core.close = async () => {
        entry.closed = true;
        await close();
      };
      return core;
    },
    ...overrides,
  };
  return { s, built, demoClosed };
}

describe('openTenantSession', () => {
  it('opens the demo on its own cache without a proxy, hides its secret, and closes the demo it started', async () => {
    const { s, built, demoClosed } = setup();
    const session = await openTenantSession({ demo: true }, s, { verify: true });
    expect(session).toMatchObject({ demo: true, cacheDir: join(root, 'demo') });
    expect(s.dispatcher).not.toHaveBeenCalled();
    expect(built[0]!.opts.dispatcher).toBeUndefined();
    expect(s.hide).toHaveBeenCalledWith(sim.appSecret);
    await session.close();
    expect(built[0]!.closed).toBe(true);
    expect(demoClosed).toHaveBeenCalledTimes(1);
  });

  it('asks for the proxy of a real tenant and uses its cache', async () => {
    const { s } = setup();
    const session = await openTenantSession({ demo: false, creds: { baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret } }, s, { verify: true });
    expect(s.dispatcher).toHaveBeenCalledWith(sim.url);
    expect(session).toMatchObject({ demo: false, cacheDir: join(root, 'tenant') });
    await session.close();
  });

  it('the app signs in without waiting for the remembered directory, whose first page then asks nothing of the directory', async () => {
    const keys = ephemeralKey();
    const remember = { dir: join(root, 'snapshots'), refreshInBackground: true };
    const first = await openTenantSession({ demo: true }, setup({ remember, photoCache: { kind: 'encrypted', keys } }).s, { verify: true });
    // A department of this tenant has nobody in it: never asked for its members, known to be empty, remembered too.
    await first.core.directory.employees({ kind: 'all' });
    await first.close(); // waits for the snapshot

    // The next start reads a snapshot that takes its time (a large tenant, a loaded machine).
    let release!: () => void;
    const readable = new Promise<void>((r) => (release = r));
    const { s } = setup({ remember, photoCache: { kind: 'encrypted', keys } });
    const build = s.createCore!;
    s.createCore = (opts) => {
      const store = opts.snapshots!.store;
      return build({ ...opts, snapshots: { ...opts.snapshots!, store: { ...store, read: async (key, part) => (await readable, store.read(key, part)) } } });
    };
    const signedIn = openTenantSession({ demo: true }, s, { verify: true });
    const answered = await Promise.race([signedIn.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
    release();
    expect(answered).toBe(true);
    const session = await signedIn;
    sim.resetStats();
    const page = await session.core.employeePage({ scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false }, 0, 5);
    expect(page.remembered).toMatchObject({ refreshing: true });
    expect(page.total).toBe(sim.tenant.users.filter((u) => !u.status.is_resigned).length);
    expect(sim.stats().requests['users.find_by_department'] ?? 0).toBe(0);
    await session.close();
  });

  it('a wrong secret fails the check with auth.bad_secret and leaves no engine open', async () => {
    const { s, built } = setup();
    const opening = openTenantSession({ demo: false, creds: { baseUrl: sim.url, appId: sim.appId, appSecret: 'wrong' } }, s, { verify: true });
    await expect(opening).rejects.toMatchObject({ info: { code: 'auth.bad_secret' } });
    expect(built[0]!.closed).toBe(true);
  });
});
