import { spawn, spawnSync } from 'node:child_process';
import { appendFile, chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { MANIFEST_COLUMNS, type Employee, type ExportOptions, type ExportProgress, type ExportSummary, type ManifestRow } from '../../shared/model';
import { nameKey, subfolderFor } from '../../shared/naming';
import { HOSTILE_USER_IDS } from '../simulator/index';
import { PhotoExporter } from './exporter';
import { manifestCsv, parseCsv, readManifest } from './manifest';
import { readZip, startRig, validOnAllSystems, type CoreRig } from './core.testkit';
import type { FaceSettings, PhotoStore } from './types';

const opts = (over: Partial<ExportOptions> = {}): ExportOptions => ({ template: '{name}_{employee_no}', subfolders: 'none', zip: false, ...over });

/** Every file under dir, as '/'-separated paths relative to dir. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...(await walk(path.join(dir, ent.name), rel)));
    else out.push(rel);
  }
  return out;
}

/** Bytes held by the files under dir (what a full disk would count). */
async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  // A file renamed or removed meanwhile (another write's temp file) holds nothing.
  for (const f of await walk(dir)) total += (await lstat(path.join(dir, f)).catch(() => null))?.size ?? 0;
  return total;
}

async function manifest(outDir: string): Promise<{ raw: string; rows: ManifestRow[] }> {
  const raw = await readFile(path.join(outDir, 'manifest.csv'), 'utf8');
  const [header, ...records] = parseCsv(raw);
  const rows = records.map((r) => Object.fromEntries(header!.map((h, i) => [h.replace(/^\ufeff/, ''), r[i] ?? ''])) as unknown as ManifestRow);
  return { raw, rows };
}

describe('exporter against the simulated tenant', () => {
  let rig: CoreRig;
  let work: string;
  let folderNo = 0;
  const newFolder = async () => {
    const dir = path.join(work, `out-${++folderNo}`);
    await mkdir(dir);
    return dir;
  };
  const faceOf = (userId: string) => rig.sim.tenant.faces.get(userId);
  const photoOf = (userId: string) => Buffer.from(rig.sim.photoBytes(faceOf(userId)!.face_key)!);

  beforeAll(async () => {
    rig = await startRig({ seed: 21, employees: 240, hostile: true });
    work = await mkdtemp(path.join(rig.root, 'work-'));
  });
  afterAll(() => rig.close());

  async function someDepartment(): Promise<Employee[]> {
    const tree = await rig.core.directory.departmentTree();
    let best: Employee[] = [];
    for (const d of tree) {
      const list = await rig.core.directory.employees({ kind: 'department', id: d.id, recursive: true });
      if (list.length > best.length && list.some((e) => !faceOf(e.userId))) best = list;
    }
    return best;
  }

  /** An exporter over the real core, cache emptied, that cancels itself when it asks for its nth photo. */
  async function cancellingExporter(n: number, concurrency: number): Promise<{ exporter: PhotoExporter; signal: AbortSignal }> {
    await rig.core.photos.clear();
    const controller = new AbortController();
    let gets = 0;
    const photos: PhotoStore = {
      ...rig.core.photos,
      get: (key, signal) => {
        if (++gets === n) controller.abort();
        return rig.core.photos.get(key, signal);
      },
    };
    return { exporter: new PhotoExporter({ faces: rig.core.faces, photos, concurrency }), signal: controller.signal };
  }

  it('exports a department: one file per enrolled employee, byte-identical, and a manifest row for everyone', async () => {
    const employees = await someDepartment();
    const outDir = await newFolder();
    const events: ExportProgress[] = [];
    const summary = await rig.core.exporter.run({ employees, outDir, options: opts(), onProgress: (p) => events.push(p) });
    const enrolled = employees.filter((e) => faceOf(e.userId));
    expect(summary).toMatchObject({ total: employees.length, saved: enrolled.length, noPhoto: employees.length - enrolled.length, failed: 0, cancelled: false });

    const { raw, rows } = await manifest(outDir);
    expect(raw.startsWith('\ufeff')).toBe(true);
    expect(parseCsv(raw)[0]).toEqual(MANIFEST_COLUMNS);
    expect(rows.map((r) => r.user_id)).toEqual(employees.map((e) => e.userId));
    const files = (await walk(outDir)).filter((f) => f !== 'manifest.csv');
    expect(files).toHaveLength(enrolled.length);
    for (const r of rows) {
      if (!faceOf(r.user_id)) {
        expect(r).toMatchObject({ status: 'no_photo', file: '' });
        continue;
      }
      expect(r.status).toBe('saved');
      expect(r.face_key).toBe(faceOf(r.user_id)!.face_key);
      const bytes = await readFile(path.join(outDir, r.file));
      expect(bytes.equals(photoOf(r.user_id))).toBe(true);
      expect(r.bytes).toBe(String(bytes.length));
      expect(r.face_key_update_time).toBe(new Date(Number(faceOf(r.user_id)!.face_key_update_time) * 1000).toISOString().replace('.000', ''));
    }
    const last = events.at(-1)!;
    expect(last).toMatchObject({ phase: 'done', done: employees.length, total: employees.length });
    expect(events.length).toBeLessThan(employees.length);
  });

  it('gives hostile names valid, unique file names that stay inside the folder, in every subfolder mode', async () => {
    const employees = await rig.core.directory.employeesByIds([...HOSTILE_USER_IDS]);
    expect(employees).toHaveLength(HOSTILE_USER_IDS.length);
    for (const subfolders of ['none', 'department', 'group'] as const) {
      for (const template of ['{name}', '{en_name}', '{department}/{name}']) {
        const outDir = await newFolder();
        const summary = await rig.core.exporter.run({ employees, outDir, options: opts({ template, subfolders }) });
        const enrolled = employees.filter((e) => faceOf(e.userId)).length;
        expect(summary.saved).toBe(enrolled);
        const files = (await walk(outDir)).filter((f) => f !== 'manifest.csv');
        expect(files).toHaveLength(enrolled);
        expect(new Set(files.map(nameKey)).size).toBe(files.length);
        for (const f of files) {
          const parts = f.split('/');
          expect(parts.length).toBeLessThanOrEqual(subfolders === 'none' ? 1 : 2);
          for (const part of parts) expect(validOnAllSystems(part), part).toBe(true);
        }
        // Nothing was written next to the export folder.
        expect((await readdir(work)).every((n) => n.startsWith('out-'))).toBe(true);
      }
    }
  });

  it('sorts the whole tenant into department and group folders whose names work everywhere', async () => {
    const employees = await rig.core.directory.employees({ kind: 'all' });
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    for (const subfolders of ['department', 'group'] as const) {
      const outDir = await newFolder();
      const summary = await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders }) });
      expect(summary).toMatchObject({ saved: enrolled, failed: 0 });
      const files = (await walk(outDir)).filter((f) => f !== 'manifest.csv');
      expect(files).toHaveLength(enrolled);
      const folders = [...new Set(files.map((f) => f.split('/')[0]!))];
      for (const f of files) expect(f.split('/')).toHaveLength(2);
      for (const folder of folders) expect(validOnAllSystems(folder), folder).toBe(true);
      // "Team Alpha" and "TEAM ALPHA" would be one folder on Windows and macOS: they get two folders (their ids added).
      expect(new Set(folders.map(nameKey)).size).toBe(folders.length);
      expect(new Set(files.map(nameKey)).size).toBe(files.length);
      expect((await readdir(work)).every((n) => n.startsWith('out-') || n === 'a-file.txt' || n === 'read-only')).toBe(true);
    }
  });

  it('re-exports an unchanged tenant with zero downloads, and re-downloads only a changed face', async () => {
    const employees = (await someDepartment()).slice(0, 40);
    const outDir = await newFolder();
    await rig.core.exporter.run({ employees, outDir, options: opts() });
    const before = (await manifest(outDir)).rows;

    await rig.core.photos.clear(); // prove it is the folder, not the cache, that makes them up to date
    rig.sim.resetStats();
    const again = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(rig.calls('files.download')).toBe(0);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    expect(again).toMatchObject({ saved: 0, upToDate: enrolled, failed: 0 });
    expect((await manifest(outDir)).rows.map((r) => r.file)).toEqual(before.map((r) => r.file));

    const changed = employees.find((e) => faceOf(e.userId))!;
    const newKey = rig.sim.changeFace(changed.userId);
    rig.sim.resetStats();
    const third = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(rig.calls('files.download')).toBe(1);
    expect(third).toMatchObject({ saved: 1, upToDate: enrolled - 1 });
    const row = (await manifest(outDir)).rows.find((r) => r.user_id === changed.userId)!;
    expect(row).toMatchObject({ status: 'saved', face_key: newKey, file: before.find((r) => r.user_id === changed.userId)!.file });
    expect((await readFile(path.join(outDir, row.file))).equals(Buffer.from(rig.sim.photoBytes(newKey)!))).toBe(true);
    expect((await walk(outDir)).filter((f) => f !== 'manifest.csv')).toHaveLength(enrolled);
  });

  it('keeps each employee\'s file name from run to run, and moves files when the layout changes', async () => {
    const twins = await rig.core.directory.employeesByIds(['hz000001', 'hz000002']); // both named 张伟
    const outDir = await newFolder();
    const byUser = async () => new Map((await manifest(outDir)).rows.map((r) => [r.user_id, r.file]));
    await rig.core.exporter.run({ employees: twins, outDir, options: opts({ template: '{name}' }) });
    const first = await byUser();
    expect([...first.values()].map((f) => f.replace(/\.\w+$/, '')).sort()).toEqual(['张伟', '张伟 (2)']);

    // Reversed order, and a run over only the second twin: nobody swaps names.
    await rig.core.exporter.run({ employees: [...twins].reverse(), outDir, options: opts({ template: '{name}' }) });
    expect(await byUser()).toEqual(first);
    const onlySecond = await rig.core.exporter.run({ employees: [twins[1]!], outDir, options: opts({ template: '{name}' }) });
    expect(onlySecond.upToDate).toBe(1);
    expect(await byUser()).toEqual(first);

    // Sorting into department folders moves the files instead of leaving copies behind.
    await rig.core.exporter.run({ employees: twins, outDir, options: opts({ template: '{name}', subfolders: 'department' }) });
    const moved = await byUser();
    const files = (await walk(outDir)).filter((f) => f !== 'manifest.csv');
    expect(files.sort()).toEqual([...moved.values()].sort());
    for (const f of files) expect(f).toContain('/');
  });

  it('removes the folders a change of subfolder layout emptied, and never the admin\'s own folders', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 30);
    const outDir = await newFolder();
    const dirs = async () => (await readdir(outDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders: 'department' }) });
    const byDepartment = await dirs();
    expect(byDepartment.length).toBeGreaterThan(1);
    // The admin's own things: an empty folder, and a note dropped into one of the department folders.
    await mkdir(path.join(outDir, 'my-empty-folder'));
    const kept = byDepartment[0]!;
    await writeFile(path.join(outDir, kept, 'notes.txt'), 'mine');

    const flat = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(flat.failed).toBe(0);
    expect(await dirs()).toEqual([kept, 'my-empty-folder'].sort());
    expect(await readdir(path.join(outDir, kept))).toEqual(['notes.txt']);

    // And back: the flat files move into folders again, and the layout before that is not left behind either.
    await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders: 'group' }) });
    const byGroup = await dirs();
    await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders: 'department' }) });
    const again = await dirs();
    for (const d of byGroup) if (!byDepartment.includes(d) && d !== 'my-empty-folder') expect(again).not.toContain(d);
    expect(again).toContain('my-empty-folder');
  });

  it('leaves no partial file when cancelled or killed, and the next run completes', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 120);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    const { exporter, signal } = await cancellingExporter(15, 4);
    const cancelled = await exporter.run({ employees, outDir, options: opts(), signal });
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.saved).toBeLessThan(enrolled);
    let files = await walk(outDir);
    expect(files.filter((f) => f.includes('.part-'))).toEqual([]);
    const { rows } = await manifest(outDir);
    expect(rows).toHaveLength(employees.length);
    expect(rows.some((r) => r.status === 'cancelled')).toBe(true);
    for (const r of rows.filter((x) => x.status === 'saved')) {
      expect((await readFile(path.join(outDir, r.file))).equals(photoOf(r.user_id))).toBe(true);
    }

    // A crash mid-write leaves temp files behind: the next run removes them.
    await writeFile(path.join(outDir, '.张三_E00001.jpg.part-0123456789ab'), 'half a photo');
    const resumed = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(resumed).toMatchObject({ cancelled: false, failed: 0 });
    expect(resumed.saved + resumed.upToDate).toBe(enrolled);
    expect(resumed.upToDate).toBe(cancelled.saved);
    files = await walk(outDir);
    expect(files.filter((f) => f.includes('.part-'))).toEqual([]);
    expect(files.filter((f) => f !== 'manifest.csv')).toHaveLength(enrolled);
  });

  it('keeps the files of employees a cancelled run never reached on record, so the next run does not download them again', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(130, 190);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    const first = await cancellingExporter(10, 2);
    const partial = await first.exporter.run({ employees, outDir, options: opts(), signal: first.signal });
    expect(partial.saved).toBeGreaterThan(0);

    // Cancelled again before anything happened (even before the face settings came back).
    const second = new AbortController();
    second.abort();
    const idle = await rig.core.exporter.run({ employees, outDir, options: opts(), signal: second.signal });
    expect(idle).toMatchObject({ cancelled: true, saved: 0, noPhoto: 0 });
    const rows = (await manifest(outDir)).rows;
    expect(rows.filter((r) => r.status === 'no_photo')).toEqual([]);
    expect(rows.filter((r) => r.file)).toHaveLength(partial.saved);

    await rig.core.photos.clear();
    rig.sim.resetStats();
    const done = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(done).toMatchObject({ failed: 0, upToDate: partial.saved, saved: enrolled - partial.saved });
    expect(rig.calls('files.download')).toBe(enrolled - partial.saved);
    expect((await walk(outDir)).filter((f) => f !== 'manifest.csv')).toHaveLength(enrolled);
  });

  it('resumes after the exporting process was killed outright', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 100);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    const cacheDir = path.join(rig.root, 'child-cache');
    const input = {
      baseUrl: rig.sim.url,
      appId: rig.sim.appId,
      appSecret: rig.sim.appSecret,
      cacheDir,
      outDir,
      userIds: employees.map((e) => e.userId),
      ratePerSecond: 15, // slow enough to be killed half way
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'export-child.fixture.ts'), JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Kill it once a checkpointed manifest shows saved photos (the checkpoint runs every 2 s).
    const reached = await new Promise<string>((resolve) => {
      let out = '';
      let checking = false;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('finished')) resolve('finished');
        const done = Math.max(0, ...[...out.matchAll(/done (\d+)/g)].map((m) => Number(m[1])));
        if (done < 30 || checking) return;
        checking = true;
        readFile(path.join(outDir, 'manifest.csv'), 'utf8')
          .then((text) => {
            if (text.includes(',saved,')) {
              child.kill('SIGKILL');
              resolve('killed');
            }
          })
          .catch(() => {})
          .finally(() => (checking = false));
      });
      child.on('exit', () => resolve('exited'));
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));
    expect(reached, stderr).toBe('killed');
    // The checkpointed manifest is whole (written atomically) even though the process never finished.
    const killed = (await manifest(outDir)).rows;
    expect(killed.map((r) => r.user_id).sort()).toEqual(employees.map((e) => e.userId).sort());
    expect(killed.some((r) => r.status === 'cancelled')).toBe(true);

    const resumed = await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders: 'department' }) });
    expect(resumed).toMatchObject({ failed: 0, cancelled: false });
    expect(resumed.saved + resumed.upToDate).toBe(enrolled);
    expect(resumed.upToDate).toBeGreaterThan(0);
    const files = await walk(outDir);
    expect(files.filter((f) => f.includes('.part-'))).toEqual([]);
    expect(files.filter((f) => f !== 'manifest.csv')).toHaveLength(enrolled);
    for (const r of (await manifest(outDir)).rows.filter((x) => x.file)) {
      expect((await readFile(path.join(outDir, r.file))).equals(photoOf(r.user_id))).toBe(true);
    }
  });

  it('never replaces a file the manifest does not list: a different one keeps its name, an identical one is kept', async () => {
    const employees = (await someDepartment()).slice(0, 30);
    const first = await newFolder();
    await rig.core.exporter.run({ employees, outDir: first, options: opts() });
    const saved = (await manifest(first)).rows.filter((r) => r.status === 'saved');
    expect(saved.length).toBeGreaterThanOrEqual(2);
    const [x, y] = saved as [ManifestRow, ManifestRow];

    // A folder where the admin already keeps a file under X's name, and Y's photo sits unlisted (a run killed before
    // its checkpoint would leave exactly that).
    const outDir = await newFolder();
    const adminsOwn = Buffer.from('the admin\'s own file, not a photo of ours');
    await writeFile(path.join(outDir, x.file), adminsOwn);
    await writeFile(path.join(outDir, y.file), photoOf(y.user_id));

    const summary = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(summary).toMatchObject({ failed: 0, saved: saved.length - 1, upToDate: 1 });
    expect(await readFile(path.join(outDir, x.file))).toEqual(adminsOwn);
    const rows = new Map((await manifest(outDir)).rows.map((r) => [r.user_id, r]));
    const xRow = rows.get(x.user_id)!;
    expect(xRow.file).toBe(x.file.replace(/(\.\w+)$/, ' (2)$1'));
    expect((await readFile(path.join(outDir, xRow.file))).equals(photoOf(x.user_id))).toBe(true);
    expect(rows.get(y.user_id)).toMatchObject({ file: y.file, status: 'up_to_date' });
    expect((await walk(outDir)).filter((f) => f !== 'manifest.csv')).toHaveLength(saved.length + 1);

    // The next run finds everything up to date and still leaves the admin's file alone.
    const again = await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect(again).toMatchObject({ saved: 0, upToDate: saved.length, failed: 0 });
    expect(await readFile(path.join(outDir, x.file))).toEqual(adminsOwn);

    // With the manifest lost, X's photo is found where it was saved beside the admin's file: no third copy.
    await rm(path.join(outDir, 'manifest.csv'));
    await rig.core.exporter.run({ employees, outDir, options: opts() });
    expect((await manifest(outDir)).rows.find((r) => r.user_id === x.user_id)).toMatchObject({ file: xRow.file, status: 'up_to_date' });
    expect((await walk(outDir)).filter((f) => f !== 'manifest.csv')).toHaveLength(saved.length + 1);
    expect(await readFile(path.join(outDir, x.file))).toEqual(adminsOwn);
  });

  it('records an employee Feishu refuses (1220004, outside the data range) as failed with range.attendance, never as "no photo"', async () => {
    const employees = (await someDepartment()).slice(0, 20);
    const enrolled = employees.filter((e) => faceOf(e.userId));
    const outside = enrolled[0]!;
    rig.sim.switches.unknownUserMode = 'error';
    rig.sim.switches.outOfRangeUserIds.add(outside.userId);
    try {
      const outDir = await newFolder();
      const summary = await rig.core.exporter.run({ employees, outDir, options: opts() });
      expect(summary).toMatchObject({ saved: enrolled.length - 1, failed: 1, noPhoto: employees.length - enrolled.length });
      expect(summary.failures).toEqual([expect.objectContaining({ userId: outside.userId, error: expect.objectContaining({ code: 'range.attendance', feishuCode: 1220004 }) })]);
      const row = (await manifest(outDir)).rows.find((r) => r.user_id === outside.userId);
      expect(row).toMatchObject({ status: 'failed', error: 'range.attendance', file: '' });
      // The table sees the same: not visible, rather than not enrolled.
      const faces = await rig.core.faces.get([outside.userId, enrolled[1]!.userId], { fresh: true });
      expect(faces.get(outside.userId)).toEqual({ enrolled: false, faceKey: null, updatedAt: null, outOfRange: true });
      expect(faces.get(enrolled[1]!.userId)).toMatchObject({ enrolled: true, faceKey: faceOf(enrolled[1]!.userId)!.face_key });
    } finally {
      rig.sim.switches.unknownUserMode = 'omit';
      rig.sim.switches.outOfRangeUserIds.clear();
    }
  });

  it('survives the token expiring in the middle of an export', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(120, 200);
    await rig.core.photos.clear();
    const outDir = await newFolder();
    let gets = 0;
    const photos: PhotoStore = {
      ...rig.core.photos,
      get: (key, signal) => {
        if (++gets === 10) rig.sim.expireTokens();
        return rig.core.photos.get(key, signal);
      },
    };
    const issued = rig.sim.stats().tokensIssued;
    const summary = await new PhotoExporter({ faces: rig.core.faces, photos, concurrency: 4 }).run({ employees, outDir, options: opts() });
    expect(summary.failed).toBe(0);
    expect(summary.saved).toBe(employees.filter((e) => faceOf(e.userId)).length);
    expect(rig.sim.stats().tokensIssued).toBeGreaterThan(issued);
  });

  it('completes despite random server errors and dropped connections, retrying them', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(60, 110);
    const enrolled = employees.filter((e) => faceOf(e.userId));
    const core = rig.newCore({ client: { maxAttempts: 8 } });
    await core.photos.clear();
    const outDir = await newFolder();
    rig.sim.resetStats();
    rig.sim.switches.faultRate = 0.2;
    rig.sim.switches.resetRate = 0.05;
    try {
      const summary = await core.exporter.run({ employees, outDir, options: opts() });
      expect(summary).toMatchObject({ failed: 0, saved: enrolled.length });
      expect(rig.sim.stats().faults + rig.sim.stats().resets).toBeGreaterThan(0);
    } finally {
      rig.sim.switches.faultRate = 0;
      rig.sim.switches.resetRate = 0;
    }
    for (const r of (await manifest(outDir)).rows.filter((x) => x.file)) {
      expect((await readFile(path.join(outDir, r.file))).equals(photoOf(r.user_id))).toBe(true);
    }
  });

  it('records failed downloads with their error code, and a retry of the failures succeeds once the fault is gone', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 60);
    const withFace = employees.filter((e) => faceOf(e.userId));
    const broken = withFace.slice(3, 6);
    await rig.core.photos.clear();
    for (const e of broken) rig.sim.switches.failingFaceKeys.add(faceOf(e.userId)!.face_key);
    const outDir = await newFolder();
    try {
      const first = await rig.core.exporter.run({ employees, outDir, options: opts() });
      expect(first.failed).toBe(3);
      expect(first.failures.map((f) => f.userId).sort()).toEqual(broken.map((e) => e.userId).sort());
      for (const f of first.failures) expect(f.error.code).toBe('feishu.server');
      const rows = (await manifest(outDir)).rows;
      for (const e of broken) expect(rows.find((r) => r.user_id === e.userId)).toMatchObject({ status: 'failed', error: 'feishu.server', file: '' });

      const failedOnes = employees.filter((e) => first.failures.some((f) => f.userId === e.userId));
      const stillBroken = await rig.core.exporter.run({ employees: failedOnes, outDir, options: opts() });
      expect(stillBroken.failed).toBe(3);
    } finally {
      rig.sim.switches.failingFaceKeys.clear();
    }
    const retry = await rig.core.exporter.run({ employees: broken, outDir, options: opts() });
    expect(retry).toMatchObject({ total: 3, saved: 3, failed: 0 });
    const rows = (await manifest(outDir)).rows;
    // The manifest still describes the whole folder, not only the retried employees.
    expect(rows.filter((r) => r.status === 'saved' || r.status === 'up_to_date')).toHaveLength(withFace.length);
    expect(rows.some((r) => r.status === 'failed')).toBe(false);
    expect((await walk(outDir)).filter((f) => f !== 'manifest.csv')).toHaveLength(withFace.length);
  });

  it('a retry of the failures keeps every other row, the no-photo ones included, and its summary counts the whole manifest', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(60, 120);
    const withFace = employees.filter((e) => faceOf(e.userId));
    const noFace = employees.length - withFace.length;
    expect(noFace).toBeGreaterThan(0);
    const broken = withFace.slice(0, 3);
    await rig.core.photos.clear();
    for (const e of broken) rig.sim.switches.failingFaceKeys.add(faceOf(e.userId)!.face_key);
    const outDir = await newFolder();
    let first;
    try {
      first = await rig.core.exporter.run({ employees, outDir, options: opts() });
    } finally {
      rig.sim.switches.failingFaceKeys.clear();
    }
    expect(first).toMatchObject({ failed: 3, noPhoto: noFace });
    const before = (await manifest(outDir)).rows;
    const retry = await rig.core.exporter.run({ employees: broken, outDir, options: opts() });
    expect(retry).toMatchObject({ total: 3, saved: 3, failed: 0 });
    const after = (await manifest(outDir)).rows;
    expect(after.map((r) => r.user_id).sort()).toEqual(before.map((r) => r.user_id).sort());
    expect(after.filter((r) => r.status === 'no_photo').map((r) => r.user_id).sort()).toEqual(
      before.filter((r) => r.status === 'no_photo').map((r) => r.user_id).sort(),
    );
    expect(retry.manifestTotals).toEqual({ rows: employees.length, photos: withFace.length, noPhoto: noFace, failed: 0, notProcessed: 0 });
  });

  it('lets only one of two exports started together into one folder run; the other is refused, and the lock is gone after', async () => {
    const all = await rig.core.directory.employees({ kind: 'all' });
    const a = all.slice(0, 50);
    const b = all.slice(50, 100);
    const outDir = await newFolder();
    await rig.core.photos.clear();
    const results = await Promise.allSettled([
      rig.core.exporter.run({ employees: a, outDir, options: opts() }),
      rig.newCore().exporter.run({ employees: b, outDir, options: opts() }),
    ]);
    const ran = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ran).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as unknown;
    expect(isAppFailure(reason) && reason.info.code).toBe('export.folder_locked');
    const winner = results[0]!.status === 'fulfilled' ? a : b;
    const { rows } = await manifest(outDir);
    expect(rows.map((r) => r.user_id)).toEqual(winner.map((e) => e.userId));
    // Every photo in the folder is listed, and nothing but photos and the manifest is left (no lock, no temp file).
    const files = await walk(outDir);
    expect(files.filter((f) => f !== 'manifest.csv').sort()).toEqual(rows.filter((r) => r.file).map((r) => r.file).sort());
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('stops on a full disk, keeps what was written and records the rest as failed', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 80);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    let writes = 0;
    const exporter = new PhotoExporter({
      faces: rig.core.faces,
      photos: rig.core.photos,
      concurrency: 4,
      writeFile: async (file, bytes) => {
        if (++writes > 10) {
          await writeFile(file, bytes.subarray(0, 100)); // half written, then the disk is full
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        await writeFile(file, bytes);
      },
    });
    const summary = await exporter.run({ employees, outDir, options: opts() });
    expect(summary.saved).toBe(10);
    expect(summary.failed).toBe(enrolled - 10);
    expect(summary.failures.every((f) => f.error.code === 'fs.disk_full')).toBe(true);
    // Far fewer writes than photos: the job stopped instead of failing every remaining photo one by one.
    expect(writes).toBeLessThan(10 + 8);
    const files = await walk(outDir);
    expect(files.filter((f) => f.includes('.part-'))).toEqual([]);
    const rows = (await manifest(outDir)).rows;
    expect(rows).toHaveLength(employees.length);
    for (const r of rows.filter((x) => x.status === 'saved')) expect((await readFile(path.join(outDir, r.file))).equals(photoOf(r.user_id))).toBe(true);
    expect(rows.filter((r) => r.status === 'failed').every((r) => r.error === 'fs.disk_full')).toBe(true);
  });

  /** Employees for a disk-full run, and the size of a complete export of them (photos; manifest) measured in a scratch folder. */
  async function diskFullCase(count: number): Promise<{ employees: Employee[]; photoBytes: number; manifestBytes: number }> {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, count);
    const scratch = await newFolder();
    await rig.core.exporter.run({ employees, outDir: scratch, options: opts() });
    const manifestBytes = (await stat(path.join(scratch, 'manifest.csv'))).size;
    return { employees, photoBytes: (await dirBytes(scratch)) - manifestBytes, manifestBytes };
  }

  /** The manifest tells the truth about the folder: its saved rows are exactly the photo files on disk, and so is the summary. */
  async function expectTruthfulManifest(outDir: string, summary: ExportSummary): Promise<void> {
    const { rows } = await manifest(outDir);
    const files = await walk(outDir);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]); // no temp file, no reserved room, no lock
    const photos = files.filter((f) => f !== 'manifest.csv').sort();
    expect(rows.filter((r) => r.status === 'saved').map((r) => r.file).sort()).toEqual(photos);
    expect(summary.saved).toBe(photos.length);
    expect(summary.manifestTotals).toMatchObject({ rows: rows.length, photos: photos.length, failed: summary.failed });
    expect(summary.manifestError).toBeUndefined();
  }

  it('writes a truthful final manifest when the photos fill the disk (injected ENOSPC), and still reports the counts', async () => {
    const { employees, photoBytes, manifestBytes } = await diskFullCase(80);
    const outDir = await newFolder();
    // A disk that takes about half the photos: what the folder holds now (deletes count) plus the write must fit.
    const capacity = Math.floor(photoBytes / 2) + 4 * manifestBytes;
    let queue: Promise<unknown> = Promise.resolve();
    const fits = (n: number, write: () => Promise<void>) => {
      const run = queue.then(async () => {
        if ((await dirBytes(outDir)) + n > capacity) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        await write();
      });
      queue = run.catch(() => {});
      return run;
    };
    const exporter = new PhotoExporter({
      faces: rig.core.faces,
      photos: rig.core.photos,
      concurrency: 4,
      writeFile: (file, bytes) => fits(bytes.byteLength, () => writeFile(file, bytes, { flag: 'wx' })),
      appendFile: (file, data) => fits(Buffer.byteLength(data), () => appendFile(file, data)),
    });
    const summary = await exporter.run({ employees, outDir, options: opts() });
    expect(summary.saved).toBeGreaterThan(0);
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.failures.every((f) => f.error.code === 'fs.disk_full')).toBe(true);
    await expectTruthfulManifest(outDir, summary);
  });

  it('writes a truthful final manifest on a real full file system (a small tmpfs)', async (ctx) => {
    // Every employee: a manifest larger than a photo, so the room a failed photo leaves cannot take it by luck.
    const { employees, photoBytes, manifestBytes } = await diskFullCase(240);
    const outDir = await newFolder();
    const size = Math.ceil((Math.floor(photoBytes / 2) + 4 * manifestBytes) / 4096) * 4096;
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', outDir], { encoding: 'utf8' });
    if (mounted.status !== 0) ctx.skip(`cannot mount a tmpfs here (needs root): ${(mounted.stderr || mounted.error?.message || '').trim()}`);
    try {
      const exporter = new PhotoExporter({ faces: rig.core.faces, photos: rig.core.photos, concurrency: 4 });
      const summary = await exporter.run({ employees, outDir, options: opts() });
      expect(summary.failed).toBeGreaterThan(0);
      expect(summary.failures.every((f) => f.error.code === 'fs.disk_full')).toBe(true);
      await expectTruthfulManifest(outDir, summary);
    } finally {
      spawnSync('umount', [outDir]);
    }
  });

  it('refuses a folder that is missing or not writable before calling Feishu', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 5);
    const fresh = rig.newCore();
    const targets = [path.join(work, 'does-not-exist'), path.join(work, 'a-file.txt')];
    await writeFile(targets[1]!, 'x');
    if (process.getuid?.() !== 0) {
      // Root ignores permission bits, so a read-only folder only proves something for ordinary users.
      const ro = path.join(work, 'read-only');
      await mkdir(ro);
      await chmod(ro, 0o500);
      targets.push(ro);
    }
    rig.sim.resetStats();
    for (const outDir of targets) {
      let thrown: unknown;
      await fresh.exporter.run({ employees, outDir, options: opts() }).catch((e: unknown) => (thrown = e));
      expect(isAppFailure(thrown) && thrown.info.code).toBe('fs.not_writable');
    }
    expect(Object.values(rig.sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('refuses an unknown template token before doing anything', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 5);
    let thrown: unknown;
    await rig.core.exporter.run({ employees, outDir: await newFolder(), options: opts({ template: '{name}_{badge}' }) }).catch((e: unknown) => (thrown = e));
    expect(isAppFailure(thrown) && thrown.info.code).toBe('input.invalid');
    expect(isAppFailure(thrown) && thrown.info.detail).toContain('{badge}');
  });

  it('writes a ZIP with the photos and the manifest', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 30);
    const outDir = await newFolder();
    const summary = await rig.core.exporter.run({ employees, outDir, options: opts({ zip: true, subfolders: 'group' }) });
    expect(summary.zipPath).not.toBeNull();
    expect(path.dirname(summary.zipPath!)).toBe(outDir);
    expect(path.basename(summary.zipPath!)).toMatch(/^faces-\d{8}-\d{4}\.zip$/);
    const entries = readZip(await readFile(summary.zipPath!));
    const rows = (await manifest(outDir)).rows.filter((r) => r.status === 'saved');
    expect(rows).toHaveLength(employees.filter((e) => faceOf(e.userId)).length);
    expect([...entries.keys()].sort()).toEqual([...rows.map((r) => r.file), 'manifest.csv'].sort());
    for (const r of rows) expect(entries.get(r.file)!.equals(photoOf(r.user_id))).toBe(true);
    expect(entries.get('manifest.csv')!.equals(await readFile(path.join(outDir, 'manifest.csv')))).toBe(true);
    for (const r of rows) {
      const e = employees.find((x) => x.userId === r.user_id)!;
      const folder = r.file.split('/')[0]!;
      expect(nameKey(folder)).toBe(nameKey(subfolderFor('group', e))); // first attendance group, or 未分组
    }
    expect((await readdir(outDir)).filter((n) => n.includes('.part-'))).toEqual([]);
  });

  // Symlinks: the export folder's contents are not trusted (a subfolder may be a link, and manifest.csv is a file the
  // admin can edit). Chosen behaviour: a photo whose folder is a link is not written at all; its row fails with
  // fs.path_escape. A manifest row that is absolute, has "..", or leads through a link is never reused, zipped,
  // overwritten or deleted.
  it('refuses a subfolder that is a symlink leading outside: nothing is written there, the rows fail with fs.path_escape', async () => {
    const all = await rig.core.directory.employees({ kind: 'all' });
    const target = all.find((e) => faceOf(e.userId) && e.departmentNames.length)!;
    const folder = subfolderFor('department', target);
    const sameFolder = all.filter((e) => nameKey(subfolderFor('department', e)) === nameKey(folder));
    const employees = [...sameFolder, ...all.filter((e) => !sameFolder.includes(e)).slice(0, 10)];
    const outDir = await newFolder();
    const outside = await mkdtemp(path.join(rig.root, 'outside-'));
    await symlink(outside, path.join(outDir, subfolderFor('department', employees[0]!)), 'dir');

    const summary = await rig.core.exporter.run({ employees, outDir, options: opts({ subfolders: 'department' }) });
    expect(await readdir(outside)).toEqual([]);
    const escaped = sameFolder.filter((e) => faceOf(e.userId));
    expect(summary.failed).toBe(escaped.length);
    expect(summary.failures.map((f) => f.userId).sort()).toEqual(escaped.map((e) => e.userId).sort());
    for (const f of summary.failures) expect(f.error.code).toBe('fs.path_escape');
    const rows = (await manifest(outDir)).rows;
    expect(rows.map((r) => r.user_id).sort()).toEqual(employees.map((e) => e.userId).sort());
    for (const e of escaped) expect(rows.find((r) => r.user_id === e.userId)).toMatchObject({ status: 'failed', error: 'fs.path_escape', file: '' });
    expect(summary.saved).toBe(employees.filter((e) => faceOf(e.userId)).length - escaped.length);
  });

  it('never deletes, overwrites or zips a file that a crafted manifest row points to outside the folder', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).filter((e) => faceOf(e.userId)).slice(0, 6);
    const [a, b, c, d] = employees;
    const selection = employees.filter((e) => e !== d); // d is only in the old manifest: a row carried over
    const outDir = await newFolder();
    await rig.core.exporter.run({ employees, outDir, options: opts() });

    const outside = await mkdtemp(path.join(rig.root, 'outside-'));
    const victims = { dotdot: path.join(path.dirname(outDir), 'outside.txt'), linked: path.join(outside, 'victim.jpg'), abs: path.join(outside, 'abs.jpg'), secret: path.join(outside, 'secret.jpg') };
    for (const [k, f] of Object.entries(victims)) await writeFile(f, `keep me: ${k}`);
    await symlink(outside, path.join(outDir, 'evil'), 'dir');
    const previous = await readManifest(outDir);
    const edit = (userId: string, file: string) => previous.set(userId, { ...previous.get(userId)!, file, face_key: 'changed', status: 'saved' });
    edit(a!.userId, '../outside.txt');
    edit(b!.userId, 'evil/victim.jpg');
    edit(c!.userId, victims.abs);
    edit(d!.userId, 'evil/secret.jpg');
    await writeFile(path.join(outDir, 'manifest.csv'), manifestCsv([...previous.values()]));

    const summary = await rig.core.exporter.run({ employees: selection, outDir, options: opts({ zip: true }) });
    // a, b and c's own photos are still in the folder under their names (byte for byte), now unlisted: found, not rewritten.
    expect(summary).toMatchObject({ failed: 0, saved: 0, upToDate: selection.length });
    for (const [k, f] of Object.entries(victims)) expect(await readFile(f, 'utf8')).toBe(`keep me: ${k}`);
    const rows = (await manifest(outDir)).rows;
    for (const e of [a!, b!, c!]) {
      const r = rows.find((x) => x.user_id === e.userId)!;
      expect(r.status).toBe('up_to_date');
      expect(r.file).not.toMatch(/^evil\/|\.\.|^\//);
      expect((await readFile(path.join(outDir, r.file))).equals(photoOf(e.userId))).toBe(true);
    }
    // Its file is not in the folder (a crafted path is never trusted): the employee stays listed, without a file.
    expect(rows.find((r) => r.user_id === d!.userId)).toMatchObject({ file: '', sha256: '', status: 'cancelled' });
    const entries = readZip(await readFile(summary.zipPath!));
    expect([...entries.keys()].some((n) => n.startsWith('evil/') || n.includes('..'))).toBe(false);
    expect([...entries.values()].some((v) => v.toString().startsWith('keep me'))).toBe(false);
  });

  it('accepts an export folder that is itself a link (the admin chose it), and reports the path as given', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 8);
    const real = await newFolder();
    const link = path.join(rig.root, `link-${folderNo}`);
    await symlink(real, link, 'dir');
    const summary = await rig.core.exporter.run({ employees, outDir: link, options: opts({ subfolders: 'department', zip: true }) });
    expect(summary).toMatchObject({ outDir: link, failed: 0, saved: employees.filter((e) => faceOf(e.userId)).length });
    expect(path.dirname(summary.manifestPath)).toBe(link);
    expect(path.dirname(summary.zipPath!)).toBe(link);
    expect((await walk(real)).filter((f) => f.includes('/'))).toHaveLength(summary.saved);
  });

  it('keeps a manifest row for every employee when the writer throws something other than a full disk', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 40);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    let writes = 0;
    const exporter = new PhotoExporter({
      faces: rig.core.faces,
      photos: rig.core.photos,
      concurrency: 4,
      writeFile: async (file, bytes) => {
        const n = ++writes;
        if (n % 3 === 0) throw new TypeError('writer bug');
        if (n % 3 === 1) {
          await writeFile(file, bytes.subarray(0, 10));
          throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        }
        await writeFile(file, bytes);
      },
    });
    const summary = await exporter.run({ employees, outDir, options: opts() });
    expect(summary.saved + summary.failed).toBe(enrolled);
    expect(summary.failed).toBeGreaterThan(0);
    const rows = (await manifest(outDir)).rows;
    expect(rows.map((r) => r.user_id)).toEqual(employees.map((e) => e.userId));
    for (const r of rows.filter((x) => x.status === 'failed')) expect(r.error).toMatch(/^(internal|fs\.not_writable)$/);
    expect((await walk(outDir)).filter((f) => f.includes('.part-'))).toEqual([]);
  });
});

describe('exporter progress', () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
  const person = (i: number): Employee => ({
    userId: `u${i}`,
    name: `P${i}`,
    enName: '',
    employeeNo: `E${i}`,
    email: '',
    mobile: '',
    departmentIds: [],
    departmentNames: [],
    groupNames: [],
    resigned: false,
    jobTitle: '',
  });

  it('reports rate as photos saved per second over a sliding window, and the ETA from the work left', async () => {
    let clock = 1_000_000;
    const withPhoto = Array.from({ length: 30 }, (_, i) => person(i));
    const without = Array.from({ length: 20 }, (_, i) => person(100 + i));
    const faces: FaceSettings = {
      get: (ids) => {
        const enrolled = new Set(withPhoto.map((e) => e.userId));
        return Promise.resolve(new Map(ids.filter((id) => enrolled.has(id)).map((id) => [id, { enrolled: true, faceKey: `k_${id}`, updatedAt: 1_700_000_000 }])));
      },
      invalidate: () => {},
    };
    const photos = {
      get: () => {
        clock += 250; // four photos a second
        return Promise.resolve({ bytes: jpeg, mime: 'image/jpeg' as const });
      },
    } as unknown as PhotoStore;
    const events: ExportProgress[] = [];
    const outDir = await mkdtemp(path.join(tmpdir(), 'exporter-progress-'));
    const summary = await new PhotoExporter({ faces, photos, concurrency: 1, now: () => clock })
      .run({ employees: [...without, ...withPhoto], outDir, options: opts(), onProgress: (p) => events.push(p) })
      .finally(() => rm(outDir, { recursive: true, force: true }));
    expect(summary).toMatchObject({ saved: 30, noPhoto: 20, failed: 0 });
    const downloading = events.filter((e) => e.phase === 'downloading');
    // The 20 rows without a photo, settled before any download, are not photos per second.
    expect(downloading[0]).toMatchObject({ done: 20, rate: 0, etaSeconds: null });
    const late = downloading.filter((e) => e.saved >= 25);
    expect(late.length).toBeGreaterThan(0);
    for (const e of late) {
      expect(e.rate).toBeGreaterThanOrEqual(3.8);
      expect(e.rate).toBeLessThanOrEqual(4.2);
      expect(Math.abs(e.etaSeconds! - (50 - e.done) / 4)).toBeLessThanOrEqual(0.5);
    }
    expect(events.at(-1)).toMatchObject({ phase: 'done', etaSeconds: 0 });
  });
});
