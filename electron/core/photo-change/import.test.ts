// Importing a folder against the simulated tenant over loopback HTTP: every plan outcome, a plan that writes
// nothing, a run that ends each file as planned, a re-run that finds nothing left to do, and an exported folder
// that re-imports with its own template.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type CoreRig } from '../core.testkit';
import { sha256Hex } from './archive';
import { photoChangeDeps } from './index';
import { planImport, type ImportPlan } from './import-plan';
import { runImport } from './import-run';

let rig: CoreRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const writeCalls = (r: CoreRig) => r.calls('files.upload') + r.calls('user_settings.modify');
const outcomeOf = (plan: ImportPlan, file: string) => plan.items.find((i) => i.file === file)?.outcome;

async function folderWithEveryCase(r: CoreRig) {
  const users = r.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no);
  const enrolled = users.filter((u) => r.sim.tenant.faces.has(u.user_id));
  const bare = users.filter((u) => !r.sim.tenant.faces.has(u.user_id));
  const photo = (i: number) => r.sim.photoBytes([...r.sim.tenant.faces.values()][i]!.face_key)!;
  const dir = await mkdtemp(path.join(r.root, 'import-'));
  await mkdir(path.join(dir, 'sub'));
  const cases = {
    enrol: { file: `${bare[0]!.employee_no}.jpg`, user: bare[0]! },
    replace: { file: `sub/${enrolled[0]!.employee_no}.jpg`, user: enrolled[0]! },
    same: { file: `${enrolled[1]!.employee_no}.jpg`, user: enrolled[1]! },
    unmatched: { file: 'NOBODY-999.jpg' },
    dupA: { file: `${enrolled[2]!.employee_no}.jpg`, user: enrolled[2]! },
    dupB: { file: `${enrolled[2]!.employee_no}.png`, user: enrolled[2]! },
    invalid: { file: `${bare[1]!.employee_no}.jpg`, user: bare[1]! },
  };
  await writeFile(path.join(dir, cases.enrol.file), photo(7));
  await writeFile(path.join(dir, cases.replace.file), photo(8));
  await writeFile(path.join(dir, cases.same.file), r.sim.photoBytes(r.sim.tenant.faces.get(enrolled[1]!.user_id)!.face_key)!);
  await writeFile(path.join(dir, cases.unmatched.file), photo(9));
  await writeFile(path.join(dir, cases.dupA.file), photo(10));
  await writeFile(path.join(dir, cases.dupB.file), photo(11));
  await writeFile(path.join(dir, cases.invalid.file), photo(12).subarray(0, 500));
  return { dir, cases };
}

describe('folder import', () => {
  it('plans every outcome without a write call, then each file ends as planned, and a re-run has nothing left to do', async () => {
    rig = await startRig({ seed: 31, employees: 60, enrolledShare: 0.7 });
    const r = rig;
    const { dir, cases } = await folderWithEveryCase(r);
    const before = await readdir(dir, { recursive: true });
    r.sim.resetStats();

    const withoutReplace = await planImport(r.core, dir);
    expect(outcomeOf(withoutReplace, cases.replace.file)).toBe('has_photo');
    const plan = await planImport(r.core, dir, { replace: true });
    expect(writeCalls(r)).toBe(0);
    expect(Object.fromEntries(plan.items.map((i) => [i.file, i.outcome]))).toEqual({
      [cases.enrol.file]: 'enrol',
      [cases.replace.file]: 'replace',
      [cases.same.file]: 'same_photo',
      [cases.unmatched.file]: 'no_such_employee',
      [cases.dupA.file]: 'ambiguous',
      [cases.dupB.file]: 'ambiguous',
      [cases.invalid.file]: 'invalid',
    });
    expect(plan.items.find((i) => i.file === cases.invalid.file)?.reason?.code).toBe('photo.damaged');

    const faceBefore = (id: string) => r.sim.tenant.faces.get(id)?.face_key;
    const untouched = [cases.same.user, cases.dupA.user, cases.invalid.user].map((u) => [u.user_id, faceBefore(u.user_id)] as const);
    const deps = photoChangeDeps(r.core, r.cacheDir);
    const summary = await runImport(deps, plan);
    expect(summary).toMatchObject({ planned: 2, enrolled: 1, replaced: 1, failed: [], cancelled: false });
    for (const c of [cases.enrol, cases.replace]) {
      const face = r.sim.tenant.faces.get(c.user.user_id)!;
      expect(sha256Hex(r.sim.photoBytes(face.face_key)!)).toBe(plan.items.find((i) => i.file === c.file)!.sha256);
    }
    for (const [id, key] of untouched) expect(faceBefore(id)).toBe(key);
    expect(await readdir(dir, { recursive: true })).toEqual(before);

    r.sim.resetStats();
    const again = await planImport(r.core, dir, { replace: true });
    expect(outcomeOf(again, cases.enrol.file)).toBe('same_photo');
    expect(outcomeOf(again, cases.replace.file)).toBe('same_photo');
    expect((await runImport(deps, again)).planned).toBe(0);
    expect(writeCalls(r)).toBe(0);
  });

  it('re-imports an exported folder with the export template ({name}_{employee_no}, department subfolders)', async () => {
    rig = await startRig({ seed: 32, employees: 30 });
    const r = rig;
    const employees = (await r.core.directory.employees({ kind: 'all' })).filter((e) => !e.resigned).slice(0, 12);
    const out = await mkdtemp(path.join(r.root, 'export-'));
    await r.core.exporter.run({ employees, outDir: out, options: { template: '{name}_{employee_no}', subfolders: 'department', zip: false } });
    const plan = await planImport(r.core, out, { template: '{name}_{employee_no}' });
    const photos = plan.items.length;
    expect(photos).toBeGreaterThan(5);
    expect(plan.counts.same_photo).toBe(photos);
  });
});
