import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import type { DepartmentNode, EmployeeFilter } from '../../shared/model';
import { startRig, type CoreRig } from './core.testkit';

const all = (over: Partial<EmployeeFilter> = {}): EmployeeFilter => ({
  scope: { kind: 'all' },
  search: '',
  photo: 'all',
  includeResigned: false,
  ...over,
});

function flatten(nodes: DepartmentNode[]): DepartmentNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

describe('directory against the simulated tenant', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 11, employees: 240 });
  });
  afterAll(() => rig.close());

  it('builds the department tree with every department once, top level first', async () => {
    const tree = await rig.core.directory.departmentTree();
    const sim = rig.sim.tenant.departments;
    expect(tree.map((d) => d.id).sort()).toEqual(sim.filter((d) => d.parent_department_id === '0').map((d) => d.open_department_id).sort());
    const flat = flatten(tree);
    expect(flat).toHaveLength(sim.length);
    for (const d of sim) {
      const node = flat.find((n) => n.id === d.open_department_id)!;
      expect(node.name).toBe(d.name);
      for (const child of node.children) expect(child.parentId).toBe(node.id);
    }
  });

  it('lists an employee who sits in two departments once, with both departments', async () => {
    const twoDept = rig.sim.tenant.users.find((u) => u.department_ids.length > 1)!;
    const employees = await rig.core.directory.employees({ kind: 'all' });
    const matches = employees.filter((e) => e.userId === twoDept.user_id);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.departmentIds).toEqual(twoDept.department_ids);
    const names = twoDept.department_ids.map((id) => rig.sim.tenant.departments.find((d) => d.open_department_id === id)!.name);
    expect(matches[0]!.departmentNames).toEqual(names);
    expect(new Set(employees.map((e) => e.userId)).size).toBe(rig.sim.tenant.users.length);
  });

  it('hides resigned employees unless asked, and the check-one lookup still finds them', async () => {
    const resigned = rig.sim.tenant.users.filter((u) => u.status.is_resigned);
    expect(resigned.length).toBeGreaterThan(0);
    const visible = await rig.core.employeeIds(all());
    const withResigned = await rig.core.employeeIds(all({ includeResigned: true }));
    for (const u of resigned) {
      expect(visible).not.toContain(u.user_id);
      expect(withResigned).toContain(u.user_id);
    }
    expect(withResigned).toHaveLength(rig.sim.tenant.users.length);
    const found = await rig.core.lookup(resigned[0]!.employee_no, 5);
    expect(found[0]!.userId).toBe(resigned[0]!.user_id);
    expect(found[0]!.resigned).toBe(true);
    expect((await rig.core.employeeRow(resigned[0]!.user_id)).resigned).toBe(true);
  });

  it("counts each department's current and resigned staff as its list shows them, once the directory is read", async () => {
    await rig.core.employeeIds(all());
    const flat = flatten(await rig.core.directory.departmentTree());
    const withResigned = flat.find((d) => (d.resignedCount ?? 0) > 0);
    expect(withResigned).toBeDefined();
    for (const d of [withResigned!, ...flat.slice(0, 5)]) {
      const scope = { kind: 'department' as const, id: d.id, recursive: true };
      expect(d.memberCount).toBe((await rig.core.employeeIds(all({ scope }))).length);
      expect(d.memberCount! + d.resignedCount!).toBe((await rig.core.employeeIds(all({ scope, includeResigned: true }))).length);
    }
  });

  it("reports the scope's real coverage whatever the photo filter", async () => {
    await rig.core.employeeIds(all()); // the whole directory, not the first partial page
    const any = await rig.core.employeePage(all(), 0, 5);
    expect(any.coverage.enrolled).toBeGreaterThan(0);
    expect(any.coverage.enrolled).toBeLessThan(any.coverage.total);
    const without = await rig.core.employeePage(all({ photo: 'without' }), 0, 5);
    const withPhoto = await rig.core.employeePage(all({ photo: 'with' }), 0, 5);
    expect(without.total).toBe(any.coverage.total - any.coverage.enrolled);
    expect(without.coverage).toEqual(any.coverage);
    expect(withPhoto.coverage).toEqual(any.coverage);
  });

  it('gives a department with or without its sub-departments', async () => {
    const tree = await rig.core.directory.departmentTree();
    const top = tree.find((d) => d.children.length > 0)!;
    const subtree = new Set(flatten([top]).map((d) => d.id));
    const expectedTree = rig.sim.tenant.users.filter((u) => u.department_ids.some((d) => subtree.has(d))).map((u) => u.user_id);
    const expectedDirect = rig.sim.tenant.users.filter((u) => u.department_ids.includes(top.id)).map((u) => u.user_id);
    const recursive = await rig.core.directory.employees({ kind: 'department', id: top.id, recursive: true });
    const direct = await rig.core.directory.employees({ kind: 'department', id: top.id, recursive: false });
    expect(recursive.map((e) => e.userId).sort()).toEqual(expectedTree.sort());
    expect(direct.map((e) => e.userId).sort()).toEqual(expectedDirect.sort());
  });

  it('lists an attendance group with group names filled in', async () => {
    const group = rig.sim.tenant.groups.find((g) => g.user_ids.length > 0)!;
    const employees = await rig.core.directory.employees({ kind: 'group', id: group.group_id });
    expect(employees.map((e) => e.userId).sort()).toEqual([...new Set(group.user_ids)].sort());
    for (const e of employees) expect(e.groupNames).toContain(group.group_name);
    const groups = await rig.core.directory.groups();
    expect(groups.map((g) => g.name).sort()).toEqual(rig.sim.tenant.groups.map((g) => g.group_name).sort());
  });

  it('searches name, employee number, e-mail and user id; exact numbers first', async () => {
    const u = rig.sim.tenant.users[30]!;
    const byNo = await rig.core.directory.search(u.employee_no.toLowerCase(), 10);
    expect(byNo[0]!.userId).toBe(u.user_id);
    const byEmail = await rig.core.directory.search(u.email.toUpperCase(), 10);
    expect(byEmail.map((e) => e.userId)).toContain(u.user_id);
    const byId = await rig.core.directory.search(u.user_id, 10);
    expect(byId[0]!.userId).toBe(u.user_id);
    const surname = u.name.slice(0, 1);
    const byName = await rig.core.directory.search(surname, 500);
    expect(byName.length).toBe(rig.sim.tenant.users.filter((x) => x.name.includes(surname) || x.en_name.toLowerCase().includes(surname.toLowerCase())).length);
    expect(await rig.core.directory.search('no-such-person-xyz', 10)).toEqual([]);
    const row = await rig.core.employeeRow(u.employee_no);
    expect(row.userId).toBe(u.user_id);
  });

  it('pages with the right totals and coverage, and later pages cost no API call', async () => {
    const filter = all({ includeResigned: true });
    const first = await rig.core.employeePage(filter, 0, 50);
    const enrolled = rig.sim.tenant.users.filter((u) => rig.sim.tenant.faces.has(u.user_id)).length;
    expect(first.total).toBe(rig.sim.tenant.users.length);
    expect(first.coverage).toEqual({ enrolled, total: rig.sim.tenant.users.length });
    rig.sim.resetStats();
    const second = await rig.core.employeePage(filter, 50, 50);
    expect(Object.values(rig.sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
    expect(second.rows).toHaveLength(50);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.userId)).size).toBe(100);

    const withPhoto = await rig.core.employeePage({ ...filter, photo: 'with' }, 0, 500);
    const without = await rig.core.employeePage({ ...filter, photo: 'without' }, 0, 500);
    expect(withPhoto.total).toBe(enrolled);
    expect(without.total).toBe(rig.sim.tenant.users.length - enrolled);
    for (const r of withPhoto.rows) {
      const face = rig.sim.tenant.faces.get(r.userId)!;
      expect(r.face).toEqual({ enrolled: true, faceKey: face.face_key, updatedAt: Number(face.face_key_update_time) });
    }
    for (const r of without.rows) expect(r.face.enrolled).toBe(false);
  });

  it('reuses directory reads for ttlMs, then reads again (once, even with the table asking too)', async () => {
    let clock = Date.now();
    const core = rig.newCore({ now: () => clock, ttlMs: 60_000 });
    await core.employeePage(all(), 0, 10);
    // The first page can come while the walk is still going (large tenants show rows early): let it
    // finish, so the calls counted below are only those the cached directory failed to save.
    await core.directory.employees({ kind: 'all' });
    // A first page built from a partial walk read the faces of those employees only: read the whole list's now.
    await core.employeePage(all(), 0, 10);
    rig.sim.resetStats();
    clock += 59_000;
    await core.directory.employees({ kind: 'all' });
    await core.employeePage(all(), 0, 10);
    expect(rig.calls('departments.children')).toBe(0);
    expect(rig.calls('user_settings.query')).toBe(0);
    clock += 2_000;
    const page = await core.employeePage(all(), 0, 10); // answered from the old list while it refreshes
    expect(page.rows).toHaveLength(10);
    await core.directory.employees({ kind: 'all' });
    expect(rig.calls('departments.children')).toBe(1);
  });

  it('shares one directory walk between concurrent identical reads', async () => {
    const fresh = rig.newCore();
    rig.sim.resetStats();
    const [a, b] = await Promise.all([fresh.directory.employees({ kind: 'all' }), fresh.directory.employees({ kind: 'all' })]);
    expect(a).toBe(b);
    expect(rig.calls('departments.children')).toBe(1);
    const departments = rig.sim.tenant.departments.length + 1;
    expect(rig.calls('users.find_by_department')).toBeGreaterThanOrEqual(departments);
    expect(rig.calls('users.find_by_department')).toBeLessThan(departments * 2);
  });
});

describe('face settings', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 5, employees: 120 });
  });
  afterAll(() => rig.close());

  it('reads enrolment in batches, caches it, and re-reads when asked fresh', async () => {
    const ids = rig.sim.tenant.users.map((u) => u.user_id);
    rig.sim.resetStats();
    const info = await rig.core.faces.get(ids);
    expect(rig.calls('user_settings.query')).toBe(Math.ceil(ids.length / 100));
    for (const id of ids) {
      const f = rig.sim.tenant.faces.get(id);
      expect(info.get(id)).toEqual(f ? { enrolled: true, faceKey: f.face_key, updatedAt: Number(f.face_key_update_time) } : { enrolled: false, faceKey: null, updatedAt: null });
    }
    await rig.core.faces.get(ids.slice(0, 10));
    expect(rig.calls('user_settings.query')).toBe(Math.ceil(ids.length / 100));
    const changed = ids.find((id) => rig.sim.tenant.faces.has(id))!;
    const newKey = rig.sim.changeFace(changed);
    expect((await rig.core.faces.get([changed])).get(changed)!.faceKey).not.toBe(newKey);
    expect((await rig.core.faces.get([changed], { fresh: true })).get(changed)!.faceKey).toBe(newKey);
  });

  it('treats an empty face_key as not enrolled', async () => {
    rig.sim.switches.noFaceMode = 'empty';
    try {
      const notEnrolled = rig.sim.tenant.users.filter((u) => !rig.sim.tenant.faces.has(u.user_id)).map((u) => u.user_id);
      expect(notEnrolled.length).toBeGreaterThan(0);
      const info = await rig.core.faces.get(notEnrolled, { fresh: true });
      for (const id of notEnrolled) expect(info.get(id)!.enrolled).toBe(false);
    } finally {
      rig.sim.switches.noFaceMode = 'omit';
    }
  });

  it('names the missing user-id scope instead of listing employees that cannot be joined', async () => {
    rig.sim.switches.missingScopes = ['contact:user.employee_id:readonly'];
    try {
      const core = rig.newCore();
      let thrown: unknown;
      await core.directory.employees({ kind: 'all' }).catch((e: unknown) => (thrown = e));
      expect(isAppFailure(thrown) && thrown.info.code).toBe('scope.missing');
      expect(isAppFailure(thrown) && thrown.info.scopes).toContain('contact:user.employee_id:readonly');
    } finally {
      rig.sim.switches.missingScopes = [];
    }
  });
});

describe('first page of a large directory', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    // Slow answers make the department walk outlast the first page's wait.
    rig = await startRig({ seed: 5, employees: 600, latencyMs: 150 });
  });
  afterAll(() => rig.close());

  it('shows the employees read so far with the walk progress, then the whole list', async () => {
    const first = await rig.core.employeePage(all(), 0, 50);
    expect(first.loading).toBeTruthy();
    expect(first.loading!.done).toBeLessThanOrEqual(first.loading!.total);
    expect(first.total).toBeLessThan(600);

    let page = first;
    for (let i = 0; i < 120 && page.loading; i++) {
      await new Promise((r) => setTimeout(r, 250));
      page = await rig.core.employeePage(all(), 0, 50);
    }
    expect(page.loading ?? null).toBeNull();
    const everyone = await rig.core.employeeIds(all());
    expect(page.total).toBe(everyone.length);
    const expected = rig.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    expect(everyone).toHaveLength(expected);
    // What the partial page showed were real employees of the final list.
    for (const r of first.rows) expect(everyone).toContain(r.userId);
  });
});

describe('directory with same-named departments', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 5, employees: 60, twinDepartments: true });
  });
  afterAll(() => rig.close());

  it('gives each employee the full path of their department and a path no other department has', async () => {
    const employees = await rig.core.directory.employees({ kind: 'all' });
    const teams = rig.sim.tenant.departments.filter((d) => d.name === '一组').map((d) => d.open_department_id);
    expect(teams).toHaveLength(2);
    const [qa, brand] = teams.map((id) => employees.find((e) => e.departmentIds[0] === id)!);
    expect(qa!.departmentNames[0]).toBe('一组');
    expect(qa!.departmentPaths![0]).toEqual({ full: ['双子中心', '测试组', '一组'], unique: ['测试组', '一组'] });
    expect(brand!.departmentPaths![0]).toEqual({ full: ['双子中心', '品牌组', '一组'], unique: ['品牌组', '一组'] });
    // Everyone else: paths line up with departmentIds, and no two departments share a unique path.
    const byDept = new Map<string, string>();
    for (const e of employees) {
      expect(e.departmentPaths).toHaveLength(e.departmentIds.length);
      e.departmentIds.forEach((id, i) => {
        const label = e.departmentPaths![i]!.unique.join('/').toLowerCase();
        expect(e.departmentPaths![i]!.full.at(-1)).toBe(e.departmentNames[i]);
        byDept.set(id, label);
      });
    }
    expect(new Set(byDept.values()).size).toBe(byDept.size);
  });
});

describe('directory without the employee-number scope', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 5, employees: 60 });
    rig.sim.switches.missingScopes = ['contact:user.employee_number:read'];
  });
  afterAll(() => rig.close());

  it('lists everyone without 工号 and says which scope is missing', async () => {
    await rig.core.employeeIds(all());
    const page = await rig.core.employeePage(all(), 0, 10);
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows.every((r) => r.employeeNo === '')).toBe(true);
    expect(page.missingScopes).toEqual(['contact:user.employee_number:read']);
  });
});

describe('directory with every scope', () => {
  it('reports no missing scope, also for a tenant whose 工号 are empty', async () => {
    const rig = await startRig({ seed: 5, employees: 30 });
    try {
      await rig.core.employeeIds(all());
      expect((await rig.core.employeePage(all(), 0, 10)).missingScopes).toBeUndefined();
      for (const u of rig.sim.tenant.users) u.employee_no = '';
      rig.core.directory.invalidate();
      await rig.core.employeeIds(all());
      const page = await rig.core.employeePage(all(), 0, 10);
      expect(page.rows[0]!.employeeNo).toBe('');
      expect(page.missingScopes).toBeUndefined();
    } finally {
      await rig.close();
    }
  });
});
