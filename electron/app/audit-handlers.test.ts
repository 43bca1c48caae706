// Issue #13 in the app: each action the admin takes on face data writes exactly one audit entry with the
// fields an auditor needs, the log is shown with its chain check and exported as CSV through the save dialog,
// the first-export notice is remembered per tenant, and no secret or token ever reaches the log.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditView, PrivacySummary } from '../../shared/audit-view';
import type { Result } from '../../shared/errors';
import type { EventKey } from '../../shared/ipc';
import { SettingsSchema, type ExportSummary, type Settings } from '../../shared/model';
import { readLog, osUser, type AuditEntry } from '../core/audit/index';
import { createCore } from '../core/index';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { auditDirOf } from './audit-trail';
import { createDispatch } from './dispatch';
import { createHandlers, type AppHandlers } from './handlers';
import type { AppHost, StoredCredentials } from './host';
import { createLogger } from './redact';

const SECRET = 'Audit-Trail-S3cret-4f1e';

let sim: Simulator;
let demo: Simulator;
let handlers: AppHandlers;
let host: AppHost;
let root: string;
let emitted: { event: EventKey; payload: unknown }[];
let savePath: string | null;

beforeEach(async () => {
  sim = await startSimulator({ seed: 5, employees: 30, appSecret: SECRET, appId: 'cli_audit0123456789', rateLimitPerSecond: 5000, enrolledShare: 1 });
  demo = await startSimulator({ seed: 6, employees: 20, rateLimitPerSecond: 5000, enrolledShare: 1 });
  root = mkdtempSync(join(tmpdir(), 'fa-audit-'));
  emitted = [];
  savePath = null;
  let vault: StoredCredentials | null = null;
  let settings: Settings = SettingsSchema.parse({});
  host = {
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
    chooseSavePath: vi.fn(async (name: string) => (savePath === null ? join(root, name) : savePath || null)),
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: (event, payload) => emitted.push({ event, payload }),
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    dataDir: join(root, 'data'),
    logDir: join(root, 'logs'),
    startDemo: vi.fn(async () => ({ url: demo.url, appId: demo.appId, appSecret: demo.appSecret })),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'en-US', harness: false },
    log: createLogger({ sink: () => undefined }),
  };
  handlers = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
});

afterEach(async () => {
  await handlers.dispose();
  await sim.close();
  await demo.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(key: string, payload?: unknown): Promise<T> {
  const r = (await createDispatch(handlers)(key, payload)) as Result<T>;
  if (!r.ok) throw new Error(`${key}: ${r.error.code}`);
  return r.data;
}

const logFile = () => join(auditDirOf(host), 'audit.log');
const entries = (): Promise<AuditEntry[]> => readLog(logFile());
const signIn = () => call('credentialsSet', { baseUrl: sim.url, appId: sim.appId, appSecret: SECRET });
const realTenant = () => `${sim.appId}@${new URL(sim.url).host}`;

/** Employees with a photo who have not resigned. */
function enrolledIds(s: Simulator, n: number): string[] {
  return [...s.tenant.faces.keys()].filter((id) => !s.tenant.users.find((u) => u.user_id === id)!.status.is_resigned).slice(0, n);
}

/** Runs `act` and returns the entries it added to the log. */
async function added(act: () => Promise<unknown>): Promise<AuditEntry[]> {
  const before = (await entries()).length;
  await act();
  return (await entries()).slice(before);
}

async function waitDone(jobId: string): Promise<void> {
  await vi.waitFor(() => {
    if (!emitted.some((e) => e.event === 'exportDone' && (e.payload as ExportSummary).jobId === jobId)) throw new Error('not yet');
  }, { timeout: 20_000, interval: 20 });
}

describe('sign-in, sign-out and tenant switch', () => {
  it('records a sign-in with the tenant and the OS user', async () => {
    const [e, ...more] = await added(signIn);
    expect(more).toEqual([]);
    expect(e).toMatchObject({ seq: 1, action: 'session.sign_in', tenant: realTenant(), actor: osUser() });
  });

  it('records a switch to the demo and back, then a sign-out, one entry each', async () => {
    await signIn();
    expect(await added(() => call('demoStart'))).toMatchObject([{ action: 'session.switch_tenant', tenant: 'demo', from: realTenant() }]);
    // Leaving the demo brings the stored tenant back: a switch, not a sign-out.
    expect(await added(() => call('credentialsClear'))).toMatchObject([{ action: 'session.switch_tenant', tenant: realTenant(), from: 'demo' }]);
    expect(await added(() => call('credentialsClear'))).toMatchObject([{ action: 'session.sign_out', tenant: realTenant() }]);
  });
});

describe('what the admin does with photos', () => {
  it('records an export with when, who, the scope, count, folder, ZIP and purpose, and the notice is then remembered', async () => {
    await signIn();
    expect(await call('exportNoticeNeeded')).toEqual({ needed: true });
    await call('exportChooseFolder', {});
    const ids = enrolledIds(sim, 3);
    let jobId = '';
    const got = await added(async () => {
      ({ jobId } = await call<{ jobId: string }>('exportStart', {
        selection: { kind: 'ids', userIds: ids },
        options: { zip: true },
        purpose: '  年度考勤审计 / annual audit  ',
      }));
    });
    await waitDone(jobId);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      action: 'export',
      tenant: realTenant(),
      actor: osUser(),
      scope: 'selection',
      employees: 3,
      userIds: ids,
      folder: join(root, 'exports'),
      zip: true,
      purpose: '年度考勤审计 / annual audit',
      jobId,
    });
    expect(Date.parse(got[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await call('exportNoticeNeeded')).toEqual({ needed: false });
    // Remembered per tenant: the demo has not seen it yet.
    await call('demoStart');
    expect(await call('exportNoticeNeeded')).toEqual({ needed: true });
  });

  it('records an export of a filter with the filter and without a purpose', async () => {
    await signIn();
    await call('exportChooseFolder', {});
    const filter = { scope: { kind: 'all' }, search: '', photo: 'with', includeResigned: false };
    const total = (await call<string[]>('employeeIds', { filter })).length;
    let jobId = '';
    const got = await added(async () => {
      ({ jobId } = await call<{ jobId: string }>('exportStart', { selection: { kind: 'filter', filter }, options: {} }));
    });
    await waitDone(jobId);
    expect(got).toMatchObject([{ action: 'export', scope: 'filter', filter: { scope: { kind: 'all' }, photo: 'with' }, employees: total, zip: false, purpose: null }]);
  });

  it('records a retry of the failed photos as an export of just those, naming the job it retries, with its purpose', async () => {
    await signIn();
    await call('exportChooseFolder', {});
    const ids = enrolledIds(sim, 3);
    sim.switches.failingFaceKeys = new Set([sim.tenant.faces.get(ids[1]!)!.face_key]);
    const { jobId } = await call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids }, options: {}, purpose: 'badge audit' });
    await waitDone(jobId);
    let retryId = '';
    const got = await added(async () => {
      ({ jobId: retryId } = await call<{ jobId: string }>('exportRetryFailed', { jobId }));
    });
    await waitDone(retryId);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ action: 'export', tenant: realTenant(), scope: 'retry', retryOf: jobId, jobId: retryId, employees: 1, userIds: [ids[1]], folder: join(root, 'exports'), zip: false, purpose: 'badge audit' });
    // It failed again; the retry of the retry still says why.
    sim.switches.failingFaceKeys = new Set();
    const again = await added(() => call('exportRetryFailed', { jobId: retryId }));
    expect(again).toMatchObject([{ action: 'export', scope: 'retry', retryOf: retryId, purpose: 'badge audit' }]);
    await waitDone(again[0]!.jobId as string);
  });

  it('records "Save this photo" once with the file, and nothing when the dialog is cancelled', async () => {
    await signIn();
    const [userId] = enrolledIds(sim, 1);
    savePath = '';
    expect(await added(() => call('photoSave', { userId }))).toEqual([]);
    savePath = null;
    const got = await added(() => call('photoSave', { userId }));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ action: 'photo.save', userId, tenant: realTenant() });
    expect(existsSync(String(got[0]!.file))).toBe(true);
  });

  it('records an opened detail view, and no thumbnail', async () => {
    await signIn();
    const [userId] = enrolledIds(sim, 1);
    const row = await call<{ face: { faceKey: string } }>('employee', { userId });
    expect(await added(() => call('photo', { faceKey: row.face.faceKey }))).toEqual([]);
    expect(await added(() => call('detailOpened', { userId }))).toMatchObject([{ action: 'detail.open', userId, tenant: realTenant() }]);
  });

  it('records a saved coverage list (the list to hand on) with its file and count', async () => {
    await signIn();
    const active = sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    const got = await added(() => call('coverageExport', { scope: { kind: 'all' }, staleMonths: 24, lang: 'zh-CN', by: 'department', format: 'csv' }));
    expect(got).toMatchObject([{ action: 'coverage.export', tenant: realTenant(), employees: active, file: expect.stringMatching(/coverage-\d{4}-\d\d-\d\d\.csv$/), format: 'csv' }]);
    expect(got[0]).not.toHaveProperty('userIds');
  });

  it('records a cache clear with what it removed', async () => {
    await signIn();
    const [userId] = enrolledIds(sim, 1);
    const row = await call<{ face: { faceKey: string } }>('employee', { userId });
    await call('photo', { faceKey: row.face.faceKey });
    expect(await added(() => call('cacheClear'))).toMatchObject([{ action: 'cache.clear', files: 1 }]);
  });

  it('never writes the app secret or a token into the log', async () => {
    await signIn();
    await call('exportChooseFolder', {});
    const { jobId } = await call<{ jobId: string }>('exportStart', {
      selection: { kind: 'ids', userIds: enrolledIds(sim, 2) },
      options: {},
      // An admin who pastes the secret into the purpose field still does not get it into the log.
      purpose: `pasted ${SECRET} by mistake`,
    });
    await waitDone(jobId);
    await call('detailOpened', { userId: enrolledIds(sim, 1)[0] });
    await call('credentialsClear');
    const text = readFileSync(logFile(), 'utf8');
    expect(text.split('\n').filter(Boolean).length).toBe(4);
    expect(sim.issuedTokens().length).toBeGreaterThan(0);
    expect([...sim.issuedTokens(), SECRET].filter((s) => text.includes(s))).toEqual([]);
  });
});

describe('Settings → Audit log', () => {
  it('lists entries newest first with counts, and names the first broken entry after an edit', async () => {
    await signIn();
    const [a, b] = enrolledIds(sim, 2);
    await call('detailOpened', { userId: a });
    await call('detailOpened', { userId: b });
    const view = await call<AuditView>('auditLog');
    expect(view.check).toEqual({ ok: true, entries: 3 });
    expect(view.rows.map((r) => [r.seq, r.action, r.count])).toEqual([
      [3, 'detail.open', 1],
      [2, 'detail.open', 1],
      [1, 'session.sign_in', null],
    ]);
    expect(view.rows[0]!.details).toEqual({ userId: b });

    const lines = readFileSync(logFile(), 'utf8').split('\n');
    lines[1] = lines[1]!.replace(a!, 'someone-else');
    writeFileSync(logFile(), lines.join('\n'));
    expect((await call<AuditView>('auditLog')).check).toMatchObject({ ok: false, seq: 2, line: 2, reason: 'hash' });
  });

  it('exports the whole log as CSV where the save dialog says, and nothing when it is cancelled', async () => {
    await signIn();
    await call('detailOpened', { userId: enrolledIds(sim, 1)[0] });
    const res = await call<{ path: string; entries: number }>('auditExportCsv');
    expect(res.entries).toBe(2);
    expect(vi.mocked(host.chooseSavePath).mock.calls.at(-1)![0]).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(res.path, 'utf8');
    expect(csv.startsWith('\ufeffseq,at,actor,action,tenant,details,prev,hash')).toBe(true);
    expect(csv).toContain('detail.open');
    savePath = '';
    expect(await call('auditExportCsv')).toBeNull();
  });

  it('sums up cached photos, distinct employees processed and the oldest cached photo', async () => {
    expect(await call<PrivacySummary>('privacySummary')).toEqual({ cachedPhotos: 0, employees: 0, oldestCachedAt: null });
    await signIn();
    const ids = enrolledIds(sim, 3);
    await call('exportChooseFolder', {});
    const { jobId } = await call<{ jobId: string }>('exportStart', { selection: { kind: 'ids', userIds: ids.slice(0, 2) }, options: {} });
    await waitDone(jobId);
    // One of the exported again, and one more: three distinct employees.
    await call('detailOpened', { userId: ids[0] });
    await call('detailOpened', { userId: ids[2] });
    const s = await call<PrivacySummary>('privacySummary');
    expect(s.employees).toBe(3);
    expect(s.cachedPhotos).toBe(2);
    expect(s.oldestCachedAt).toBeGreaterThan(Date.now() - 60_000);
  });
});
