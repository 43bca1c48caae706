// Coverage figures over loopback against the demo company: every expectation is counted here from the simulator's
// own tenant data (departments, users, faces, groups, the out-of-range switch), not through the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageCounts, DepartmentCoverage } from '../../../shared/coverage';
import { applyDemoRange, demoSimulatorOptions } from '../../simulator/demo';
import type { SimUser } from '../../simulator/types';
import { startRig, type CoreRig } from '../core.testkit';
import { staleBefore } from './count';

// A fixed clock: 2026-11-30 12:00 UTC; twelve months before is 2025-11-30 12:00 UTC.
const NOW = Date.UTC(2026, 10, 30, 12);
const CUTOFF_12 = Date.UTC(2025, 10, 30, 12) / 1000;

let rig: CoreRig;
let outOfRange: Set<string>;

beforeAll(async () => {
  rig = await startRig({ ...demoSimulatorOptions(), latencyMs: 0, latencyJitterMs: 0 }, { now: () => NOW });
  applyDemoRange(rig.sim);
  outOfRange = rig.sim.switches.outOfRangeUserIds;
});
afterAll(() => rig.close());

/** Counts of these simulator users, from the simulator's data alone. */
function expected(users: readonly SimUser[], cutoff: number): CoverageCounts {
  const c = { total: 0, enrolled: 0, notEnrolled: 0, notVisible: 0, stale: 0 };
  for (const u of users) {
    if (u.status.is_resigned) continue;
    c.total++;
    const face = rig.sim.tenant.faces.get(u.user_id);
    if (outOfRange.has(u.user_id)) c.notVisible++;
    else if (!face) c.notEnrolled++;
    else {
      c.enrolled++;
      if (Number(face.face_key_update_time) < cutoff) c.stale++;
    }
  }
  return c;
}

/** Users in a department or any department below it, from the simulator's parent links. */
function usersUnder(openId: string): SimUser[] {
  const parent = new Map(rig.sim.tenant.departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const under = (d: string | undefined): boolean => {
    for (let cur = d; cur; cur = parent.get(cur)) if (cur === openId) return true;
    return false;
  };
  return rig.sim.tenant.users.filter((u) => u.department_ids.some(under));
}

function flatten(n: DepartmentCoverage, out: DepartmentCoverage[] = []): DepartmentCoverage[] {
  out.push(n);
  for (const c of n.children) flatten(c, out);
  return out;
}

describe('coverage figures', () => {
  it('match the tenant for the whole company, every department (sub-departments included) and every group', async () => {
    const cov = await rig.core.coverage(12);
    expect(cov.staleBefore).toBe(CUTOFF_12);
    expect(cov.company.id).toBe('0');
    expect(cov.company.counts).toEqual(expected(rig.sim.tenant.users, CUTOFF_12));
    // The demo has people of each kind, so no figure is trivially zero.
    expect(cov.company.counts.notVisible).toBe(2);
    expect(cov.company.counts.notEnrolled).toBeGreaterThan(5);
    expect(cov.company.counts.stale).toBeGreaterThan(5);

    const departments = flatten(cov.company).slice(1);
    expect(departments.map((d) => d.id).sort()).toEqual(rig.sim.tenant.departments.map((d) => d.open_department_id).sort());
    for (const d of departments) expect({ id: d.id, ...d.counts }).toEqual({ id: d.id, ...expected(usersUnder(d.id), CUTOFF_12) });
    // A parent counts its sub-departments: 研发中心 holds more than any one of its teams.
    const rd = departments.find((d) => d.name === '研发中心')!;
    expect(rd.children.length).toBeGreaterThan(1);
    expect(rd.counts.total).toBeGreaterThan(Math.max(...rd.children.map((c) => c.counts.total)));

    expect(cov.groups.map((g) => g.id)).toEqual(rig.sim.tenant.groups.map((g) => g.group_id));
    for (const g of rig.sim.tenant.groups) {
      const members = rig.sim.tenant.users.filter((u) => g.user_ids.includes(u.user_id));
      expect(cov.groups.find((x) => x.id === g.group_id)!.counts).toEqual(expected(members, CUTOFF_12));
    }
  });

  it('counts a photo as stale only when it changed more than N months ago', async () => {
    const enrolled = rig.sim.tenant.users.filter((u) => !u.status.is_resigned && rig.sim.tenant.faces.has(u.user_id) && !outOfRange.has(u.user_id));
    const [justOld, justNew] = enrolled;
    const saved = [justOld!, justNew!].map((u) => ({ ...rig.sim.tenant.faces.get(u.user_id)! }));
    rig.sim.tenant.faces.get(justOld!.user_id)!.face_key_update_time = String(CUTOFF_12 - 1);
    rig.sim.tenant.faces.get(justNew!.user_id)!.face_key_update_time = String(CUTOFF_12);
    rig.core.faces.invalidate();
    try {
      const cov = await rig.core.coverage(12);
      expect(cov.company.counts.stale).toBe(expected(rig.sim.tenant.users, CUTOFF_12).stale);
      const report = await rig.core.coverageReport({ kind: 'all' }, 12);
      expect(report.rows.find((r) => r.userId === justOld!.user_id)!.status).toBe('stale');
      expect(report.rows.find((r) => r.userId === justNew!.user_id)!.status).toBe('enrolled');
      // Fewer months, more stale photos; the counts still add up.
      const six = await rig.core.coverage(6);
      expect(six.company.counts.stale).toBe(expected(rig.sim.tenant.users, Date.UTC(2026, 4, 30, 12) / 1000).stale);
      expect(six.company.counts.stale).toBeGreaterThan(cov.company.counts.stale);
    } finally {
      [justOld!, justNew!].forEach((u, i) => rig.sim.tenant.faces.set(u.user_id, saved[i]!));
      rig.core.faces.invalidate();
    }
  });

  it('a department report lists exactly its current staff, sub-departments included, with its own figures', async () => {
    const rd = rig.sim.tenant.departments.find((d) => d.name === '研发中心')!;
    const report = await rig.core.coverageReport({ kind: 'department', id: rd.open_department_id }, 12);
    const want = usersUnder(rd.open_department_id).filter((u) => !u.status.is_resigned);
    expect(report.rows.map((r) => r.userId).sort()).toEqual(want.map((u) => u.user_id).sort());
    expect(report.summary.company.id).toBe(rd.open_department_id);
    expect(report.summary.company.counts).toEqual(expected(want, CUTOFF_12));
    // Only the groups its staff are in, each counted over the department's staff only.
    for (const g of report.summary.groups) {
      const sim = rig.sim.tenant.groups.find((x) => x.group_id === g.id)!;
      expect(g.counts).toEqual(expected(want.filter((u) => sim.user_ids.includes(u.user_id)), CUTOFF_12));
    }
  });

  it('report rows carry what a manager needs: 工号, department path, manager, email, mobile, group, status', async () => {
    const group = rig.sim.tenant.groups[0]!;
    const report = await rig.core.coverageReport({ kind: 'group', id: group.group_id }, 12);
    const active = rig.sim.tenant.users.filter((u) => group.user_ids.includes(u.user_id) && !u.status.is_resigned);
    expect(report.rows).toHaveLength(active.length);
    const deep = rig.sim.tenant.users.find((u) => {
      const d = rig.sim.tenant.departments.find((x) => x.open_department_id === u.department_ids[0]);
      return active.includes(u) && d && d.parent_department_id !== '0';
    })!;
    const row = report.rows.find((r) => r.userId === deep.user_id)!;
    const dept = rig.sim.tenant.departments.find((x) => x.open_department_id === deep.department_ids[0])!;
    const parent = rig.sim.tenant.departments.find((x) => x.open_department_id === dept.parent_department_id)!;
    expect(row).toMatchObject({ name: deep.name, employeeNo: deep.employee_no, email: deep.email, mobile: deep.mobile, groups: group.group_name });
    expect(row.departmentPath.endsWith(`${parent.name}/${dept.name}`)).toBe(true);
    // The manager is a named colleague, never the employee.
    const withManager = report.rows.filter((r) => r.manager);
    expect(withManager.length).toBeGreaterThan(active.length / 2);
    expect(withManager.every((r) => r.manager !== r.name || rig.sim.tenant.users.filter((u) => u.name === r.name).length > 1)).toBe(true);
    const notVisible = report.rows.filter((r) => r.status === 'not_visible').map((r) => r.userId);
    expect(notVisible.every((id) => outOfRange.has(id))).toBe(true);
  });

  it('an unknown department or group is a clear input error', async () => {
    await expect(rig.core.coverageReport({ kind: 'department', id: 'od-nope' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });
    await expect(rig.core.coverageReport({ kind: 'group', id: 'nope' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });
  });
});

describe('staleBefore', () => {
  it('goes back whole calendar months, the 31st landing on the shorter month\'s last day', () => {
    expect(staleBefore(Date.UTC(2026, 2, 31, 8), 1)).toBe(Date.UTC(2026, 1, 28, 8) / 1000);
    expect(staleBefore(Date.UTC(2026, 0, 15), 24)).toBe(Date.UTC(2024, 0, 15) / 1000);
  });
});
