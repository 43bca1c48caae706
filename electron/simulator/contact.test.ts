import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, FIELD_SCOPES, type Simulator } from './index';
import { allPages, call, tokenFor } from './simulator.testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, employees: 300, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});

interface Dept { open_department_id: string; department_id: string; parent_department_id: string; name: string; member_count: number }
interface User { user_id?: string; open_id: string; name: string; employee_no?: string; department_ids: string[]; status: { is_resigned: boolean } }

describe('contact: walking the whole tenant', () => {
  it('lists every department once with fetch_child, across pages', async () => {
    const depts = await allPages<Dept>(sim, token, '/open-apis/contact/v3/departments/0/children?fetch_child=true', 'items', 7);
    expect(depts.map((d) => d.open_department_id).sort()).toEqual(sim.tenant.departments.map((d) => d.open_department_id).sort());
    // Parents come before their children.
    const seen = new Set(['0']);
    for (const d of depts) {
      expect(seen.has(d.parent_department_id)).toBe(true);
      seen.add(d.open_department_id);
    }
  });

  it('without fetch_child lists only the direct sub-departments', async () => {
    const top = await allPages<Dept>(sim, token, '/open-apis/contact/v3/departments/0/children', 'items');
    expect(top.length).toBeGreaterThan(0);
    expect(top.every((d) => d.parent_department_id === '0')).toBe(true);
    expect(top.length).toBe(sim.tenant.departments.filter((d) => d.parent_department_id === '0').length);
  });

  it('find_by_department over all departments returns every employee exactly once (after merging multi-department staff)', async () => {
    const depts = await allPages<Dept>(sim, token, '/open-apis/contact/v3/departments/0/children?fetch_child=true', 'items');
    const counts = new Map<string, number>();
    for (const id of ['0', ...depts.map((d) => d.open_department_id)]) {
      const users = await allPages<User>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${id}&user_id_type=user_id`, 'items', 13);
      for (const u of users) counts.set(u.user_id as string, (counts.get(u.user_id as string) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(sim.tenant.users.map((u) => u.user_id).sort());
    const inTwo = sim.tenant.users.filter((u) => u.department_ids.length > 1);
    expect(inTwo.length).toBeGreaterThanOrEqual(1);
    for (const u of sim.tenant.users) expect(counts.get(u.user_id)).toBe(u.department_ids.length);
  });

  it('lists only direct members of the root department', async () => {
    const users = await allPages<User>(sim, token, '/open-apis/contact/v3/users/find_by_department?department_id=0&user_id_type=user_id', 'items');
    expect(users.length).toBeGreaterThan(0);
    expect(users.length).toBeLessThan(sim.tenant.users.length);
    expect(users.every((u) => u.department_ids.includes('0'))).toBe(true);
  });

  it('still lists resigned employees, marked as resigned', async () => {
    const resigned = sim.tenant.users.filter((u) => u.status.is_resigned);
    expect(resigned.length).toBeGreaterThanOrEqual(2);
    const r = resigned[0]!;
    const users = await allPages<User>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${r.department_ids[0]}&user_id_type=user_id`, 'items');
    expect(users.find((u) => u.user_id === r.user_id)?.status.is_resigned).toBe(true);
  });

  it("names each user's manager (leader_user_id): the department's leader, and for the leader the one above", async () => {
    const depts = await allPages<Dept & { leader_user_id?: string }>(sim, token, '/open-apis/contact/v3/departments/0/children?fetch_child=true&user_id_type=user_id', 'items');
    // The root's leader is not in the children answer: the first active member listed directly under it.
    const rootLeader = sim.tenant.users.find((x) => x.department_ids.includes('0') && !x.status.is_resigned)?.user_id;
    const leaderOfDept = new Map([['0', rootLeader], ...depts.map((d) => [d.open_department_id, d.leader_user_id] as const)]);
    const parentOf = new Map(depts.map((d) => [d.open_department_id, d.parent_department_id]));
    let checked = 0;
    for (const d of depts.slice(0, 6)) {
      const users = await allPages<User & { leader_user_id?: string }>(sim, token, `/open-apis/contact/v3/users/find_by_department?department_id=${d.open_department_id}&user_id_type=user_id`, 'items');
      for (const u of users.filter((x) => x.department_ids[0] === d.open_department_id)) {
        // The leader's own manager is the leader of the nearest department above that has one.
        let at: string | undefined = d.open_department_id;
        let expected = leaderOfDept.get(at);
        while (expected === u.user_id || (expected === undefined && at)) {
          at = parentOf.get(at!);
          expected = at ? leaderOfDept.get(at) : undefined;
        }
        expect(u.leader_user_id).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    // Nobody is their own manager, and the manager is a real user.
    const anyone = sim.tenant.users[9]!;
    const r = await call(sim, 'GET', `/open-apis/contact/v3/users/${anyone.user_id}?user_id_type=user_id`, { token });
    const leader = (r.json?.data?.user as { leader_user_id?: string }).leader_user_id;
    expect(leader).not.toBe(anyone.user_id);
    expect(sim.tenant.users.some((u) => u.user_id === leader)).toBe(true);
  });

  it('accepts custom department ids with department_id_type=department_id', async () => {
    const d = sim.tenant.departments.find((x) => x.parent_department_id !== '0')!;
    const r = await call(sim, 'GET', `/open-apis/contact/v3/users/find_by_department?department_id=${d.department_id}&department_id_type=department_id&user_id_type=user_id&page_size=50`, { token });
    expect(r.json?.code).toBe(0);
    const items = (r.json?.data?.items ?? []) as User[];
    for (const u of items) expect(u.department_ids).toContain(d.department_id);
  });
});

describe('contact: limits and errors', () => {
  it.each([0, 51, 'x'])('page_size %s is refused with 40011', async (size) => {
    const r = await call(sim, 'GET', `/open-apis/contact/v3/users/find_by_department?department_id=0&page_size=${size}`, { token });
    expect(r.status).toBe(400);
    expect(r.json?.code).toBe(40011);
  });

  it('page_size 50 is allowed', async () => {
    const r = await call(sim, 'GET', '/open-apis/contact/v3/departments/0/children?fetch_child=true&page_size=50', { token });
    expect(r.json?.code).toBe(0);
    expect((r.json?.data?.items as unknown[]).length).toBeLessThanOrEqual(50);
  });

  it('a made-up or foreign page_token is refused with 40012', async () => {
    const bogus = await call(sim, 'GET', '/open-apis/contact/v3/departments/0/children?page_token=bm9wZQ', { token });
    expect(bogus.status).toBe(400);
    expect(bogus.json?.code).toBe(40012);
    const first = await call(sim, 'GET', '/open-apis/contact/v3/departments/0/children?fetch_child=true&page_size=2', { token });
    const pt = first.json?.data?.page_token as string;
    const foreign = await call(sim, 'GET', `/open-apis/contact/v3/users/find_by_department?department_id=0&page_token=${pt}`, { token });
    expect(foreign.json?.code).toBe(40012);
  });

  it('the root department answers 403 40004 when the contact range is not "all members"', async () => {
    sim.switches.contactRangeDenied = true;
    try {
      const r = await call(sim, 'GET', '/open-apis/contact/v3/departments/0/children?fetch_child=true', { token });
      expect(r.status).toBe(403);
      expect(r.json?.code).toBe(40004);
      const sub = sim.tenant.departments[0]!.open_department_id;
      const ok = await call(sim, 'GET', `/open-apis/contact/v3/users/find_by_department?department_id=${sub}`, { token });
      expect(ok.json?.code).toBe(0);
    } finally {
      sim.switches.contactRangeDenied = false;
    }
  });

  it('gets one employee by user_id, and answers 41050 for an unknown one', async () => {
    const u = sim.tenant.users[5]!;
    const r = await call(sim, 'GET', `/open-apis/contact/v3/users/${u.user_id}?user_id_type=user_id`, { token });
    expect(r.json?.code).toBe(0);
    const got = r.json?.data?.user as User;
    expect(got.name).toBe(u.name);
    expect(got.employee_no).toBe(u.employee_no);
    const byOpen = await call(sim, 'GET', `/open-apis/contact/v3/users/${u.open_id}`, { token });
    expect((byOpen.json?.data?.user as User).user_id).toBe(u.user_id);
    const missing = await call(sim, 'GET', '/open-apis/contact/v3/users/nobody?user_id_type=user_id', { token });
    expect(missing.status).toBe(400);
    expect(missing.json?.code).toBe(41050);
  });

  it('leaves user_id out when its field scope is not granted', async () => {
    sim.switches.missingScopes = [FIELD_SCOPES.user_id];
    try {
      const r = await call(sim, 'GET', '/open-apis/contact/v3/users/find_by_department?department_id=0&user_id_type=user_id', { token });
      expect(r.json?.code).toBe(0);
      const items = r.json?.data?.items as User[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((u) => u.user_id === undefined && typeof u.open_id === 'string')).toBe(true);
    } finally {
      sim.switches.missingScopes = [];
    }
  });

  it('requires department_id on find_by_department', async () => {
    const r = await call(sim, 'GET', '/open-apis/contact/v3/users/find_by_department', { token });
    expect(r.status).toBe(400);
    expect(r.json?.code).not.toBe(0);
  });
});
