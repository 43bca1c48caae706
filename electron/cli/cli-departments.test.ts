// Same-named departments from the command line (issue #8, defect 10): two departments named 一组 under different
// parents are never one folder, and --department 一组 asks which one is meant.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimDepartment } from '../simulator/types';
import { cliTenant, readManifest, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 7, employees: 60, latencyMs: 0, twinDepartments: true });

/** The two 一组 departments of the fixture and the one employee in each. */
function twins(): { dept: SimDepartment; userId: string }[] {
  const teams = tenant.sim.tenant.departments.filter((d) => d.name === '一组');
  return teams.map((dept) => ({ dept, userId: tenant.sim.tenant.users.find((u) => u.department_ids[0] === dept.open_department_id)!.user_id }));
}

describe('cli with two departments named 一组', { timeout: 120_000 }, () => {
  it('exits 2 for an ambiguous --department name, listing each candidate with its full path and id', async () => {
    expect(twins()).toHaveLength(2);
    const run = await runCli(['export', '--department', '一组', '--out', join(tenant.work, 'amb')], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"双子中心/测试组/一组"');
    expect(run.stderr).toContain('"双子中心/品牌组/一组"');
    for (const t of twins()) expect(run.stderr).toContain(t.dept.open_department_id);
    expect(tenant.sim.stats().requests['files.download'] ?? 0).toBe(0);
  });

  it('sorts their photos into two folders, names them apart and records the full path in the manifest', async () => {
    const out = join(tenant.work, 'sorted');
    const run = await runCli(['export', '--all', '--subfolders', 'department', '--template', '{department}_{name}', '--out', out], {
      env: tenant.env(),
    });
    expect(run.code).toBe(0);
    const rows = new Map((await readManifest(out)).map((r) => [r.user_id!, r]));
    const [qa, brand] = twins().map((t) => rows.get(t.userId)!);
    expect(qa!.file!.startsWith('测试组 - 一组/测试组 - 一组_')).toBe(true);
    expect(brand!.file!.startsWith('品牌组 - 一组/品牌组 - 一组_')).toBe(true);
    // The department column stays the bare name for existing scripts; department_path tells them apart.
    expect(qa).toMatchObject({ department: '一组', department_path: '双子中心/测试组/一组' });
    expect(brand).toMatchObject({ department: '一组', department_path: '双子中心/品牌组/一组' });
  });
});
