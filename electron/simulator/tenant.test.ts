import { describe, expect, it } from 'vitest';
import { generateTenant, HOSTILE_DEPARTMENTS, HOSTILE_EMPLOYEES, HOSTILE_GROUPS, HOSTILE_USER_IDS, TENANT_EPOCH_SECONDS } from './tenant';
import { startSimulator } from './index';
import { allPages, tokenFor } from './simulator.testkit';

const size = (seed: number, employees = 240) => ({ seed, employees, departments: Math.max(6, Math.round(employees / 15)), groups: 5, enrolledShare: 0.9 });
/** The same tenant with the hostile fixtures, as tests and benchmarks ask for them. */
const hostileSize = (seed: number, employees = 240) => ({ ...size(seed, employees), hostile: true });

describe('generated tenant', () => {
  it('is the same for the same seed and different for another seed', () => {
    const a = generateTenant(size(42)).tenant;
    const b = generateTenant(size(42)).tenant;
    const c = generateTenant(size(43)).tenant;
    expect(b.users).toEqual(a.users);
    expect(b.departments).toEqual(a.departments);
    expect(b.groups).toEqual(a.groups);
    expect([...b.faces]).toEqual([...a.faces]);
    expect(c.users.map((u) => u.open_id)).not.toEqual(a.users.map((u) => u.open_id));
  });

  it('has a department tree two to three levels deep with Chinese names', () => {
    const { departments } = generateTenant(size(1, 600)).tenant;
    const parent = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
    const depth = (id: string): number => (id === '0' ? 0 : 1 + depth(parent.get(id) as string));
    const depths = departments.map((d) => depth(d.open_department_id));
    expect(Math.min(...depths)).toBe(1);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...depths)).toBeLessThanOrEqual(3);
    expect(departments.map((d) => d.name)).toContain('研发中心');
    const hostile = new Set(HOSTILE_DEPARTMENTS.map((h) => h.name));
    expect(departments.filter((d) => !hostile.has(d.name)).every((d) => /[\u4e00-\u9fff]/.test(d.name))).toBe(true);
  });

  it('has realistic employees: Chinese and English names, E-numbers, emails, +86 mobiles, a few resigned, one in two departments', () => {
    const { users } = generateTenant(size(5)).tenant;
    const ordinary = users.filter((u) => !HOSTILE_USER_IDS.includes(u.user_id));
    expect(ordinary.every((u) => /^[\u4e00-\u9fff]{2,4}$/.test(u.name))).toBe(true);
    expect(ordinary.every((u) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.en_name))).toBe(true);
    expect(users.every((u) => /^E\d{5}$/.test(u.employee_no))).toBe(true);
    expect(new Set(users.map((u) => u.employee_no)).size).toBe(users.length);
    expect(new Set(users.map((u) => u.user_id)).size).toBe(users.length);
    expect(users.every((u) => /^[^@\s]+@example\.com$/.test(u.email) && /^\+861\d{10}$/.test(u.mobile))).toBe(true);
    expect(users.filter((u) => u.status.is_resigned).length).toBeGreaterThanOrEqual(2);
    expect(users.some((u) => u.department_ids.length === 2)).toBe(true);
  });

  it('enrols about enrolledShare of employees, with 32-hex face_keys updated within two years', () => {
    const { users, faces } = generateTenant({ ...size(9, 2000), enrolledShare: 0.7 }).tenant;
    const share = faces.size / users.length;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.75);
    const keys = [...faces.values()].map((f) => f.face_key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of faces.values()) {
      expect(f.face_key).toMatch(/^[0-9a-f]{32}$/);
      const t = Number(f.face_key_update_time);
      expect(t).toBeLessThanOrEqual(TENANT_EPOCH_SECONDS);
      expect(t).toBeGreaterThan(TENANT_EPOCH_SECONDS - 2 * 366 * 86400);
    }
    const pngShare = [...faces.values()].filter((f) => f.mime === 'image/png').length / faces.size;
    expect(pngShare).toBeGreaterThan(0.05);
    expect(pngShare).toBeLessThan(0.3);
  });

  it('puts every active employee in at most one attendance group; resigned ones in none', () => {
    const { users, groups } = generateTenant(size(2)).tenant;
    const all = groups.flatMap((g) => g.user_ids);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(users.length * 0.9);
    const resigned = new Set(users.filter((u) => u.status.is_resigned).map((u) => u.user_id));
    expect(all.some((id) => resigned.has(id))).toBe(false);
  });
});

describe('hostile names for the exporter', () => {
  it('are present with fixed user_ids in every hostile tenant of 60 or more employees, enrolled', () => {
    for (const seed of [1, 2, 99]) {
      const { users, faces } = generateTenant(hostileSize(seed, 60)).tenant;
      for (const h of HOSTILE_EMPLOYEES) {
        const u = users.find((x) => x.user_id === h.userId);
        expect(u?.name).toBe(h.name);
        expect(faces.has(h.userId)).toBe(true);
        expect(u?.status.is_resigned).toBe(false);
      }
    }
    expect(generateTenant(hostileSize(1, 59)).tenant.users.some((u) => HOSTILE_USER_IDS.includes(u.user_id))).toBe(false);
  });

  it('are left out unless asked for', () => {
    const { users } = generateTenant(size(1, 240)).tenant;
    expect(users.some((u) => HOSTILE_USER_IDS.includes(u.user_id))).toBe(false);
    expect(users.every((u) => /^[\u4e00-\u9fff]{2,4}$/.test(u.name))).toBe(true);
  });

  it('cover the awkward cases a file name must survive', () => {
    const names = HOSTILE_EMPLOYEES.map((h) => h.name);
    const has = (re: RegExp): boolean => names.some((n) => re.test(n));
    expect(names.filter((n) => n === '张伟').length).toBe(2);
    expect(has(/\//)).toBe(true);
    expect(names).toContain('..');
    expect(has(/\\/)).toBe(true);
    expect(has(/:/)).toBe(true);
    expect(has(/[*?"<>|]{6}/)).toBe(true);
    expect(has(/\p{Extended_Pictographic}/u)).toBe(true);
    expect(has(/\.$/)).toBe(true);
    expect(has(/ $/)).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['CON', 'aux', 'COM1', 'Anna', 'ANNA']));
    expect(names.some((n) => n.length === 300)).toBe(true);
    expect(has(/^=/)).toBe(true);
  });

  it('are listed by the contact API like everyone else', async () => {
    const sim = await startSimulator({ employees: 100, rateLimitPerSecond: 100_000, hostile: true });
    try {
      const token = await tokenFor(sim);
      const depts = await allPages<{ open_department_id: string }>(sim, token, '/open-apis/contact/v3/departments/0/children?fetch_child=true', 'items');
      const names = new Map<string, string>();
      for (const id of ['0', ...depts.map((d) => d.open_department_id)]) {
        const users = await allPages<{ user_id: string; name: string }>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${id}&user_id_type=user_id`, 'items');
        for (const u of users) names.set(u.user_id, u.name);
      }
      for (const h of HOSTILE_EMPLOYEES) expect(names.get(h.userId)).toBe(h.name);
    } finally {
      await sim.close();
    }
  });
});

describe('hostile department and group names', () => {
  const awkward = (names: string[]): void => {
    const has = (re: RegExp): boolean => names.some((n) => re.test(n));
    expect(has(/\//)).toBe(true);
    expect(names).toContain('..');
    expect(names).toContain('CON');
    expect(has(/\p{Extended_Pictographic}/u)).toBe(true);
    expect(has(/\.$/)).toBe(true);
    expect(has(/ $/)).toBe(true);
  };

  it('are in every hostile tenant of 60 or more employees, each department and group with a member', () => {
    for (const seed of [1, 2, 99]) {
      const { departments, users, groups } = generateTenant(hostileSize(seed, 60)).tenant;
      const names = departments.map((d) => d.name);
      awkward(names);
      for (const h of HOSTILE_DEPARTMENTS) {
        const d = departments.find((x) => x.name === h.name)!;
        expect(d).toBeDefined();
        expect(users.some((u) => u.department_ids.includes(d.open_department_id))).toBe(true);
      }
      // Siblings whose names differ only by case.
      const byParent = new Map<string, string[]>();
      for (const d of departments) byParent.set(d.parent_department_id, [...(byParent.get(d.parent_department_id) ?? []), d.name]);
      const caseTwins = [...byParent.values()].some((sib) => new Set(sib.map((n) => n.toLowerCase())).size < sib.length);
      expect(caseTwins).toBe(true);
      const groupNames = groups.map((g) => g.group_name);
      awkward(groupNames);
      expect(new Set(groupNames.map((n) => n.toLowerCase())).size).toBeLessThan(groupNames.length);
      for (const h of HOSTILE_GROUPS) expect(groups.find((g) => g.group_name === h.name)?.user_ids.length).toBeGreaterThan(0);
      const all = groups.flatMap((g) => g.user_ids);
      expect(new Set(all).size).toBe(all.length);
    }
    const small = generateTenant(hostileSize(1, 59)).tenant;
    expect(small.departments.some((d) => d.name === 'CON')).toBe(false);
    expect(small.groups.some((g) => g.group_name === 'CON')).toBe(false);
  });

  it('leave every ordinary id where it was', () => {
    const plain = generateTenant(size(3)).tenant;
    const full = generateTenant(hostileSize(3)).tenant;
    // Only the fixture employees' slots differ; everyone else keeps id, name and face.
    const fixture = (id: string) => HOSTILE_USER_IDS.includes(id);
    const slots = full.users.map((u, i) => (fixture(u.user_id) ? i : -1)).filter((i) => i >= 0);
    expect(slots).toHaveLength(HOSTILE_EMPLOYEES.length);
    const others = <T,>(list: T[]) => list.filter((_, i) => !slots.includes(i));
    expect(others(full.users).map((u) => [u.user_id, u.name])).toEqual(others(plain.users).map((u) => [u.user_id, u.name]));
    expect(full.departments.slice(0, plain.departments.length)).toEqual(plain.departments);
    expect(full.departments.length).toBe(plain.departments.length + HOSTILE_DEPARTMENTS.length);
    expect(full.groups.slice(0, plain.groups.length).map((g) => g.group_id)).toEqual(plain.groups.map((g) => g.group_id));
    const ordinaryIds = new Set(others(plain.users).map((u) => u.user_id));
    const ordinaryFaces = (faces: typeof plain.faces) => [...faces].filter(([id]) => ordinaryIds.has(id));
    expect(ordinaryFaces(full.faces)).toEqual(ordinaryFaces(plain.faces));
    expect(plain.departments.some((d) => d.name === 'CON')).toBe(false);
  });

  it('are served by the contact and attendance APIs', async () => {
    const sim = await startSimulator({ employees: 100, rateLimitPerSecond: 100_000, hostile: true });
    try {
      const token = await tokenFor(sim);
      const depts = await allPages<{ name: string; open_department_id: string }>(sim, token, '/open-apis/contact/v3/departments/0/children?fetch_child=true', 'items');
      for (const h of HOSTILE_DEPARTMENTS) {
        const d = depts.find((x) => x.name === h.name)!;
        expect(d).toBeDefined();
        const members = await allPages<unknown>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${d.open_department_id}`, 'items');
        expect(members.length).toBeGreaterThan(0);
      }
      const groups = await allPages<{ group_name: string }>(sim, token, '/open-apis/attendance/v1/groups', 'group_list');
      expect(groups.map((g) => g.group_name)).toEqual(expect.arrayContaining(HOSTILE_GROUPS.map((h) => h.name)));
    } finally {
      await sim.close();
    }
  });
});

describe('large tenants', () => {
  it('starts a 20,000-employee tenant and serves its last page', async () => {
    const sim = await startSimulator({ employees: 20_000, seed: 8, rateLimitPerSecond: 100_000 });
    try {
      expect(sim.tenant.users.length).toBe(20_000);
      expect(sim.tenant.departments.length).toBeGreaterThan(1000);
      const token = await tokenFor(sim);
      const last = sim.tenant.users[19_999]!;
      const members = await allPages<{ user_id: string }>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${last.department_ids[0]}&user_id_type=user_id`, 'items');
      expect(members.map((m) => m.user_id)).toContain(last.user_id);
    } finally {
      await sim.close();
    }
  });
});

describe('replaying a seed', () => {
  it('two simulators with the same seed serve the same tenant and the same photo bytes', async () => {
    const a = await startSimulator({ seed: 21, employees: 120 });
    const b = await startSimulator({ seed: 21, employees: 120 });
    try {
      expect(b.tenant.users).toEqual(a.tenant.users);
      const [ta, tb] = [await tokenFor(a), await tokenFor(b)];
      const listA = await allPages<{ group_id: string }>(a, ta, '/open-apis/attendance/v1/groups', 'group_list', 2);
      const listB = await allPages<{ group_id: string }>(b, tb, '/open-apis/attendance/v1/groups', 'group_list', 2);
      expect(listB).toEqual(listA);
      const key = [...a.tenant.faces.values()][7]!.face_key;
      expect(Buffer.from(b.photoBytes(key)!).equals(Buffer.from(a.photoBytes(key)!))).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
