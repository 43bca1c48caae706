import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { allPages, call, tokenFor } from './simulator.testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, employees: 400, groups: 14, enrolledShare: 0.8, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});

const QUERY = '/open-apis/attendance/v1/user_settings/query?employee_type=employee_id';
interface Setting { user_id: string; face_key: string; face_key_update_time: string }
const settingsOf = (r: { json?: { data?: Record<string, unknown> } }): Setting[] => (r.json?.data?.user_settings ?? []) as Setting[];

describe('attendance groups', () => {
  it('lists every group once across pages', async () => {
    const groups = await allPages<{ group_id: string; group_name: string }>(sim, token, '/open-apis/attendance/v1/groups', 'group_list', 3);
    expect(groups.map((g) => g.group_id).sort()).toEqual(sim.tenant.groups.map((g) => g.group_id).sort());
    expect(groups.every((g) => /^\d{19}$/.test(g.group_id))).toBe(true);
    expect(groups.map((g) => g.group_name)).toContain('总部考勤组');
  });

  it('refuses page_size 51 with 1220001', async () => {
    const r = await call(sim, 'GET', '/open-apis/attendance/v1/groups?page_size=51', { token });
    expect(r.status).toBe(400);
    expect(r.json?.code).toBe(1220001);
  });

  it('searches by name: fuzzy by default, exact on request, at most 10 results', async () => {
    // Every one of the 14 group names contains 组, but search never returns more than 10.
    const wide = await call(sim, 'POST', '/open-apis/attendance/v1/groups/search', { token, body: { group_name: '组' } });
    expect((wide.json?.data?.group_list as unknown[]).length).toBe(10);
    const fuzzy = await call(sim, 'POST', '/open-apis/attendance/v1/groups/search', { token, body: { group_name: '分公司' } });
    const names = (fuzzy.json?.data?.group_list as { group_name: string }[]).map((g) => g.group_name);
    expect(names.sort()).toEqual(sim.tenant.groups.map((g) => g.group_name).filter((n) => n.includes('分公司')).sort());
    expect(names.length).toBeGreaterThan(1);
    const exact = await call(sim, 'POST', '/open-apis/attendance/v1/groups/search', { token, body: { group_name: '总部考勤组', exactly_matched: true } });
    expect((exact.json?.data?.group_list as { group_name: string }[]).map((g) => g.group_name)).toEqual(['总部考勤组']);
    const none = await call(sim, 'POST', '/open-apis/attendance/v1/groups/search', { token, body: { group_name: '总部', exactly_matched: true } });
    expect(none.json?.data?.group_list).toEqual([]);
  });

  it('lists group members by employee_id and employee_no, every member once', async () => {
    const g = sim.tenant.groups[0]!;
    const base = `/open-apis/attendance/v1/groups/${g.group_id}/list_user?dept_type=open_id&member_clock_type=0`;
    const byId = await allPages<{ user_id: string }>(sim, token, `${base}&employee_type=employee_id`, 'users', 7);
    expect(byId.map((u) => u.user_id).sort()).toEqual([...g.user_ids].sort());
    const byNo = await allPages<{ user_id: string }>(sim, token, `${base}&employee_type=employee_no`, 'users', 50);
    expect(byNo.every((u) => /^E\d{5}$/.test(u.user_id))).toBe(true);
    expect(byNo.length).toBe(g.user_ids.length);
  });

  it('splits members into those who must clock in and those exempt', async () => {
    const g = sim.tenant.groups[0]!;
    const base = `/open-apis/attendance/v1/groups/${g.group_id}/list_user?dept_type=open_id&employee_type=employee_id`;
    const must = await allPages<{ user_id: string }>(sim, token, `${base}&member_clock_type=1`, 'users');
    const exempt = await allPages<{ user_id: string }>(sim, token, `${base}&member_clock_type=2`, 'users');
    expect(must.length + exempt.length).toBe(g.user_ids.length);
    expect(new Set([...must, ...exempt].map((u) => u.user_id)).size).toBe(g.user_ids.length);
  });

  it('requires member_clock_type, dept_type and employee_type (1220001)', async () => {
    const g = sim.tenant.groups[0]!.group_id;
    for (const q of ['employee_type=employee_id&dept_type=open_id', 'employee_type=employee_id&member_clock_type=0', 'dept_type=open_id&member_clock_type=0']) {
      const r = await call(sim, 'GET', `/open-apis/attendance/v1/groups/${g}/list_user?${q}`, { token });
      expect(r.status).toBe(400);
      expect(r.json?.code).toBe(1220001);
    }
  });
});

describe('user_settings/query (a GET with a JSON body)', () => {
  const someIds = (): string[] => sim.tenant.users.slice(0, 100).map((u) => u.user_id);

  it('answers face settings for the ids in the body of a GET', async () => {
    const r = await call(sim, 'GET', QUERY, { token, body: { user_ids: someIds() } });
    expect(r.status).toBe(200);
    expect(r.json?.code).toBe(0);
    const settings = settingsOf(r);
    const expected = someIds().filter((id) => sim.tenant.faces.has(id));
    expect(settings.map((s) => s.user_id)).toEqual(expected);
    for (const s of settings) {
      expect(s.face_key).toMatch(/^[0-9a-f]{32}$/);
      expect(s.face_key).toBe(sim.tenant.faces.get(s.user_id)!.face_key);
      expect(s.face_key_update_time).toMatch(/^\d{10}$/);
    }
  });

  it('accepts employee numbers with employee_type=employee_no', async () => {
    const u = sim.tenant.users.find((x) => sim.tenant.faces.has(x.user_id))!;
    const r = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query?employee_type=employee_no', { token, body: { user_ids: [u.employee_no] } });
    expect(settingsOf(r)).toEqual([{ user_id: u.employee_no, face_key: sim.tenant.faces.get(u.user_id)!.face_key, face_key_update_time: sim.tenant.faces.get(u.user_id)!.face_key_update_time }]);
  });

  it('refuses more than 100 ids, a missing body and a missing employee_type with 1220001', async () => {
    const ids = sim.tenant.users.slice(0, 101).map((u) => u.user_id);
    const tooMany = await call(sim, 'GET', QUERY, { token, body: { user_ids: ids } });
    expect([tooMany.status, tooMany.json?.code]).toEqual([400, 1220001]);
    const noBody = await call(sim, 'GET', QUERY, { token });
    expect([noBody.status, noBody.json?.code]).toEqual([400, 1220001]);
    const noType = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query', { token, body: { user_ids: ids.slice(0, 3) } });
    expect([noType.status, noType.json?.code]).toEqual([400, 1220001]);
  });

  it('refuses POST by default and accepts it when the switch is on', async () => {
    const refused = await call(sim, 'POST', QUERY, { token, body: { user_ids: someIds() } });
    expect(refused.status).not.toBe(200);
    expect(refused.json?.code).not.toBe(0);
    sim.switches.acceptPostForQuery = true;
    try {
      const accepted = await call(sim, 'POST', QUERY, { token, body: { user_ids: someIds() } });
      expect(accepted.json?.code).toBe(0);
      expect(settingsOf(accepted).length).toBeGreaterThan(0);
    } finally {
      sim.switches.acceptPostForQuery = false;
    }
  });

  it('leaves out employees without a face in "omit" mode, returns an empty face_key in "empty" mode', async () => {
    const noFace = sim.tenant.users.filter((u) => !sim.tenant.faces.has(u.user_id)).slice(0, 5).map((u) => u.user_id);
    const withFace = sim.tenant.users.filter((u) => sim.tenant.faces.has(u.user_id)).slice(0, 5).map((u) => u.user_id);
    expect(noFace.length).toBe(5);
    const body = { user_ids: [...noFace, ...withFace, 'no-such-employee'] };
    sim.switches.noFaceMode = 'omit';
    const omitted = settingsOf(await call(sim, 'GET', QUERY, { token, body }));
    expect(omitted.map((s) => s.user_id)).toEqual(withFace);
    sim.switches.noFaceMode = 'empty';
    try {
      const empty = settingsOf(await call(sim, 'GET', QUERY, { token, body }));
      expect(empty.map((s) => s.user_id)).toEqual([...noFace, ...withFace]); // unknown ids are still left out
      expect(empty.filter((s) => s.face_key === '').map((s) => s.user_id)).toEqual(noFace);
    } finally {
      sim.switches.noFaceMode = 'omit';
    }
  });

  it('answers 1220005 when the attendance data range is denied', async () => {
    sim.switches.attendanceRangeDenied = true;
    try {
      const r = await call(sim, 'GET', QUERY, { token, body: { user_ids: someIds() } });
      expect([r.status, r.json?.code]).toEqual([400, 1220005]);
    } finally {
      sim.switches.attendanceRangeDenied = false;
    }
  });
});
