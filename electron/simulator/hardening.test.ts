// Rate windows, token-invalid variants, unknown ids, truncated and hung answers, replayable chaos.
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

const GROUPS = '/open-apis/attendance/v1/groups?page_size=10';
const ROOT_CHILDREN = '/open-apis/contact/v3/departments/0/children';
const ROOT_MEMBERS = '/open-apis/contact/v3/users/find_by_department?department_id=0';
const QUERY = '/open-apis/attendance/v1/user_settings/query?employee_type=employee_id';
const downloadPath = (key: string): string => `/open-apis/attendance/v1/files/${key}/download`;

const running: Simulator[] = [];
async function start(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const sim = await startSimulator({ employees: 80, rateLimitPerSecond: 100_000, ...opts });
  running.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('per-second limit (sliding window)', () => {
  it('does not hand out a fresh budget at a calendar-second boundary', async () => {
    const sim = await start({ rateLimitPerSecond: 5 });
    const token = await tokenFor(sim);
    // Start late in a wall-clock second, so the second burst falls in the next calendar second.
    while (Date.now() % 1000 < 600 || Date.now() % 1000 > 800) await sleep(5);
    const firstSecond = Math.floor(Date.now() / 1000);
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push((await call(sim, 'GET', GROUPS, { token })).status);
    expect(first).toEqual([200, 200, 200, 200, 200]);
    while (Math.floor(Date.now() / 1000) === firstSecond) await sleep(5);
    const second = [];
    for (let i = 0; i < 5; i++) second.push(await call(sim, 'GET', GROUPS, { token }));
    // A calendar window would allow all five; the sliding window still holds the first burst.
    expect(second.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    const limited = second.find((r) => r.status === 429)!;
    expect(limited.json?.code).toBe(99991400);
    expect(limited.headers['x-ogw-ratelimit-reset']).toMatch(/^[1-9]\d*$/);
    expect(Number(limited.headers['x-ogw-ratelimit-reset'])).toBe(1);
    await sleep(1100);
    expect((await call(sim, 'GET', GROUPS, { token })).status).toBe(200);
  });
});

describe('per-minute limit on contact endpoints', () => {
  it('defaults to 1000 per minute', async () => {
    const sim = await start();
    expect(sim.switches.contactPerMinute).toBe(1000);
  });

  it('answers 429 / 99991400 beyond contactPerMinute, per contact endpoint, with the seconds left', async () => {
    const sim = await start({ contactPerMinute: 3 });
    const token = await tokenFor(sim);
    for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).status).toBe(200);
    const r = await call(sim, 'GET', ROOT_CHILDREN, { token });
    expect([r.status, r.json?.code]).toEqual([429, 99991400]);
    expect(r.headers['x-ogw-ratelimit-limit']).toBe('3');
    const reset = Number(r.headers['x-ogw-ratelimit-reset']);
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset).toBeGreaterThanOrEqual(30);
    expect(reset).toBeLessThanOrEqual(60);
    expect(sim.stats().rateLimited['departments.children']).toBe(1);
    // Another contact endpoint has its own budget; attendance has no per-minute limit.
    expect((await call(sim, 'GET', ROOT_MEMBERS, { token })).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await call(sim, 'GET', GROUPS, { token })).status).toBe(200);
    // A run-time switch: lifting it lets the endpoint through again.
    sim.switches.contactPerMinute = 0;
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).status).toBe(200);
  });
});

describe('token-invalid variants', () => {
  it('answers 99991671 for a token without the t- prefix, 99991663 for an unknown t- token', async () => {
    const sim = await start();
    for (const path of [GROUPS, ROOT_CHILDREN]) {
      const bad = await call(sim, 'GET', path, { token: 'not-a-tenant-token' });
      expect([bad.status, bad.json?.code]).toEqual([400, 99991671]);
      const unknown = await call(sim, 'GET', path, { token: 't-unknown' });
      expect([unknown.status, unknown.json?.code]).toEqual([400, 99991663]);
    }
  });

  it('can answer 1220002 for an invalid token on attendance endpoints only', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    sim.switches.attendanceTokenInvalidCode = 1220002;
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(0);
    sim.expireTokens();
    const att = await call(sim, 'GET', GROUPS, { token });
    expect([att.status, att.json?.code]).toEqual([400, 1220002]);
    const q = await call(sim, 'GET', QUERY, { token, body: { user_ids: [sim.tenant.users[3]!.user_id] } });
    expect(q.json?.code).toBe(1220002);
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).json?.code).toBe(99991663);
  });
});

describe('unknown and out-of-range ids in user_settings/query', () => {
  it('leaves them out by default and fails the whole batch with 1220004 in "error" mode', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    const enrolled = sim.tenant.users.filter((u) => sim.tenant.faces.has(u.user_id)).slice(2, 6).map((u) => u.user_id);
    const omit = await call(sim, 'GET', QUERY, { token, body: { user_ids: [...enrolled, 'nobody01'] } });
    expect(omit.json?.code).toBe(0);
    expect((omit.json?.data?.user_settings as unknown[]).length).toBe(enrolled.length);
    sim.switches.unknownUserMode = 'error';
    const err = await call(sim, 'GET', QUERY, { token, body: { user_ids: [...enrolled, 'nobody01'] } });
    expect([err.status, err.json?.code]).toEqual([400, 1220004]);
    const fine = await call(sim, 'GET', QUERY, { token, body: { user_ids: enrolled } });
    expect((fine.json?.data?.user_settings as unknown[]).length).toBe(enrolled.length);
  });

  it('treats outOfRangeUserIds as unknown, by employee_id and by employee_no', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    const enrolled = sim.tenant.users.filter((u) => sim.tenant.faces.has(u.user_id)).slice(2, 6);
    const ids = enrolled.map((u) => u.user_id);
    const outside = enrolled[1]!;
    sim.switches.outOfRangeUserIds.add(outside.user_id);
    const omit = await call(sim, 'GET', QUERY, { token, body: { user_ids: ids } });
    const got = (omit.json?.data?.user_settings as { user_id: string }[]).map((s) => s.user_id);
    expect(got.sort()).toEqual(ids.filter((id) => id !== outside.user_id).sort());
    sim.switches.unknownUserMode = 'error';
    expect((await call(sim, 'GET', QUERY, { token, body: { user_ids: ids } })).json?.code).toBe(1220004);
    const byNo = await call(sim, 'GET', '/open-apis/attendance/v1/user_settings/query?employee_type=employee_no', {
      token,
      body: { user_ids: [outside.employee_no] },
    });
    expect([byNo.status, byNo.json?.code]).toEqual([400, 1220004]);
    // Splitting the batch around the bad id works.
    const rest = await call(sim, 'GET', QUERY, { token, body: { user_ids: ids.filter((id) => id !== outside.user_id) } });
    expect((rest.json?.data?.user_settings as unknown[]).length).toBe(ids.length - 1);
  });
});

describe('attendance data range', () => {
  it('also denies list_user and downloads with 1220005', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    const key = [...sim.tenant.faces.values()][0]!.face_key;
    const g = sim.tenant.groups[0]!;
    const listUser = `/open-apis/attendance/v1/groups/${g.group_id}/list_user?dept_type=open_id&member_clock_type=0&employee_type=employee_id`;
    expect((await call(sim, 'GET', downloadPath(key), { token })).status).toBe(200);
    expect((await call(sim, 'GET', listUser, { token })).json?.code).toBe(0);
    sim.switches.attendanceRangeDenied = true;
    const dl = await call(sim, 'GET', downloadPath(key), { token });
    expect([dl.status, dl.json?.code]).toEqual([400, 1220005]);
    const lu = await call(sim, 'GET', listUser, { token });
    expect([lu.status, lu.json?.code]).toEqual([400, 1220005]);
  });
});

describe('big department recursion', () => {
  it('answers 400 43010 to fetch_child=true on the root when switched on', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    sim.switches.bigDeptForbidRecursion = true;
    const r = await call(sim, 'GET', `${ROOT_CHILDREN}?fetch_child=true`, { token });
    expect([r.status, r.json?.code]).toEqual([400, 43010]);
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).json?.code).toBe(0);
    const top = sim.tenant.departments.find((d) => d.parent_department_id === '0')!;
    const sub = await call(sim, 'GET', `/open-apis/contact/v3/departments/${top.open_department_id}/children?fetch_child=true`, { token });
    expect(sub.json?.code).toBe(0);
  });
});

/** Raw download: the promised length and the bytes that arrived before the connection ended. */
function rawDownload(sim: Simulator, token: string, key: string): Promise<{ status: number; length: number; received: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = get(sim.url + downloadPath(key), { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let received = 0;
      res.on('data', (c: Buffer) => (received += c.length));
      const done = (): void => resolve({ status: res.statusCode ?? 0, length: Number(res.headers['content-length']), received, complete: res.complete });
      res.on('end', done);
      res.on('aborted', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', reject);
  });
}

describe('truncated and hung answers', () => {
  it('truncateRate cuts downloads short after half the promised bytes', async () => {
    const sim = await start({ truncateRate: 1 });
    const token = await tokenFor(sim);
    const key = [...sim.tenant.faces.values()][0]!.face_key;
    const whole = sim.photoBytes(key)!.length;
    const r = await rawDownload(sim, token, key);
    expect(r.status).toBe(200);
    expect(r.length).toBe(whole);
    expect(r.complete).toBe(false);
    expect(r.received).toBe(Math.floor(whole / 2));
    await expect(call(sim, 'GET', downloadPath(key), { token })).rejects.toThrow();
    expect(sim.stats().truncations).toBe(2);
    // JSON answers are not truncated, and switching it off restores whole downloads.
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(0);
    sim.switches.truncateRate = 0;
    expect((await call(sim, 'GET', downloadPath(key), { token })).bytes.length).toBe(whole);
  });

  it('corrupt switches serve damaged photos that still look like images, with an honest content-length', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    const faces = [...sim.tenant.faces.values()];
    const jpeg = faces.find((f) => f.mime === 'image/jpeg')!.face_key;
    const png = faces.find((f) => f.mime === 'image/png')!.face_key;
    const signature = (b: Uint8Array) => Buffer.from(b.subarray(0, 8)).toString('hex');
    for (const mode of ['truncate', 'garble'] as const) {
      sim.switches.corruptMode = mode;
      for (const key of [jpeg, png]) {
        const whole = Buffer.from(sim.photoBytes(key)!);
        sim.switches.corruptFaceKeys.set(key, 1);
        const bad = await call(sim, 'GET', downloadPath(key), { token });
        expect(bad.status).toBe(200);
        expect(Number(bad.headers['content-length'])).toBe(bad.bytes.length);
        expect(signature(bad.bytes)).toBe(signature(whole));
        expect(Buffer.from(bad.bytes).equals(whole)).toBe(false);
        if (mode === 'garble') expect(bad.bytes.length).toBe(whole.length);
        // Served damaged as many times as asked, then whole again.
        expect(Buffer.from((await call(sim, 'GET', downloadPath(key), { token })).bytes).equals(whole)).toBe(true);
      }
    }
    expect(sim.stats().corruptions).toBe(4);
    sim.switches.corruptRate = 1;
    expect(Buffer.from((await call(sim, 'GET', downloadPath(jpeg), { token })).bytes).equals(Buffer.from(sim.photoBytes(jpeg)!))).toBe(false);
  });

  it('hangRate leaves requests unanswered until the client gives up', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    sim.switches.hangRate = 1;
    const { request } = await import('undici');
    await expect(
      request(sim.url + GROUPS, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) }).then((r) => r.body.text()),
    ).rejects.toThrow();
    expect(sim.stats().hangs).toBe(1);
    sim.switches.hangRate = 0;
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(0);
  });

  it('close() does not wait for a hung request', async () => {
    const sim = await startSimulator({ employees: 10, hangRate: 1 });
    const pending = call(sim, 'GET', GROUPS).catch(() => 'gone');
    while (sim.stats().hangs === 0) await sleep(5);
    await sim.close();
    expect(await pending).toBe('gone');
  });
});

describe('replayable chaos and log ids', () => {
  it('log ids come from a counter and the seed, not the wall clock', async () => {
    const a = await start({ seed: 4 });
    const b = await start({ seed: 4 });
    const ids = async (sim: Simulator): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < 3; i++) out.push((await call(sim, 'GET', GROUPS)).headers['x-tt-logid']!);
      return out;
    };
    const fromA = await ids(a);
    await sleep(1100);
    expect(await ids(b)).toEqual(fromA);
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(fromA.some((id) => id.startsWith(today))).toBe(false);
    expect(new Set(fromA).size).toBe(3);
  });

  it('the same requests get the same faults whatever order they arrive in', async () => {
    const paths = Array.from({ length: 40 }, (_, i) => `/open-apis/attendance/v1/groups?page_size=${(i % 50) + 1}&n=${i}`);
    const faulted = async (order: string[]): Promise<string[]> => {
      const sim = await start({ seed: 8 });
      const token = await tokenFor(sim);
      sim.switches.faultRate = 0.5;
      const out: string[] = [];
      for (const p of order) if ((await call(sim, 'GET', p, { token })).status === 500) out.push(p);
      return out.sort();
    };
    const forward = await faulted(paths);
    const backward = await faulted([...paths].reverse());
    expect(forward.length).toBeGreaterThan(5);
    expect(forward.length).toBeLessThan(35);
    expect(backward).toEqual(forward);
  });
});
