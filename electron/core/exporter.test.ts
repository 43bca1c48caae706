import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { MANIFEST_COLUMNS, type Employee, type ExportOptions, type ExportProgress, type ManifestRow } from '../../shared/model';
import { nameKey, subfolderFor } from '../../shared/naming';
import { HOSTILE_USER_IDS } from '../simulator/index';
import { PhotoExporter } from './exporter';
import { parseCsv } from './manifest';
import { readZip, startRig, validOnAllSystems, type CoreRig } from './testing';
import type { PhotoStore } from './types';

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
    rig = await startRig({ seed: 21, employees: 240 });
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
      // "Team Alpha" and "TEAM ALPHA" would be one folder on Windows and macOS: they are one folder everywhere.
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

  it('leaves no partial file when cancelled or killed, and the next run completes', async () => {
    const employees = (await rig.core.directory.employees({ kind: 'all' })).slice(0, 120);
    const enrolled = employees.filter((e) => faceOf(e.userId)).length;
    const outDir = await newFolder();
    await rig.core.photos.clear();
    const controller = new AbortController();
    let gets = 0;
    const photos: PhotoStore = {
      ...rig.core.photos,
      get: (key, signal) => {
        if (++gets === 15) controller.abort();
        return rig.core.photos.get(key, signal);
      },
    };
    const exporter = new PhotoExporter({ faces: rig.core.faces, photos, concurrency: 4 });
    const cancelled = await exporter.run({ employees, outDir, options: opts(), signal: controller.signal });
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
});
