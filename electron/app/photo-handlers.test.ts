// Changing photos through the app's handlers (the same dispatch Electron main and the browser harness use),
// against the simulated tenant: replace from a dialog-chosen file and undo it, a missing write scope refused
// before the dialog opens, an import planned and run, and no channel that takes a path from the renderer.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/errors';
import { SettingsSchema, type EmployeeRow } from '../../shared/model';
import type { ImportJobView, ImportPlanView, ReplacementPreview } from '../../shared/photo-change-model';
import { createCore } from '../core/index';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { createDispatch } from './dispatch';
import { createHandlers, type AppHandlers } from './handlers';
import type { AppHost } from './host';
import { createLogger } from './redact';

interface Rig {
  sim: Simulator;
  host: AppHost;
  handlers: AppHandlers;
  root: string;
  picks: { file: string | null; folder: string | null };
  call: <T = unknown>(key: string, payload?: unknown) => Promise<Result<T>>;
  close(): Promise<void>;
}

async function rig(over: Partial<AppHost> = {}): Promise<Rig> {
  const sim = await startSimulator({ seed: 21, employees: 40, rateLimitPerSecond: 5000, enrolledShare: 0.6 });
  const root = mkdtempSync(join(tmpdir(), 'fa-photo-handlers-'));
  const picks: Rig['picks'] = { file: null, folder: null };
  let settings = SettingsSchema.parse({});
  const host: AppHost = {
    vault: { get: async () => null, set: async () => ({ persisted: false }), clear: async () => {}, encryption: () => 'available' },
    settings: { get: () => settings, patch: (p) => (settings = SettingsSchema.parse({ ...settings, ...p })), setLastFolder: () => {} },
    chooseFolder: vi.fn(async () => null),
    chooseSavePath: vi.fn(async () => null),
    chooseImageFile: vi.fn(async () => picks.file),
    chooseImportFolder: vi.fn(async () => picks.folder),
    dataDir: root,
    showItemInFolder: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    openExternal: vi.fn(async () => {}),
    emit: () => {},
    cacheDir: join(root, 'cache'),
    demoCacheDir: join(root, 'demo-cache'),
    startDemo: async () => ({ url: sim.url, appId: sim.appId, appSecret: sim.appSecret }),
    appInfo: { version: '1.0.0', platform: 'linux', systemLocale: 'zh-CN', harness: false },
    log: createLogger({ sink: () => {}, level: 'warn' }),
    ...over,
  };
  const handlers = createHandlers(host, { createCore: (o) => createCore({ ...o, client: { ratePerSecond: 2000, maxAttempts: 2 } }) });
  const dispatch = createDispatch(handlers, { log: host.log });
  const call = async <T,>(key: string, payload?: unknown) => (await dispatch(key, payload)) as Result<T>;
  expect((await call('demoStart')).ok).toBe(true);
  return {
    sim,
    host,
    handlers,
    root,
    picks,
    call,
    async close() {
      await handlers.dispose();
      await sim.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function data<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

const auditEntries = (r: Rig) =>
  readFileSync(join(r.root, 'audit', 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const auditActions = (r: Rig) => auditEntries(r).map((e) => e.action as string);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let current: Rig | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

describe('replacing one photo and undoing it through the handlers', () => {
  it('shows the checked new photo, changes it in Feishu, the employee reads the new photo at once, and undo puts the old bytes back', async () => {
    const r = (current = await rig());
    const faces = [...r.sim.tenant.faces.entries()];
    const [userId, oldFace] = faces[0]!;
    const oldBytes = Buffer.from(r.sim.photoBytes(oldFace.face_key)!);
    r.picks.file = join(r.root, 'new face.jpg');
    writeFileSync(r.picks.file, r.sim.photoBytes(faces[3]![1].face_key)!);

    expect(data(await r.call('photoUndoInfo', { userId }))).toBeNull();
    const preview = data(await r.call<ReplacementPreview>('photoChooseReplacement', { userId }));
    expect(preview).toMatchObject({ fileName: 'new face.jpg', samePhoto: false, checks: { ok: true }, current: { enrolled: true, faceKey: oldFace.face_key } });
    expect(preview.photo?.bytes.length).toBeGreaterThan(0);
    expect(preview.token).not.toBe('');

    const result = data(await r.call<{ newFaceKey: string; updatedAt: number }>('photoReplace', { token: preview.token }));
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(result.newFaceKey);
    const row = data(await r.call<EmployeeRow>('employee', { userId }));
    expect(row.face).toMatchObject({ enrolled: true, faceKey: result.newFaceKey, updatedAt: result.updatedAt });
    // The token is spent: confirming twice changes nothing more.
    expect(await r.call('photoReplace', { token: preview.token })).toMatchObject({ ok: false, error: { code: 'input.invalid' } });

    expect(data(await r.call('photoUndoInfo', { userId }))).toMatchObject({ kind: 'replace', source: 'new face.jpg', already: false });
    const undone = data(await r.call<{ newFaceKey: string }>('photoUndo', { userId }));
    expect(Buffer.from(r.sim.photoBytes(r.sim.tenant.faces.get(userId)!.face_key)!).equals(oldBytes)).toBe(true);
    expect(data(await r.call<EmployeeRow>('employee', { userId })).face.faceKey).toBe(undone.newFaceKey);
    expect(auditActions(r)).toEqual(['session.sign_in', 'photo.replace', 'photo.restore']);
    const [, replaced, restored] = auditEntries(r);
    const newSha256 = sha256(r.sim.photoBytes(result.newFaceKey)!);
    expect(replaced).toMatchObject({ tenant: 'demo', userId, oldFaceKey: oldFace.face_key, newFaceKey: result.newFaceKey, oldSha256: sha256(oldBytes), newSha256, source: 'new face.jpg', via: 'app replace' });
    expect(restored).toMatchObject({ tenant: 'demo', userId, oldFaceKey: result.newFaceKey, newFaceKey: undone.newFaceKey, oldSha256: newSha256, newSha256: sha256(oldBytes), source: 'new face.jpg', via: 'app undo' });
    expect(restored!.undid).toEqual(expect.any(String));
  });

  it('a missing attendance:rule is refused by name before the dialog opens, and nothing changes', async () => {
    const r = (current = await rig());
    const [userId, face] = [...r.sim.tenant.faces.entries()][0]!;
    r.sim.switches.missingScopes = ['attendance:rule'];
    const res = await r.call('photoChooseReplacement', { userId });
    expect(res).toMatchObject({ ok: false, error: { code: 'scope.missing', scopes: ['attendance:rule'] } });
    expect(r.host.chooseImageFile).not.toHaveBeenCalled();
    expect(await r.call('importChooseFolder')).toMatchObject({ ok: false, error: { code: 'scope.missing' } });
    expect(r.host.chooseImportFolder).not.toHaveBeenCalled();
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(face.face_key);
  });

  it('with the photo cache in memory (no key the OS protects), photo changes are refused before the dialog opens', async () => {
    const r = (current = await rig({ photoCache: { kind: 'memory' } }));
    const [userId, face] = [...r.sim.tenant.faces.entries()][0]!;
    r.sim.resetStats();
    expect(await r.call('photoChooseReplacement', { userId })).toMatchObject({ ok: false, error: { code: 'photo.archive_unprotected' } });
    expect(r.host.chooseImageFile).not.toHaveBeenCalled();
    expect(await r.call('importChooseFolder')).toMatchObject({ ok: false, error: { code: 'photo.archive_unprotected' } });
    expect(await r.call('photoUndo', { userId })).toMatchObject({ ok: false, error: { code: 'photo.archive_unprotected' } });
    expect((r.sim.stats().requests['files.upload'] ?? 0) + (r.sim.stats().requests['user_settings.modify'] ?? 0)).toBe(0);
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(face.face_key);
  });

  it('a file that is not a photo is shown as refused by the checks and cannot be confirmed', async () => {
    const r = (current = await rig());
    const [userId, face] = [...r.sim.tenant.faces.entries()][0]!;
    r.picks.file = join(r.root, 'notes.jpg');
    writeFileSync(r.picks.file, 'not an image at all');
    const preview = data(await r.call<ReplacementPreview>('photoChooseReplacement', { userId }));
    expect(preview).toMatchObject({ checks: { ok: false, reason: 'photo.format' }, photo: null, token: '' });
    expect(r.sim.tenant.faces.get(userId)!.face_key).toBe(face.face_key);
  });

  it('no channel takes a file or folder path from the renderer', async () => {
    const r = (current = await rig());
    const [userId] = [...r.sim.tenant.faces.keys()];
    for (const [key, payload] of [
      ['photoChooseReplacement', { userId, path: '/etc/passwd' }],
      ['photoReplace', { token: 'abc', file: '/etc/passwd' }],
      ['importChooseFolder', { folder: '/etc' }],
      ['importPlan', { template: '{employee_no}', replace: false, dir: '/etc' }],
      ['importStart', { dir: '/etc' }],
    ] as const) {
      expect(await r.call(key, payload), key).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    }
    expect(r.host.chooseImageFile).not.toHaveBeenCalled();
    expect(r.host.chooseImportFolder).not.toHaveBeenCalled();
  });
});

describe('importing a folder through the handlers', () => {
  it('previews matches, plans each file (enrol, unmatched, invalid), runs with progress, and the employees show the new photos', async () => {
    const r = (current = await rig());
    const users = r.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no);
    const bare = users.filter((u) => !r.sim.tenant.faces.has(u.user_id));
    const photo = (i: number) => r.sim.photoBytes([...r.sim.tenant.faces.values()][i]!.face_key)!;
    const dir = join(r.root, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, `${bare[0]!.employee_no}.jpg`), photo(1));
    writeFileSync(join(dir, `${bare[1]!.employee_no}.jpg`), photo(2));
    writeFileSync(join(dir, 'NOBODY-999.jpg'), photo(3));
    writeFileSync(join(dir, `${bare[2]!.employee_no}.jpg`), 'garbage');
    r.picks.folder = dir;

    expect(data(await r.call('importChooseFolder'))).toEqual({ folderName: 'in', files: 4 });
    const preview = data(await r.call<{ file: string; matches: { userId: string }[] }[]>('importPreview', { template: '{employee_no}' }));
    expect(preview.find((p) => p.file === `${bare[0]!.employee_no}.jpg`)?.matches.map((m) => m.userId)).toEqual([bare[0]!.user_id]);
    expect(preview.find((p) => p.file === 'NOBODY-999.jpg')?.matches).toEqual([]);
    expect(await r.call('importPreview', { template: '{nonsense}' })).toMatchObject({ ok: false, error: { code: 'input.invalid' } });

    const plan = data(await r.call<ImportPlanView>('importPlan', { template: '{employee_no}', replace: false }));
    expect(Object.fromEntries(plan.items.map((i) => [i.file, i.outcome]))).toEqual({
      [`${bare[0]!.employee_no}.jpg`]: 'enrol',
      [`${bare[1]!.employee_no}.jpg`]: 'enrol',
      'NOBODY-999.jpg': 'no_such_employee',
      [`${bare[2]!.employee_no}.jpg`]: 'invalid',
    });
    expect(r.sim.tenant.faces.has(bare[0]!.user_id)).toBe(false);

    const { jobId } = data(await r.call<{ jobId: string }>('importStart'));
    let view: ImportJobView | null = null;
    await vi.waitFor(
      async () => {
        view = data(await r.call<ImportJobView | null>('importCurrent'));
        if (!view?.summary) throw new Error('still running');
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(view!).toMatchObject({ jobId, progress: { done: 2, total: 2 }, summary: { enrolled: 2, failed: [], cancelled: false } });
    for (const u of [bare[0]!, bare[1]!]) expect(data(await r.call<EmployeeRow>('employee', { userId: u.user_id })).face.enrolled).toBe(true);
    expect(r.sim.tenant.faces.has(bare[2]!.user_id)).toBe(false);
    expect(auditActions(r)).toEqual(['session.sign_in', 'photo.import']);
    const imported = auditEntries(r)[1]!;
    // The folder's full path, as the CLI records it: the name alone does not tell an auditor where the photos came from.
    expect(imported).toMatchObject({ tenant: 'demo', folder: r.picks.folder, template: '{employee_no}', replace: false, files: 4, planned: 2, enrolled: 2, replaced: 0, failed: 0, cancelled: false, via: 'app import' });
    expect(imported.archive).toEqual(expect.stringContaining(r.root));
    expect((imported.userIds as string[]).toSorted()).toEqual([bare[0]!.user_id, bare[1]!.user_id].toSorted());
    // A plan is carried out once.
    expect(await r.call('importStart')).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
  });

  it('cancelling stops taking new changes: the summary says how many were not started, and the run is audited', async () => {
    const r = (current = await rig());
    const bare = r.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no && !r.sim.tenant.faces.has(u.user_id)).slice(0, 12);
    const photo = r.sim.photoBytes([...r.sim.tenant.faces.values()][0]!.face_key)!;
    const dir = join(r.root, 'many');
    mkdirSync(dir);
    for (const u of bare) writeFileSync(join(dir, `${u.employee_no}.jpg`), photo);
    r.picks.folder = dir;
    data(await r.call('importChooseFolder'));
    expect(data(await r.call<ImportPlanView>('importPlan', { template: '{employee_no}', replace: false })).counts.enrol).toBe(bare.length);
    r.sim.switches.latencyMs = 300;
    const { jobId } = data(await r.call<{ jobId: string }>('importStart'));
    expect(await r.call('importPlan', { template: '{employee_no}', replace: false })).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    data(await r.call('importCancel', { jobId }));
    let view: ImportJobView | null = null;
    await vi.waitFor(
      async () => {
        view = data(await r.call<ImportJobView | null>('importCurrent'));
        if (!view?.summary) throw new Error('still running');
      },
      { timeout: 20_000, interval: 50 },
    );
    const s = view!.summary!;
    expect(s.cancelled).toBe(true);
    expect(s.notStarted).toBeGreaterThan(0);
    expect(s.enrolled + s.notStarted + s.failed.length).toBe(bare.length);
    expect(bare.filter((u) => r.sim.tenant.faces.has(u.user_id))).toHaveLength(s.enrolled);
    expect(auditActions(r)).toEqual(['session.sign_in', 'photo.import']);
  });
});

