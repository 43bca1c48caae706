// The client against the simulated tenant, over real loopback HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, SCOPE_ATTENDANCE } from '../../simulator/index';
import type { Simulator, SimulatorOptions } from '../../simulator/types';
import { createFeishuClient } from './client';
import { failure } from './test-server.testkit';
import type { FeishuClient, FeishuClientOptions } from './types';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(simOpts: SimulatorOptions = {}, clientOpts: Partial<FeishuClientOptions> = {}): Promise<{ sim: Simulator; client: FeishuClient }> {
  const sim = await startSimulator(simOpts);
  cleanups.push(() => sim.close());
  const client = createFeishuClient({ baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, ...clientOpts });
  cleanups.push(() => client.close());
  return { sim, client };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('complete lists from the simulated tenant', () => {
  it('walks every department, over several pages', async () => {
    const { sim, client } = await setup({ employees: 1000 });
    expect(sim.tenant.departments.length).toBeGreaterThan(50);
    const departments = await client.departmentChildren('0', { fetchChild: true });
    expect(sorted(departments.map((d) => d.open_department_id))).toEqual(sorted(sim.tenant.departments.map((d) => d.open_department_id)));
    expect(sim.stats().requests['departments.children']).toBeGreaterThan(1);
  });

  it('lists every employee of a large department, with user_id', async () => {
    const { sim, client } = await setup({ employees: 400, departments: 3 });
    const counts = new Map<string, string[]>();
    for (const u of sim.tenant.users) for (const d of u.department_ids) counts.set(d, [...(counts.get(d) ?? []), u.user_id]);
    const [biggest, members] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(members.length).toBeGreaterThan(50);
    const users = await client.usersByDepartment(biggest);
    expect(sorted(users.map((u) => u.user_id!))).toEqual(sorted(members));
  });

  it('lists every attendance group and every member of the largest group', async () => {
    const { sim, client } = await setup({ employees: 1000, groups: 60 });
    const groups = await client.groups();
    expect(sorted(groups.map((g) => g.group_id))).toEqual(sorted(sim.tenant.groups.map((g) => g.group_id)));
    const largest = [...sim.tenant.groups].sort((a, b) => b.user_ids.length - a.user_ids.length)[0]!;
    expect(largest.user_ids.length).toBeGreaterThan(50);
    const members = await client.groupMembers(largest.group_id);
    expect(sorted(members.map((m) => m.user_id))).toEqual(sorted(largest.user_ids));
  });

  it('finds groups by name', async () => {
    const { sim, client } = await setup();
    const target = sim.tenant.groups[0]!;
    const hits = await client.searchGroups(target.group_name, true);
    expect(hits.map((g) => g.group_id)).toContain(target.group_id);
  });

  it('reads one employee', async () => {
    const { sim, client } = await setup();
    const u = sim.tenant.users[3]!;
    expect(await client.user(u.user_id)).toMatchObject({ user_id: u.user_id, name: u.name, employee_no: u.employee_no });
  });
});

describe('face settings and photos', () => {
  it('reads the face settings of 250 employees in 3 calls of at most 100', async () => {
    const { sim, client } = await setup({ employees: 300 });
    const ids = sim.tenant.users.slice(0, 250).map((u) => u.user_id);
    const settings = await client.userSettings(ids);
    expect(sim.stats().requests['user_settings.query']).toBe(3);
    const expected = ids.filter((id) => sim.tenant.faces.has(id));
    expect(sorted(settings.filter((s) => s.face_key).map((s) => s.user_id))).toEqual(sorted(expected));
    for (const s of settings.filter((x) => x.face_key)) {
      const face = sim.tenant.faces.get(s.user_id)!;
      expect(s.face_key).toBe(face.face_key);
      expect(s.face_key_update_time).toBe(face.face_key_update_time);
    }
  });

  it('downloads face photos byte for byte, with their type', async () => {
    const { sim, client } = await setup();
    const faces = [...sim.tenant.faces.values()].slice(0, 8);
    for (const face of faces) {
      const file = await client.downloadFile(face.face_key);
      expect(Buffer.from(file.bytes).equals(Buffer.from(sim.photoBytes(face.face_key)!))).toBe(true);
      expect(file.contentType).toBe(face.mime);
      expect(file.fileName).toContain(face.face_key);
    }
  });

  it('reports an unknown photo as a parameter error, without retrying', async () => {
    const { sim, client } = await setup();
    const f = await failure(client.downloadFile('0000000000000000ffffffffffffffff'));
    expect(f.info).toMatchObject({ code: 'feishu.param_invalid', feishuCode: 1220001 });
    expect(f.info.logId).toBeTruthy();
    expect(sim.stats().requests['files.download']).toBe(1);
  });
});

describe('token', () => {
  it('concurrent first calls fetch the token once', async () => {
    const { sim, client } = await setup();
    const ids = sim.tenant.users.slice(0, 10).map((u) => u.user_id);
    await Promise.all(ids.map((id) => client.user(id)));
    expect(sim.stats().requests.token).toBe(1);
    expect(client.stats().tokenFetches).toBe(1);
  });

  it('survives token expiry mid-run with one refresh', async () => {
    const { sim, client } = await setup({ employees: 300 });
    const ids = sim.tenant.users.map((u) => u.user_id);
    await client.userSettings(ids.slice(0, 100));
    sim.expireTokens();
    const [settings, users] = await Promise.all([client.userSettings(ids), Promise.all(ids.slice(0, 20).map((id) => client.user(id)))]);
    expect(settings.length).toBeGreaterThan(0);
    expect(users).toHaveLength(20);
    expect(sim.stats().requests.token).toBe(2);
    expect(client.stats().tokenFetches).toBe(2);
  });

  it('survives token errors sent with HTTP 200', async () => {
    const { sim, client } = await setup();
    sim.switches.tokenInvalidHttp200 = true;
    await client.groups();
    sim.expireTokens();
    expect((await client.groups()).length).toBe(sim.tenant.groups.length);
    expect(client.stats().tokenFetches).toBe(2);
  });

  it('says the secret is wrong, and that the app is not installed', async () => {
    const { sim, client } = await setup();
    sim.switches.badSecret = true;
    expect((await failure(client.verify())).info).toMatchObject({ code: 'auth.bad_secret', feishuCode: 10014 });
    sim.switches.badSecret = false;
    sim.switches.appNotInstalled = true;
    expect((await failure(client.verify())).info).toMatchObject({ code: 'auth.app_unavailable', feishuCode: 99991662 });
  });
});

describe('rate limits and flaky networks', () => {
  it('a 429 storm ends with every call succeeding', async () => {
    const { sim, client } = await setup({ employees: 300, rateLimitPerSecond: 10 });
    const ids = sim.tenant.users.slice(0, 100).map((u) => u.user_id);
    const users = await Promise.all(ids.map((id) => client.user(id)));
    expect(users.map((u) => u.user_id)).toEqual(ids);
    const limited = sim.stats().rateLimited['users.get'] ?? 0;
    expect(limited).toBeGreaterThan(0);
    expect(client.stats().rateLimited['users.get']).toBe(limited);
    // The first burst is refused; after that the client keeps under the announced limit.
    expect(limited).toBeLessThan(ids.length / 2);
  });

  it('survives 10 % server errors and 10 % connection resets', async () => {
    const { sim, client } = await setup({ employees: 400, faultRate: 0.1, resetRate: 0.1 }, { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    const ids = sim.tenant.users.map((u) => u.user_id);
    const [settings, groups, faces] = await Promise.all([
      client.userSettings(ids),
      client.groups(),
      Promise.all([...sim.tenant.faces.values()].slice(0, 15).map((f) => client.downloadFile(f.face_key))),
    ]);
    expect(sorted(settings.filter((s) => s.face_key).map((s) => s.user_id))).toEqual(sorted(ids.filter((id) => sim.tenant.faces.has(id))));
    expect(groups).toHaveLength(sim.tenant.groups.length);
    expect(faces).toHaveLength(15);
    expect(sim.stats().faults + sim.stats().resets).toBeGreaterThan(0);
  });
});

describe('errors that need the admin', () => {
  it('a missing scope is named and not retried', async () => {
    const { sim, client } = await setup();
    sim.switches.missingScopes = [SCOPE_ATTENDANCE];
    const f = await failure(client.verify());
    expect(f.info).toMatchObject({ code: 'scope.missing', scopes: [SCOPE_ATTENDANCE], feishuCode: 99991672 });
    expect(sim.stats().requests['groups.list']).toBe(1);
  });

  it('IP allow-list, contact range and attendance range errors each cost one request', async () => {
    const { sim, client } = await setup();
    sim.switches.ipDenied = true;
    expect((await failure(client.groups())).info.code).toBe('net.ip_denied');
    expect(sim.stats().requests['groups.list']).toBe(1);
    sim.switches.ipDenied = false;

    sim.switches.contactRangeDenied = true;
    expect((await failure(client.departmentChildren('0'))).info.code).toBe('range.contact');
    expect(sim.stats().requests['departments.children']).toBe(1);

    sim.switches.attendanceRangeDenied = true;
    expect((await failure(client.userSettings([sim.tenant.users[0]!.user_id]))).info.code).toBe('range.attendance');
    expect(sim.stats().requests['user_settings.query']).toBe(1);
  });
});
