import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/errors';
import type { EventKey, ResponseOf } from '../../shared/ipc';
import { SettingsSchema, type EmployeeRow, type ExportSummary, type Settings } from '../../shared/model';
import { toWire } from '../../shared/wire';
import { createCore } from '../core/index';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { createDispatch } from './dispatch';
import { KEEP_FINISHED_JOBS } from './export-jobs';
import { type AppHandlers, createHandlers, maskAppId } from './handlers';
import type { AppHost, EncryptionState, StoredCredentials } from './host';
import { createLogger } from './redact';

const SECRET = 'Sup3r-S3cret-Value-9876';

interface Rig {
  sim: Simulator;
  demo: Simulator;
  host: AppHost;
  handlers: AppHandlers;
  call: <T = unknown>(key: string, payload?: unknown) => Promise<Result<T>>;
  logs: string[];
  /** Every dispatch answer, as it would cross the wire. */
  responses: string[];
  emitted: { event: EventKey; payload: unknown }[];
  stored: StoredCredentials[];
  exportDir: string;
  root: string;
  close(): Promise<void>;
}

async function rig(opts: { encryption?: EncryptionState } = {}): Promise<Rig> {
  const sim = await startSimulator({ seed: 3, employees: 60, appSecret: SECRET, appId: 'cli_a1b2c3d4e5f6g7h8', rateLimitPerSecond: 5000 });
  const demo = await startSimulator({ seed: 4, employees: 30, rateLimitPerSecond: 5000 });
  const root = mkdtempSync(join(tmpdir(), 'fa-handlers-'));
  const exportDir = join(root, 'exports');
  const logs: string[] = [];
  const emitted: Rig['emitted'] = [];
  const stored: StoredCredentials[] = [];
  let vaultCreds: StoredCredentials | null = null;
  let settings: Settings = SettingsSchema.parse({});
  const encryption = opts.encryption ?? 'available';
  const host: AppHost = {
    vault: {
      get: async () => (vaultCreds ? { ...vaultCreds, persisted: encryption === 'available' } : null),
      set: async (c) => {
        stored.push(c);
        vaultCreds = c;
        return { persisted: encryption === 'available' };
      },
      clear: async () => {
        vaultCreds = null;
      },
      encryption: () => encryption,
    },
    settings: {
      get: () => settings,
      patch: (p) => (settings = SettingsSchema.parse({ ...settings, ...p })),
      setLastFolder: (f) => (settings = { ...settings, lastFolder: f }),
    },
    chooseFolder: vi.fn(async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(exportDir, { recursive: true });
      return exportDir;
    }),
    chooseSavePath: vi.fn(async (name: string) => join(root, name)),
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: (event, payload) => emitted.push({ event, payload }),
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    dataDir: join(root, 'data'),
    startDemo: vi.fn(async () => ({ url: demo.url, appId: demo.appId, appSecret: demo.appSecret })),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'zh-CN', harness: false },
    log: createLogger({ sink: (l) => logs.push(l), level: 'debug' }),
  };
  // Loopback speed: keep retries short so failure tests finish quickly.
  const handlers = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
  const dispatch = createDispatch(handlers, { log: host.log });
  const responses: string[] = [];
  const call = async <T,>(key: string, payload?: unknown) => {
    const r = await dispatch(key, payload);
    responses.push(toWire(r));
    return r as Result<T>;
  };
  return {
    sim,
    demo,
    host,
    handlers,
    call,
    logs,
    responses,
    emitted,
    stored,
    exportDir,
    root,
    async close() {
      await handlers.dispose();
      await sim.close();
      await demo.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function data<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

async function waitForDone(r: Rig, jobId: string): Promise<ExportSummary> {
  await vi.waitFor(
    () => {
      if (!r.emitted.some((e) => e.event === 'exportDone' && (e.payload as ExportSummary).jobId === jobId)) throw new Error('not yet');
    },
    { timeout: 20_000, interval: 20 },
  );
  return r.emitted.find((e) => e.event === 'exportDone' && (e.payload as ExportSummary).jobId === jobId)!.payload as ExportSummary;
}

const ALL = { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false };

/**
 * A page of the employee list once the directory is read: the first pages may come while the walk is still going
 * (partial rows, `loading` set), and on a busy machine they do. Asks again, as the app does, until complete.
 */
async function settledPage(r: Rig, filter: typeof ALL | Record<string, unknown>, limit?: number): Promise<ResponseOf<'employees'>> {
  for (let i = 0; ; i++) {
    const page = data(await r.call<ResponseOf<'employees'>>('employees', { filter, ...(limit ? { limit } : {}) }));
    if (!page.loading || i >= 100) return page;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const custom = (r: Rig, secret = SECRET) => ({ baseUrl: r.sim.url, appId: r.sim.appId, appSecret: secret });

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(async () => {
  await r.close();
});

describe('handlers over the simulated tenant', () => {
  it('asks to sign in before anything else', async () => {
    expect(data(await r.call('credentialsStatus'))).toMatchObject({ configured: false, appIdMasked: null });
    expect(await r.call('departments')).toMatchObject({ ok: false, error: { code: 'auth.not_configured' } });
  });

  it('verifies credentials before storing them; a wrong secret stores nothing', async () => {
    const bad = await r.call('credentialsSet', custom(r, 'wrong-secret-123'));
    expect(bad).toMatchObject({ ok: false, error: { code: 'auth.bad_secret' } });
    expect(r.stored).toHaveLength(0);
    expect(data(await r.call('credentialsStatus'))).toMatchObject({ configured: false });

    const status = data(await r.call<ResponseOf<'credentialsSet'>>('credentialsSet', custom(r)));
    expect(status).toEqual({
      configured: true,
      demo: false,
      baseUrl: r.sim.url,
      appIdMasked: 'cli_a1b2****g7h8',
      persisted: true,
      encryption: 'available',
      photoCacheInMemory: false,
    });
    expect(r.stored).toHaveLength(1);
    // A later wrong secret keeps the working sign-in.
    await r.call('credentialsSet', custom(r, 'wrong-again-456'));
    expect(r.stored).toHaveLength(1);
    expect(data(await r.call('credentialsStatus'))).toMatchObject({ configured: true });
  });

  it('tests credentials without storing them', async () => {
    expect(data(await r.call('credentialsTest', custom(r)))).toEqual({ ok: true });
    expect(r.stored).toHaveLength(0);
    expect(await r.call('credentialsTest', custom(r, 'nope-nope'))).toMatchObject({ ok: false, error: { code: 'auth.bad_secret' } });
  });

  it('starts the demo tenant without touching the vault, and signs out', async () => {
    const status = data(await r.call<ResponseOf<'demoStart'>>('demoStart'));
    expect(status).toMatchObject({ configured: true, demo: true, baseUrl: null, persisted: false });
    expect(r.stored).toHaveLength(0);
    expect((await settledPage(r, ALL)).total).toBeGreaterThan(0);
    expect(data(await r.call('credentialsClear'))).toMatchObject({ configured: false, demo: false });
    expect(await r.call('groups')).toMatchObject({ ok: false, error: { code: 'auth.not_configured' } });
  });

  it('leaving the demo returns to the stored tenant and keeps its credentials', async () => {
    data(await r.call('credentialsSet', custom(r)));
    expect(data(await r.call('demoStart'))).toMatchObject({ demo: true });
    expect(data(await r.call('credentialsClear'))).toMatchObject({ configured: true, demo: false, baseUrl: r.sim.url });
    expect(await r.host.vault.get()).toMatchObject({ appId: r.sim.appId });
    // Signing out of the real tenant forgets it.
    expect(data(await r.call('credentialsClear'))).toMatchObject({ configured: false });
    expect(await r.host.vault.get()).toBeNull();
  });

  it('reports a secret kept for this run only when the OS cannot encrypt', async () => {
    await r.close();
    r = await rig({ encryption: 'basic_text' });
    expect(data(await r.call('credentialsSet', custom(r)))).toMatchObject({ configured: true, persisted: false, encryption: 'basic_text' });
  });

  it('restores the stored sign-in on first use', async () => {
    await r.call('credentialsSet', custom(r));
    // A second application layer on the same vault = the app restarted.
    const again = createHandlers(r.host);
    try {
      expect(await again.credentialsStatus(undefined)).toMatchObject({ configured: true, appIdMasked: maskAppId(r.sim.appId) });
      expect((await again.groups(undefined)).length).toBeGreaterThan(0);
    } finally {
      await again.dispose();
    }
  });

  it('warm-up restores the stored sign-in as the window opens, before the first question', async () => {
    await r.call('credentialsSet', custom(r));
    const vaultGet = vi.spyOn(r.host.vault, 'get');
    const again = createHandlers(r.host);
    try {
      again.warmUp();
      await vi.waitFor(() => expect(vaultGet).toHaveBeenCalledTimes(1));
      // The first question finds it restored, and reading the vault once was enough.
      expect(await again.credentialsStatus(undefined)).toMatchObject({ configured: true, demo: false });
      expect(vaultGet).toHaveBeenCalledTimes(1);
    } finally {
      vaultGet.mockRestore();
      await again.dispose();
    }
  });

  it('a sign-in made while the warm-up restore is still opening the stored tenant wins', async () => {
    await r.call('credentialsSet', custom(r));
    // Opening the stored tenant hangs on its proxy lookup (the vault has answered): the admin starts the demo meanwhile.
    let answer!: () => void;
    const late = new Promise<void>((res) => (answer = res));
    let asked = false;
    r.host.dispatcher = async () => {
      asked = true;
      await late;
      return undefined;
    };
    const again = createHandlers(r.host);
    try {
      again.warmUp();
      await vi.waitFor(() => expect(asked).toBe(true));
      expect(await again.demoStart(undefined)).toMatchObject({ configured: true, demo: true });
      answer();
      await new Promise((res) => setTimeout(res, 300));
      expect(await again.credentialsStatus(undefined)).toMatchObject({ configured: true, demo: true });
    } finally {
      delete r.host.dispatcher;
      await again.dispose();
    }
  });

  it('browses, previews and exports without a secret or token in any response or log line', async () => {
    data(await r.call('credentialsSet', custom(r)));
    const tree = data(await r.call<unknown[]>('departments'));
    expect(tree.length).toBeGreaterThan(0);
    expect(data(await r.call<unknown[]>('groups')).length).toBeGreaterThan(0);
    const page = await settledPage(r, { ...ALL, photo: 'with' }, 10);
    expect(page.rows).toHaveLength(10);
    const first = page.rows[0]!;
    expect(data(await r.call<EmployeeRow>('employee', { userId: first.userId })).userId).toBe(first.userId);
    expect(data(await r.call<EmployeeRow[]>('lookup', { query: first.name })).some((e) => e.userId === first.userId)).toBe(true);
    const faces = data(await r.call<ResponseOf<'faceRefresh'>>('faceRefresh', { userIds: [first.userId] }));
    expect(faces[first.userId]).toMatchObject({ enrolled: true, faceKey: first.face.faceKey });

    const photo = data(await r.call<ResponseOf<'photo'>>('photo', { faceKey: first.face.faceKey }));
    expect(Buffer.from(photo.bytes).equals(Buffer.from(r.sim.photoBytes(first.face.faceKey!)!))).toBe(true);

    const saved = data(await r.call<{ path: string }>('photoSave', { userId: first.userId }));
    expect(readFileSync(saved.path).equals(Buffer.from(photo.bytes))).toBe(true);
    const choose = vi.mocked(r.host.chooseSavePath);
    expect(choose.mock.calls.at(-1)![0]).toMatch(/\.(jpg|png|gif|webp|bmp)$/);
    // The admin removed the extension in the dialog and "<name>.jpg" exists: never overwrite it unasked.
    const ext = extname(saved.path);
    choose.mockResolvedValueOnce(saved.path.slice(0, -ext.length));
    writeFileSync(saved.path, 'keep me');
    const bare = data(await r.call<{ path: string }>('photoSave', { userId: first.userId }));
    expect(bare.path).toBe(saved.path.slice(0, -ext.length));
    expect(readFileSync(saved.path, 'utf8')).toBe('keep me');
    // Removed and no such file: the extension is added back.
    rmSync(saved.path);
    choose.mockResolvedValueOnce(saved.path.slice(0, -ext.length));
    expect(data(await r.call<{ path: string }>('photoSave', { userId: first.userId })).path).toBe(saved.path);

    expect(await r.call('exportStart', { selection: { kind: 'ids', userIds: [first.userId] }, options: {} })).toMatchObject({
      ok: false,
      error: { code: 'fs.not_writable' },
    });
    expect(data(await r.call('exportChooseFolder', {}))).toEqual({ folder: r.exportDir });
    const ids = page.rows.slice(0, 3).map((e) => e.userId);
    const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids }, options: {} }));
    const summary = await waitForDone(r, jobId);
    expect(summary).toMatchObject({ total: 3, saved: 3, failed: 0, outDir: r.exportDir });
    expect(existsSync(join(r.exportDir, 'manifest.csv'))).toBe(true);
    expect(readdirSync(r.exportDir).filter((f) => /\.(jpe?g|png)$/.test(f))).toHaveLength(3);
    expect(r.emitted.some((e) => e.event === 'exportProgress' && (e.payload as { jobId: string }).jobId === jobId)).toBe(true);
    expect(data(await r.call('exportCurrent'))).toMatchObject({ summary: { jobId } });
    data(await r.call('exportShowInFolder', { jobId }));
    data(await r.call('exportOpenManifest', { jobId }));
    expect(r.host.openPath).toHaveBeenCalledWith(summary.manifestPath);

    // The token the tenant issued to this app, straight from the simulator.
    const tokenRes = await fetch(`${r.sim.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: r.sim.appId, app_secret: SECRET }),
    });
    const token = ((await tokenRes.json()) as { tenant_access_token: string }).tenant_access_token;
    expect(token).toMatch(/^t-/);
    const everything = [...r.logs, ...r.responses, ...r.emitted.map((e) => toWire(e.payload))].join('\n');
    expect(r.logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/\bt-g[0-9a-f]{12}/);
    expect(everything).not.toMatch(/Bearer\s+t-/);
  });

  it('names a saved photo by the export rules: a hostile name never becomes a hidden file', async () => {
    const u = r.sim.tenant.users.find((x) => r.sim.tenant.faces.has(x.user_id) && !x.status.is_resigned)!;
    u.name = '....李四';
    u.employee_no = 'E00028';
    data(await r.call('credentialsSet', custom(r)));
    const saved = data(await r.call<{ path: string }>('photoSave', { userId: u.user_id }));
    expect(vi.mocked(r.host.chooseSavePath).mock.calls.at(-1)![0]).toBe('李四_E00028.jpg');
    expect(saved.path).toBe(join(r.root, '李四_E00028.jpg'));
  });

  it('runs one export at a time, retries the failed employees into the same folder', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('exportChooseFolder', {}));
    const rows = (await settledPage(r, { ...ALL, photo: 'with' }, 4)).rows;
    const broken = rows[0]!;
    r.sim.switches.failingFaceKeys = new Set([broken.face.faceKey!]);
    r.sim.switches.latencyMs = 30;
    const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: rows.map((e) => e.userId) }, options: {} }));
    expect(await r.call('exportStart', { selection: { kind: 'ids', userIds: [rows[1]!.userId] }, options: {} })).toMatchObject({
      ok: false,
      error: { code: 'export.busy' },
    });
    const first = await waitForDone(r, jobId);
    expect(first.failed).toBe(1);
    expect(first.failures[0]!.userId).toBe(broken.userId);

    r.sim.switches.failingFaceKeys = new Set();
    r.sim.switches.latencyMs = 0;
    const retry = data(await r.call<{ jobId: string }>('exportRetryFailed', { jobId }));
    expect(retry.jobId).not.toBe(jobId);
    const second = await waitForDone(r, retry.jobId);
    expect(second).toMatchObject({ total: 1, saved: 1, failed: 0, outDir: first.outDir });
    expect(await r.call('exportRetryFailed', { jobId: 'no-such-job' })).toMatchObject({ ok: false, error: { code: 'export.not_found' } });
  });

  it('a retry of the failures keeps the no-photo rows in manifest.csv, and its summary counts the whole manifest', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('exportChooseFolder', {}));
    const withPhoto = (await settledPage(r, { ...ALL, photo: 'with' }, 5)).rows;
    const without = (await settledPage(r, { ...ALL, photo: 'without' }, 3)).rows;
    expect(without.length).toBeGreaterThan(0);
    const broken = withPhoto[0]!;
    r.sim.switches.failingFaceKeys = new Set([broken.face.faceKey!]);
    const userIds = [...withPhoto, ...without].map((e) => e.userId);
    const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds }, options: {} }));
    const first = await waitForDone(r, jobId);
    expect(first).toMatchObject({ failed: 1, noPhoto: without.length });

    r.sim.switches.failingFaceKeys = new Set();
    const retry = data(await r.call<{ jobId: string }>('exportRetryFailed', { jobId }));
    const second = await waitForDone(r, retry.jobId);
    expect(second).toMatchObject({ total: 1, saved: 1, failed: 0 });
    const csv = readFileSync(second.manifestPath, 'utf8').trim().split(/\r\n/).slice(1);
    expect(csv).toHaveLength(userIds.length);
    for (const e of without) expect(csv.find((line) => line.startsWith(`${e.userId},`))).toContain(',no_photo,');
    expect(second.manifestTotals).toEqual({ rows: userIds.length, photos: withPhoto.length, noPhoto: without.length, failed: 0, notProcessed: 0 });
  });

  it('exports everyone in a filter except the employees the admin unticked', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('exportChooseFolder', {}));
    const filter = { ...ALL, photo: 'with' };
    const everyone = data(await r.call<string[]>('employeeIds', { filter }));
    const unticked = everyone.slice(0, 2);
    const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'filter', filter, except: unticked }, options: {} }));
    const summary = await waitForDone(r, jobId);
    expect(summary.total).toBe(everyone.length - 2);
    expect(summary.saved + summary.upToDate).toBe(everyone.length - 2);
  });

  it('cancels a running export', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('exportChooseFolder', {}));
    r.sim.switches.latencyMs = 100;
    const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'filter', filter: ALL }, options: {} }));
    data(await r.call('exportCancel', { jobId }));
    const summary = await waitForDone(r, jobId);
    expect(summary.cancelled).toBe(true);
    expect(summary.saved).toBeLessThan(summary.total);
  });

  it('applies a new cache bound to the signed-in tenant', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('settingsSet', { cacheMaxMB: 123 }));
    expect(data(await r.call<ResponseOf<'cacheInfo'>>('cacheInfo')).maxBytes).toBe(123 * 1024 * 1024);
    expect(data(await r.call('settingsGet'))).toMatchObject({ cacheMaxMB: 123 });
  });

  it('previews and saves one photo through the same check: damaged once is fetched again, always damaged is photo.corrupt', async () => {
    data(await r.call('credentialsSet', custom(r)));
    const [once, always] = r.sim.tenant.users.filter((u) => !u.status.is_resigned && r.sim.tenant.faces.has(u.user_id)).map((u) => ({
      userId: u.user_id,
      faceKey: r.sim.tenant.faces.get(u.user_id)!.face_key,
    })) as [{ userId: string; faceKey: string }, { userId: string; faceKey: string }];
    r.sim.switches.corruptFaceKeys.set(once.faceKey, 1);
    r.sim.switches.corruptFaceKeys.set(always.faceKey, Infinity);
    const photo = data(await r.call<ResponseOf<'photo'>>('photo', { faceKey: once.faceKey }));
    expect(Buffer.from(photo.bytes).equals(Buffer.from(r.sim.photoBytes(once.faceKey)!))).toBe(true);

    const preview = await r.call('photo', { faceKey: always.faceKey });
    expect(!preview.ok && preview.error.code).toBe('photo.corrupt');
    const choose = vi.mocked(r.host.chooseSavePath);
    const asked = choose.mock.calls.length;
    const save = await r.call('photoSave', { userId: always.userId });
    expect(!save.ok && save.error.code).toBe('photo.corrupt');
    expect(choose.mock.calls.length).toBe(asked); // nothing to save, so no dialog
    expect(data(await r.call<ResponseOf<'cacheInfo'>>('cacheInfo')).files).toBe(1);
  });
});

describe('finished export jobs', () => {
  it('forgets all but the last few finished exports; "Retry failed" still works for the most recent one', async () => {
    data(await r.call('credentialsSet', custom(r)));
    data(await r.call('exportChooseFolder', {}));
    // The first page can be empty while the directory is still being read.
    const rows = await vi.waitFor(async () => {
      const page = (await settledPage(r, { ...ALL, photo: 'with' }, 3)).rows;
      expect(page).toHaveLength(3);
      return page;
    });
    const userIds = rows.map((e) => e.userId);
    const jobIds: string[] = [];
    for (let i = 0; i < KEEP_FINISHED_JOBS + 3; i++) {
      const last = i === KEEP_FINISHED_JOBS + 2;
      // Only the last export takes in the first employee, whose photo fails: there is something to retry.
      r.sim.switches.failingFaceKeys = new Set([rows[0]!.face.faceKey!]);
      const ids = last ? userIds : userIds.slice(1);
      const { jobId } = data(await r.call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids }, options: {} }));
      await waitForDone(r, jobId);
      jobIds.push(jobId);
    }
    const known = [];
    for (const jobId of jobIds) if ((await r.call('exportShowInFolder', { jobId })).ok) known.push(jobId);
    expect(known).toEqual(jobIds.slice(-KEEP_FINISHED_JOBS));
    expect(await r.call('exportRetryFailed', { jobId: jobIds[0] })).toMatchObject({ ok: false, error: { code: 'export.not_found' } });

    r.sim.switches.failingFaceKeys = new Set();
    const retry = data(await r.call<{ jobId: string }>('exportRetryFailed', { jobId: jobIds.at(-1) }));
    expect(await waitForDone(r, retry.jobId)).toMatchObject({ total: 1, saved: 1, failed: 0 });
    expect(data(await r.call<ResponseOf<'exportCurrent'>>('exportCurrent'))?.summary).toMatchObject({ jobId: retry.jobId, saved: 1 });
  });
});

describe('maskAppId', () => {
  it('hides at least half of the app id', () => {
    expect(maskAppId('cli_a1b2c3d4e5f6g7h8')).toBe('cli_a1b2****g7h8');
    expect(maskAppId('cli_demo_app')).toBe('cli_****pp');
    expect(maskAppId('abc')).toBe('ab****');
    for (const id of ['cli_a1b2c3d4e5f6g7h8', 'cli_demo_app', 'cli_1234', 'x']) {
      const visible = maskAppId(id).replace('****', '');
      expect(visible.length).toBeLessThanOrEqual(Math.ceil(id.length / 2) + 2);
    }
  });
});
