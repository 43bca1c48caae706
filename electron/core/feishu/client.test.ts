import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AppError } from '../../../shared/errors';
import { createFeishuClient } from './client';
import { fail, failure, ManualClock, ok, startFake, TOKEN_PATH, type Answer, type FakeFeishu, type SeenRequest } from './test-server.testkit';
import type { FeishuClient, FeishuClientOptions } from './types';

const SECRET = 'very-secret-value';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(handler: (r: SeenRequest) => Answer | Promise<Answer> | undefined, extra: Partial<FeishuClientOptions> = {}) {
  const fake = await startFake(handler);
  const logs: unknown[] = [];
  const client = createFeishuClient({
    baseUrl: fake.url,
    appId: 'cli_test',
    appSecret: SECRET,
    sleep: async () => undefined,
    log: (level, message, fields) => logs.push({ level, message, fields }),
    ...extra,
  });
  cleanups.push(() => fake.close());
  cleanups.push(() => client.close());
  return { fake, client, logs };
}

const api = (f: FakeFeishu) => f.seen.filter((s) => s.path !== TOKEN_PATH);

describe('tenant token', () => {
  it('is fetched once for many concurrent first calls and sent as a Bearer header', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ group_list: [], has_more: false })));
    await Promise.all(Array.from({ length: 20 }, () => client.groups()));
    expect(fake.count(TOKEN_PATH)).toBe(1);
    expect(client.stats().tokenFetches).toBe(1);
    const tokenReq = fake.seen.find((s) => s.path === TOKEN_PATH)!;
    expect(tokenReq.method).toBe('POST');
    expect(JSON.parse(tokenReq.body)).toEqual({ app_id: 'cli_test', app_secret: SECRET });
    expect(tokenReq.headers.authorization).toBeUndefined();
    expect(api(fake).every((s) => s.headers.authorization === 'Bearer t-1')).toBe(true);
  });

  it('is refreshed 3 minutes before it expires, not earlier', async () => {
    let clock = 1_000_000;
    const { fake, client } = await setup(() => undefined, { now: () => clock });
    expect(await client.tenantToken()).toBe('t-1');
    clock += (7200 - 181) * 1000;
    expect(await client.tenantToken()).toBe('t-1');
    clock += 2000;
    expect(await client.tenantToken()).toBe('t-2');
    expect(fake.count(TOKEN_PATH)).toBe(2);
  });

  it('survives a token-invalid answer sent with HTTP 200 by refreshing once', async () => {
    let rejectFirst = true;
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      if (rejectFirst) {
        rejectFirst = false;
        return { status: 200, json: { code: 99991663, msg: 'Invalid access token for authorization' } };
      }
      return ok({ group_list: [{ group_id: 'g1', group_name: 'HQ' }], has_more: false });
    });
    expect(await client.groups()).toEqual([{ group_id: 'g1', group_name: 'HQ' }]);
    expect(fake.count(TOKEN_PATH)).toBe(2);
    expect(api(fake).map((s) => s.headers.authorization)).toEqual(['Bearer t-1', 'Bearer t-2']);
  });

  it('treats attendance 1220002 as a bad token too', async () => {
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return r.headers.authorization === 'Bearer t-1' ? fail(400, 1220002, 'tenant_id is empty') : ok({ user_settings: [] });
    });
    expect(await client.userSettings(['u1'])).toEqual([]);
    expect(fake.count(TOKEN_PATH)).toBe(2);
  });

  it('gives up with auth.token_invalid when tokens fetched for the call are refused again and again', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : fail(400, 99991663, 'invalid token')));
    const f = await failure(client.groups());
    expect(f.info.code).toBe('auth.token_invalid');
    // Three fresh tokens (t-1, t-2, t-3), each refused: not churn any more.
    expect(api(fake)).toHaveLength(3);
    expect(fake.count(TOKEN_PATH)).toBe(3);
  });

  it('gives up at once when the refresh hands back the token just refused', async () => {
    const { fake, client } = await setup((r) =>
      r.path === TOKEN_PATH ? { json: { code: 0, msg: 'ok', tenant_access_token: 't-same', expire: 7200 } } : fail(400, 99991663, 'invalid token'),
    );
    await client.tenantToken();
    expect((await failure(client.groups())).info.code).toBe('auth.token_invalid');
    expect(api(fake).map((s) => s.headers.authorization)).toEqual(['Bearer t-same', 'Bearer t-same']);
  });

  it('refreshes again when a token is refused right after a refresh, while new tokens keep coming (token churn)', async () => {
    // The server replaced t-1 and then t-2 before they arrived; t-3 is accepted.
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return ['Bearer t-1', 'Bearer t-2'].includes(String(r.headers.authorization)) ? fail(400, 99991663, 'invalid token') : ok({ group_list: [], has_more: false });
    });
    await client.tenantToken();
    expect(await client.groups()).toEqual([]);
    expect(api(fake).map((s) => s.headers.authorization)).toEqual(['Bearer t-1', 'Bearer t-2', 'Bearer t-3']);
  });


  it('many calls hitting one expired token cause one refresh, not one each', async () => {
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return r.headers.authorization === 'Bearer t-1' ? fail(400, 99991663, 'expired') : ok({ group_list: [], has_more: false });
    });
    await client.tenantToken();
    await Promise.all(Array.from({ length: 15 }, () => client.groups()));
    expect(fake.count(TOKEN_PATH)).toBe(2);
  });

  it.each([
    [10014, 'auth.bad_secret'],
    [10003, 'auth.bad_secret'],
    [99991543, 'auth.bad_secret'],
    [99991662, 'auth.app_unavailable'],
    [99991673, 'auth.app_unavailable'],
  ])('token endpoint code %i → %s, with Feishu details and no secret', async (code, expected) => {
    const { fake, client, logs } = await setup((r) =>
      r.path === TOKEN_PATH ? fail(400, code, 'credential trouble', { error: { log_id: 'LOG-T' } }) : ok({}),
    );
    const f = await failure(client.verify());
    expect(f.info).toMatchObject({ code: expected, feishuCode: code, feishuMsg: 'credential trouble', logId: 'LOG-T', httpStatus: 400 });
    expect(fake.count(TOKEN_PATH)).toBe(1);
    expect(api(fake)).toHaveLength(0);
    expect(JSON.stringify(f.info)).not.toContain(SECRET);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('blanks the app secret and its own tokens, whatever they look like, in every error Feishu or a gateway echoes them into', async () => {
    const token = 'opaque.GatewayToken.42';
    const { client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return { json: { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 } };
      // No "Bearer", no "t-": only the client knows this is its token.
      return fail(400, 1234567, `bad header value ${token} for app with secret ${SECRET}`);
    });
    const f = await failure(client.groups());
    expect(f.info).toMatchObject({ code: 'feishu.error', feishuCode: 1234567 });
    expect(f.info.feishuMsg).toBe('bad header value *** for app with secret ***');
    const everything = `${JSON.stringify(f.info)} ${f.message} ${f.stack ?? ''}`;
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(SECRET);
  });

  it('blanks the app secret when the token endpoint echoes the request body', async () => {
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? fail(400, 10014, `app secret invalid: ${r.body}`) : ok({})));
    const f = await failure(client.verify());
    expect(f.info.code).toBe('auth.bad_secret');
    expect(f.info.feishuMsg).toMatch(/^app secret invalid: \{"app_id":"cli_test","app_secret":\*\*\*\}$/);
  });

  it('a token answer with code 0 but no token is a bad response', async () => {
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? { json: { code: 0, msg: 'ok' } } : ok({})));
    expect((await failure(client.tenantToken())).info.code).toBe('feishu.bad_response');
  });
});

describe('pagination', () => {
  it('follows page tokens to the end with page_size 50 and returns every row', async () => {
    const pages: Record<string, { items: { user_id: string }[]; next?: string }> = {
      '': { items: [{ user_id: 'a' }, { user_id: 'b' }], next: 'p2' },
      p2: { items: [{ user_id: 'c' }], next: 'p3' },
      p3: { items: [{ user_id: 'd' }] },
    };
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      const page = pages[r.query.get('page_token') ?? '']!;
      return ok({ items: page.items, has_more: Boolean(page.next), ...(page.next ? { page_token: page.next } : {}) });
    });
    const users = await client.usersByDepartment('od-1');
    expect(users.map((u) => u.user_id)).toEqual(['a', 'b', 'c', 'd']);
    const calls = api(fake);
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.path).toBe('/open-apis/contact/v3/users/find_by_department');
      expect(c.query.get('page_size')).toBe('50');
      expect(c.query.get('department_id')).toBe('od-1');
      expect(c.query.get('user_id_type')).toBe('user_id');
    }
  });

  it('stops with feishu.bad_response when a page token repeats instead of looping forever', async () => {
    const { fake, client } = await setup((r) =>
      r.path === TOKEN_PATH ? undefined : ok({ group_list: [{ group_id: 'g', group_name: 'G' }], has_more: true, page_token: 'same' }),
    );
    expect((await failure(client.groups())).info.code).toBe('feishu.bad_response');
    expect(api(fake)).toHaveLength(2);
  });

  it('stops with feishu.bad_response when has_more comes without a page token', async () => {
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ items: [], has_more: true })));
    expect((await failure(client.departmentChildren('0'))).info.code).toBe('feishu.bad_response');
  });

  it('asks for every level of departments and lists group members by employee_id', async () => {
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      if (r.path.endsWith('/children')) return ok({ items: [{ name: 'Sales', open_department_id: 'od-s' }], has_more: false });
      return ok({ users: [{ user_id: 'u1', department_ids: ['od-s'] }], has_more: false });
    });
    expect(await client.departmentChildren('0')).toEqual([{ name: 'Sales', open_department_id: 'od-s' }]);
    expect(await client.groupMembers('g 1')).toEqual([{ user_id: 'u1', department_ids: ['od-s'] }]);
    const [children, members] = api(fake);
    expect(children!.path).toBe('/open-apis/contact/v3/departments/0/children');
    expect(children!.query.get('fetch_child')).toBe('true');
    expect(members!.path).toBe('/open-apis/attendance/v1/groups/g%201/list_user');
    expect(members!.query.get('employee_type')).toBe('employee_id');
    expect(members!.query.get('dept_type')).toBe('open_id');
    expect(members!.query.get('member_clock_type')).toBe('0');
  });
});

describe('face settings', () => {
  it('sends GET with a JSON body, 100 ids at most per call, and returns every answer', async () => {
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      const ids = (JSON.parse(r.body) as { user_ids: string[] }).user_ids;
      return ok({ user_settings: ids.map((id) => ({ user_id: id, face_key: `fk-${id}`, face_key_update_time: '1700000000' })) });
    });
    const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const settings = await client.userSettings(ids);
    expect(settings.map((s) => s.user_id).sort()).toEqual([...ids].sort());
    const calls = api(fake);
    expect(calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET']);
    expect(calls.map((c) => (JSON.parse(c.body) as { user_ids: string[] }).user_ids.length).sort((a, b) => a - b)).toEqual([50, 100, 100]);
    expect(calls.every((c) => c.query.get('employee_type') === 'employee_id')).toBe(true);
    expect(calls.every((c) => String(c.headers['content-type']).startsWith('application/json'))).toBe(true);
  });

  it('makes no call for an empty list', async () => {
    const { fake, client } = await setup(() => undefined);
    expect(await client.userSettings([])).toEqual([]);
    expect(fake.seen).toHaveLength(0);
  });

  it('fails as a whole when one batch is outside the attendance range, rather than returning a partial list', async () => {
    const { client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      const ids = (JSON.parse(r.body) as { user_ids: string[] }).user_ids;
      return ids.includes('u150') ? fail(400, 1220005, 'no permission') : ok({ user_settings: [] });
    });
    const ids = Array.from({ length: 200 }, (_, i) => `u${i}`);
    expect((await failure(client.userSettings(ids))).info.code).toBe('range.attendance');
  });
});

describe('rate limits', () => {
  it('waits x-ogw-ratelimit-reset seconds after a 429 and then succeeds', async () => {
    const waits: number[] = [];
    let limited = 2;
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        if (limited-- > 0) return fail(429, 99991400, 'request trigger frequency limit', {}, { 'x-ogw-ratelimit-reset': '2' });
        return ok({ group_list: [], has_more: false });
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(await client.groups()).toEqual([]);
    expect(api(fake)).toHaveLength(3);
    expect(waits).toHaveLength(2);
    for (const w of waits) {
      expect(w).toBeGreaterThanOrEqual(2000);
      expect(w).toBeLessThan(3000);
    }
    expect(client.stats().rateLimited['groups.list']).toBe(2);
    expect(client.stats().retries['groups.list']).toBe(2);
  });

  it('pauses the whole endpoint during the wait: a new call does not reach Feishu until it ends', async () => {
    const releases: (() => void)[] = [];
    let limited = true;
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        if (limited) return fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '1' });
        return ok({ user: { user_id: r.path.split('/').pop() } });
      },
      { sleep: () => new Promise<void>((resolve) => releases.push(resolve)) },
    );
    await client.tenantToken();
    // Two calls start together (the pacing allows a pair at once); both are refused.
    const first = Promise.all([client.user('a'), client.user('b')]);
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(api(fake)).toHaveLength(2);
    limited = false;
    const late = client.user('d');
    // Give the late call every chance to slip through the paused queue.
    await new Promise((r) => setTimeout(r, 100));
    expect(api(fake)).toHaveLength(2);
    for (const release of releases.splice(0)) release();
    const users = [...(await first), await late];
    expect(users.map((u) => u.user_id)).toEqual(['a', 'b', 'd']);
    expect(api(fake)).toHaveLength(5);
  });

  it('after a lone 429 under a limit it already paces below, holds the endpoint only briefly: the refused call waits the reset, others go on', async () => {
    const releases: (() => void)[] = [];
    let refusedOnce = false;
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        if (r.path.endsWith('/a') && !refusedOnce) {
          refusedOnce = true;
          return fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '1', 'x-ogw-ratelimit-limit': '50' });
        }
        return ok({ user: { user_id: r.path.split('/').pop() } });
      },
      // Short holds pass at once; the full reset wait is held until the test releases it.
      { sleep: (ms: number) => (ms < 500 ? Promise.resolve() : new Promise<void>((resolve) => releases.push(resolve))) },
    );
    await client.tenantToken();
    const a = client.user('a');
    while (releases.length < 1) await new Promise((r) => setTimeout(r, 5));
    // 'b' is not stuck behind a one-second pause of the whole endpoint.
    expect((await client.user('b')).user_id).toBe('b');
    for (const release of releases.splice(0)) release();
    expect((await a).user_id).toBe('a');
    expect(api(fake)).toHaveLength(3);
  });

  it('counts the 429s of calls already on their way when the first 429 came back as one jitter event: the endpoint goes on', async () => {
    let clock = 5_000_000;
    const releases: (() => void)[] = [];
    const refused = new Set<string>();
    let bothArrived: () => void = () => undefined;
    const together = new Promise<void>((resolve) => (bothArrived = resolve));
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        const id = r.path.split('/').pop()!;
        if ((id === 'a' || id === 'b') && !refused.has(id)) {
          refused.add(id);
          if (refused.size === 2) bothArrived();
          // Both were sent before either answer is back: one crowded window at the gateway.
          return together.then(() => {
            clock += 10;
            return fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '1', 'x-ogw-ratelimit-limit': '50' });
          });
        }
        return ok({ user: { user_id: id } });
      },
      { now: () => clock, sleep: (ms: number) => (ms < 500 ? Promise.resolve() : new Promise<void>((resolve) => releases.push(resolve))) },
    );
    await client.tenantToken();
    const both = Promise.all([client.user('a'), client.user('b')]);
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
    // Neither refusal paused the endpoint for the whole reset: a new call goes straight through.
    const x = client.user('x');
    const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('x waited behind a pause of the endpoint')), 2000));
    expect((await Promise.race([x, stuck])).user_id).toBe('x');
    for (const release of releases.splice(0)) release();
    expect((await both).map((u) => u.user_id)).toEqual(['a', 'b']);
    expect(api(fake)).toHaveLength(5);
  });

  it('treats a 429 for a call sent after an earlier 429 came back as a storm: the whole endpoint waits the reset', async () => {
    let clock = 5_000_000;
    const releases: (() => void)[] = [];
    const refuse = new Set(['a', 'c']);
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        const id = r.path.split('/').pop()!;
        if (refuse.delete(id)) return fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '1', 'x-ogw-ratelimit-limit': '50' });
        return ok({ user: { user_id: id } });
      },
      { now: () => clock, sleep: (ms: number) => (ms < 500 ? Promise.resolve() : new Promise<void>((resolve) => releases.push(resolve))) },
    );
    await client.tenantToken();
    const a = client.user('a');
    while (releases.length < 1) await new Promise((r) => setTimeout(r, 5));
    clock += 200;
    // Sent after the first 429 was back, and refused too: something else spends the budget.
    const c = client.user('c');
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
    const d = client.user('d');
    await new Promise((r) => setTimeout(r, 100));
    expect(api(fake).map((s) => s.path.split('/').pop())).toEqual(['a', 'c']);
    for (const release of releases.splice(0)) release();
    expect([(await a).user_id, (await c).user_id, (await d).user_id]).toEqual(['a', 'c', 'd']);
  });

  it('takes a 429 for a call sent more than the reset after an earlier 429 for another lone one: the endpoint goes on', async () => {
    let clock = 5_000_000;
    const releases: (() => void)[] = [];
    const refuse = new Set(['a', 'c']);
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        const id = r.path.split('/').pop()!;
        if (refuse.delete(id)) return fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '1', 'x-ogw-ratelimit-limit': '50' });
        return ok({ user: { user_id: id } });
      },
      { now: () => clock, sleep: (ms: number) => (ms < 500 ? Promise.resolve() : new Promise<void>((resolve) => releases.push(resolve))) },
    );
    await client.tenantToken();
    const a = client.user('a');
    while (releases.length < 1) await new Promise((r) => setTimeout(r, 5));
    clock += 1_500;
    // Another window: a lone 429 again, not something else spending the budget.
    const c = client.user('c');
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
    const d = client.user('d');
    const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('d waited behind a pause of the endpoint')), 2000));
    expect((await Promise.race([d, stuck])).user_id).toBe('d');
    for (const release of releases.splice(0)) release();
    expect([(await a).user_id, (await c).user_id]).toEqual(['a', 'c']);
    expect(api(fake)).toHaveLength(5);
  });

  it('treats 99991400 under HTTP 400 as a rate limit and gives up after maxAttempts with rate.limited', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : fail(400, 99991400, 'limit')), { maxAttempts: 3 });
    const f = await failure(client.groups());
    expect(f.info).toMatchObject({ code: 'rate.limited', feishuCode: 99991400 });
    expect(api(fake)).toHaveLength(3);
    expect(client.stats().rateLimited['groups.list']).toBe(3);
  });
});

describe('transient failures', () => {
  it.each([
    [500, 1225000],
    [500, 1227000],
    [500, 1227500],
    [503, 0],
  ])('HTTP %i code %i is retried and the call succeeds', async (status, code) => {
    let failures = 2;
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return failures-- > 0 ? fail(status, code, 'internal error') : ok({ group_list: [], has_more: false });
    });
    expect(await client.groups()).toEqual([]);
    expect(api(fake)).toHaveLength(3);
    expect(client.stats().retries['groups.list']).toBe(2);
  });

  it('gives up after maxAttempts with feishu.server and the Feishu details', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : fail(500, 1225000, 'internal', { error: { log_id: 'L5' } })));
    const f = await failure(client.groups());
    expect(f.info).toMatchObject({ code: 'feishu.server', feishuCode: 1225000, logId: 'L5', httpStatus: 500 });
    expect(api(fake)).toHaveLength(5);
  });

  it('survives connection resets', async () => {
    let resets = 2;
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return resets-- > 0 ? 'reset' : ok({ group_list: [], has_more: false });
    });
    expect(await client.groups()).toEqual([]);
    expect(api(fake)).toHaveLength(3);
  });

  it('reports net.unreachable after maxAttempts resets', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : 'reset'), { maxAttempts: 3 });
    expect((await failure(client.groups())).info.code).toBe('net.unreachable');
    expect(api(fake)).toHaveLength(3);
  });

  it('reports net.unreachable when nothing listens, after bounded retries', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = createFeishuClient({ baseUrl: `http://127.0.0.1:${port}`, appId: 'a', appSecret: 's', sleep: async () => undefined, maxAttempts: 3 });
    cleanups.push(() => client.close());
    const f = await failure(client.verify());
    expect(f.info.code).toBe('net.unreachable');
    expect(client.stats().requests.token).toBe(3);
  });

  it('reports net.timeout when Feishu never answers', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : 'hang'), { timeoutMs: 150, maxAttempts: 2 });
    expect((await failure(client.groups())).info.code).toBe('net.timeout');
    expect(api(fake)).toHaveLength(2);
  });
});

describe('errors that must not be retried', () => {
  it.each([
    [400, 99991672, 'scope.missing'],
    [400, 99991676, 'scope.missing'],
    [400, 99991401, 'net.ip_denied'],
    [403, 40004, 'range.contact'],
    [400, 41050, 'range.contact'],
    [400, 1220005, 'range.attendance'],
    [400, 1220001, 'feishu.param_invalid'],
    [400, 40011, 'feishu.param_invalid'],
  ])('HTTP %i code %i → %s after exactly one request', async (status, code, expected) => {
    const { fake, client } = await setup((r) =>
      r.path === TOKEN_PATH
        ? undefined
        : fail(status, code, 'denied', { error: { permission_violations: [{ type: 'action_privilege_required', subject: 'attendance:rule:readonly' }] } }),
    );
    const f = await failure(client.groups());
    expect(f.info.code).toBe(expected);
    expect(api(fake)).toHaveLength(1);
    if (expected === 'scope.missing') expect(f.info.scopes).toEqual(['attendance:rule:readonly']);
  });
});

describe('cancellation', () => {
  it('an abort while a request is in flight ends the call with export.cancelled', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : 'hang'));
    const ac = new AbortController();
    const p = client.downloadFile('fk', ac.signal);
    while (api(fake).length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    expect((await failure(p)).info.code).toBe('export.cancelled');
  });

  it('an abort during a retry wait ends the call with export.cancelled', async () => {
    const ac = new AbortController();
    const { client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        return fail(500, 1225000, 'internal');
      },
      {
        sleep: (_ms, signal) =>
          new Promise<void>((_resolve, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
            ac.abort();
          }),
      },
    );
    expect((await failure(client.groups(ac.signal))).info.code).toBe('export.cancelled');
  });

  it('closing the client ends calls waiting for a rate-limit pause instead of leaving them hanging', async () => {
    const releases: (() => void)[] = [];
    const { fake, client } = await setup(
      (r) => (r.path === TOKEN_PATH ? undefined : fail(429, 99991400, 'too many', {}, { 'x-ogw-ratelimit-reset': '30' })),
      { sleep: () => new Promise<void>((resolve) => releases.push(resolve)) },
    );
    const outcome = failure(client.groups());
    while (releases.length === 0) await new Promise((r) => setTimeout(r, 5));
    await client.close();
    expect((await outcome).info.code).toBe('export.cancelled');
    expect(api(fake)).toHaveLength(1);
  });

  it('closing the client cancels a retry wait too, so no timer outlives it', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : fail(500, 1225000, 'internal')), {
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signals.push(signal);
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    });
    const outcome = failure(client.groups());
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 5));
    await client.close();
    expect(signals[0]?.aborted).toBe(true);
    expect((await outcome).info.code).toBe('export.cancelled');
  });

  it('an already-aborted signal sends nothing', async () => {
    const { fake, client } = await setup(() => undefined);
    const ac = new AbortController();
    ac.abort();
    expect((await failure(client.userSettings(['u1'], ac.signal))).info.code).toBe('export.cancelled');
    expect(fake.seen).toHaveLength(0);
  });
});

describe('face photo download', () => {
  it('returns the bytes, their type and the file name', async () => {
    // The smallest whole JPEG (SOI, frame header, scan header, one byte of data, EOI): the client checks photos.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0x12, 0xff, 0xd9]);
    const { fake, client } = await setup((r) =>
      r.path === TOKEN_PATH
        ? undefined
        : { raw: jpeg, headers: { 'content-type': 'image/jpeg', 'content-disposition': 'attachment; filename="face.jpg"' } },
    );
    const file = await client.downloadFile('abc123');
    expect(Array.from(file.bytes)).toEqual(Array.from(jpeg));
    expect(file.contentType).toBe('image/jpeg');
    expect(file.fileName).toBe('face.jpg');
    expect(api(fake)[0]!.path).toBe('/open-apis/attendance/v1/files/abc123/download');
  });

  it('reads a JSON body on HTTP 200 as the error it is', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : { status: 200, json: { code: 1220001, msg: 'param is invalid' } }));
    const f = await failure(client.downloadFile('nope'));
    expect(f.info).toMatchObject({ code: 'feishu.param_invalid', feishuCode: 1220001, feishuMsg: 'param is invalid' });
    expect(api(fake)).toHaveLength(1);
  });

  it('reports JSON with code 0 where a photo was expected as a bad response', async () => {
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({})));
    expect((await failure(client.downloadFile('x'))).info.code).toBe('feishu.bad_response');
  });

  it('refreshes the token when a download answers with a token error', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      return r.headers.authorization === 'Bearer t-1' ? fail(400, 99991663, 'expired') : { raw: png, headers: { 'content-type': 'image/png' } };
    });
    expect(Array.from((await client.downloadFile('k')).bytes)).toEqual(Array.from(png));
    expect(fake.count(TOKEN_PATH)).toBe(2);
  });
});

describe('single reads', () => {
  it('reads one employee by user_id', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ user: { user_id: 'u9', name: '张三' } })));
    expect(await client.user('u9')).toEqual({ user_id: 'u9', name: '张三' });
    expect(api(fake)[0]!.path).toBe('/open-apis/contact/v3/users/u9');
    expect(api(fake)[0]!.query.get('user_id_type')).toBe('user_id');
  });

  it('reports an employee missing from the answer as feishu.not_found', async () => {
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({})));
    expect((await failure(client.user('ghost'))).info.code).toBe('feishu.not_found');
  });

  it('searches groups by name with a POST body', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ group_list: [{ group_id: 'g2', group_name: '总部' }] })));
    expect(await client.searchGroups('总部', true)).toEqual([{ group_id: 'g2', group_name: '总部' }]);
    const req = api(fake)[0]!;
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.body)).toEqual({ group_name: '总部', exactly_matched: true });
  });
});

describe('verify', () => {
  it('checks the token and makes one cheap attendance call', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ group_list: [{ group_id: 'g', group_name: 'G' }], has_more: true, page_token: 'n' })));
    await client.verify();
    const calls = api(fake);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe('/open-apis/attendance/v1/groups');
    expect(calls[0]!.query.get('page_size')).toBe('1');
  });

  it('names the missing attendance scope at sign-in', async () => {
    const { client } = await setup((r) =>
      r.path === TOKEN_PATH
        ? undefined
        : fail(400, 99991672, 'Access denied', { error: { permission_violations: [{ type: 'action_privilege_required', subject: 'attendance:rule:readonly' }] } }),
    );
    const f = await failure(client.verify());
    expect(f.info).toMatchObject({ code: 'scope.missing', scopes: ['attendance:rule:readonly'] });
  });
});

describe('logging and counters', () => {
  it('never logs the secret, the token or full URLs, and counts requests by endpoint', async () => {
    let n = 0;
    const { client, logs } = await setup((r) => {
      if (r.path === TOKEN_PATH) return { json: { code: 0, msg: 'ok', tenant_access_token: 't-sensitive-token', expire: 7200 } };
      n++;
      if (n === 1) return fail(500, 1225000, 'internal');
      if (n === 2) return fail(429, 99991400, 'limit', {}, { 'x-ogw-ratelimit-reset': '0' });
      return ok({ group_list: [], has_more: false });
    });
    await client.groups();
    await failure(client.user('x'));
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(0);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('t-sensitive-token');
    expect(text).not.toContain('http://');
    const s = client.stats();
    expect(s.requests).toEqual({ token: 1, 'groups.list': 3, 'users.get': 1 });
    expect(s.rateLimited).toEqual({ 'groups.list': 1 });
    expect(s.retries).toEqual({ 'groups.list': 2 });
    expect(s.tokenFetches).toBe(1);
  });
});

describe('review fixes', () => {
  it('runs at 48 requests per second per endpoint by default', async () => {
    const clock = new ManualClock();
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ group_list: [], has_more: false })), { rateClock: clock });
    await client.tenantToken();
    const calls = Array.from({ length: 100 }, () => client.groups().catch(() => undefined));
    await clock.advanceTo(999);
    expect(client.stats().requests['groups.list']).toBe(48);
    await clock.advanceTo(1_999);
    expect(client.stats().requests['groups.list']).toBe(96);
    await clock.advanceTo(5_000);
    await Promise.all(calls);
    expect(client.stats().requests['groups.list']).toBe(100);
  });

  it('holds each contact endpoint to its per-minute budget, but not the attendance endpoints', async () => {
    const clock = new ManualClock();
    const { client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return undefined;
        if (r.path.startsWith('/open-apis/contact/v3/users/')) return ok({ user: { user_id: 'x' } });
        return ok({ group_list: [], has_more: false });
      },
      { rateClock: clock, contactPerMinute: 20 },
    );
    await client.tenantToken();
    const users = Array.from({ length: 30 }, (_, i) => client.user(`u${i}`));
    const groups = Array.from({ length: 30 }, () => client.groups());
    await clock.advanceTo(59_999);
    expect(client.stats().requests['users.get']).toBe(20);
    expect(client.stats().requests['groups.list']).toBe(30);
    await clock.advanceTo(70_000);
    await Promise.all([...users, ...groups]);
    expect(client.stats().requests['users.get']).toBe(30);
  });

  it('keeps the default contact budget under 1000 per minute', async () => {
    const clock = new ManualClock();
    const { client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : ok({ user: { user_id: 'x' } })), { rateClock: clock });
    await client.tenantToken();
    const users = Array.from({ length: 1000 }, (_, i) => client.user(`u${i}`));
    await clock.advanceTo(59_999);
    expect(client.stats().requests['users.get']).toBe(950);
    await clock.advanceTo(200_000);
    await Promise.all(users);
  });

  it('walks the tree level by level when fetch_child=true is refused with 43010', async () => {
    const tree: Record<string, string[]> = { '0': ['od-a', 'od-b'], 'od-a': ['od-a1', 'od-a2'], 'od-b': [], 'od-a1': ['od-a1x'], 'od-a2': [], 'od-a1x': [] };
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      const id = decodeURIComponent(r.path.split('/')[5]!);
      if (r.query.get('fetch_child') === 'true') return fail(400, 43010, 'big dept forbid recursion');
      const kids = tree[id]!.map((k) => ({ name: k, open_department_id: k, parent_department_id: id }));
      // The root's children come over two pages.
      if (id === '0' && !r.query.get('page_token')) return ok({ items: kids.slice(0, 1), has_more: true, page_token: 'p2' });
      if (id === '0') return ok({ items: kids.slice(1), has_more: false });
      return ok({ items: kids, has_more: false });
    });
    const all = await client.departmentChildren('0');
    expect(all.map((d) => d.open_department_id).sort()).toEqual(['od-a', 'od-a1', 'od-a1x', 'od-a2', 'od-b']);
    const calls = api(fake);
    expect(calls.filter((c) => c.query.get('fetch_child') === 'true')).toHaveLength(1);
    // 1 refused + 2 pages of "0" + od-a, od-b + od-a1, od-a2 + od-a1x
    expect(calls).toHaveLength(8);
  });

  it('does not walk level by level for other errors, nor when fetch_child=false was asked', async () => {
    const { fake, client } = await setup((r) => (r.path === TOKEN_PATH ? undefined : fail(400, 43010, 'big dept forbid recursion')));
    expect((await failure(client.departmentChildren('0', { fetchChild: false }))).info.feishuCode).toBe(43010);
    expect(api(fake)).toHaveLength(1);
  });

  it('finds the ids refused with 1220004 by halving the batch, and returns everyone else', async () => {
    const bad = new Set(['u7', 'u150', 'u151']);
    const { fake, client, logs } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      const ids = (JSON.parse(r.body) as { user_ids: string[] }).user_ids;
      if (ids.some((id) => bad.has(id))) return fail(400, 1220004, 'user does not exist or is not in the permission range');
      return ok({ user_settings: ids.map((id) => ({ user_id: id, face_key: `fk-${id}`, face_key_update_time: '1700000000' })) });
    });
    const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const reports: [string[], AppError][] = [];
    const settings = await client.userSettings(ids, undefined, { onRejected: (refused, error) => reports.push([refused, error]) });
    expect(settings.map((s) => s.user_id).sort()).toEqual(ids.filter((id) => !bad.has(id)).sort());
    expect(reports).toHaveLength(1);
    expect(reports[0]![0]).toEqual(['u7', 'u150', 'u151']);
    expect(reports[0]![1]).toMatchObject({ code: 'range.attendance', feishuCode: 1220004 });
    expect(JSON.stringify(logs)).toContain('u150');
    // Far fewer calls than one per id.
    expect(api(fake).length).toBeLessThan(40);
    // And it works without a callback too.
    expect(await client.userSettings(['u7', 'u8'])).toEqual([{ user_id: 'u8', face_key: 'fk-u8', face_key_update_time: '1700000000' }]);
  });

  it('keeps using the current token when an early refresh fails for a transient reason, until it expires', async () => {
    let clock = 1_000_000;
    let tokenDown = false;
    const { fake, client } = await setup(
      (r) => {
        if (r.path === TOKEN_PATH) return tokenDown ? fail(500, 1225000, 'internal') : undefined;
        return ok({ group_list: [], has_more: false });
      },
      { now: () => clock, maxAttempts: 2 },
    );
    expect(await client.tenantToken()).toBe('t-1');
    tokenDown = true;
    clock += (7200 - 120) * 1000; // inside the 3-minute margin, not expired
    expect(await client.groups()).toEqual([]);
    expect(api(fake).at(-1)!.headers.authorization).toBe('Bearer t-1');
    clock += 119_000; // still 1 s left
    expect(await client.tenantToken()).toBe('t-1');
    clock += 2_000; // expired now
    expect((await failure(client.tenantToken())).info.code).toBe('feishu.server');
    tokenDown = false;
    expect(await client.tenantToken()).toBe('t-2');
  });

  it('does not fall back to the current token when the refresh says the credentials are wrong', async () => {
    let clock = 1_000_000;
    let badSecret = false;
    const { client } = await setup((r) => (r.path === TOKEN_PATH && badSecret ? fail(400, 10014, 'app secret invalid') : undefined), { now: () => clock });
    await client.tenantToken();
    badSecret = true;
    clock += (7200 - 120) * 1000;
    expect((await failure(client.tenantToken())).info.code).toBe('auth.bad_secret');
  });

  it('reports a list with a row that is not an object as a bad response, not a shorter list', async () => {
    const { client } = await setup((r) =>
      r.path === TOKEN_PATH ? undefined : ok({ group_list: [{ group_id: 'g', group_name: 'G' }, 'g2', null], has_more: false }),
    );
    expect((await failure(client.groups())).info.code).toBe('feishu.bad_response');
  });

  it('says the base URL is wrong when it answers 404 with a page that is not Feishu JSON', async () => {
    const { client } = await setup(() => ({ status: 404, raw: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } }));
    const f = await failure(client.verify());
    expect(f.info.code).toBe('feishu.bad_response');
    expect(f.message).toMatch(/base URL/);
  });

  it('retries contact 40003 "internal" and maps 42008 to auth.app_unavailable', async () => {
    let internal = 2;
    const { fake, client } = await setup((r) => {
      if (r.path === TOKEN_PATH) return undefined;
      if (r.path.endsWith('/children')) return internal-- > 0 ? fail(400, 40003, 'internal') : ok({ items: [], has_more: false });
      return fail(401, 42008, 'tenant invalid');
    });
    expect(await client.departmentChildren('0')).toEqual([]);
    expect(client.stats().retries['departments.children']).toBe(2);
    expect((await failure(client.usersByDepartment('0'))).info.code).toBe('auth.app_unavailable');
    expect(fake.count('/open-apis/contact/v3/users/find_by_department')).toBe(1);
  });

  it.each([false, true])('refuses an answer larger than the size cap (chunked: %s) without retrying', async (chunked) => {
    const big = new Uint8Array(5000).fill(7);
    const { fake, client } = await setup(
      (r) => (r.path === TOKEN_PATH ? undefined : { raw: big, chunked, headers: { 'content-type': 'image/jpeg' } }),
      { maxResponseBytes: 1000 },
    );
    const f = await failure(client.downloadFile('k'));
    expect(f.info.code).toBe('feishu.bad_response');
    expect(api(fake)).toHaveLength(1);
    // A photo under the cap still comes through.
    const small = await setup((r) => (r.path === TOKEN_PATH ? undefined : { raw: big.subarray(0, 900), chunked, headers: { 'content-type': 'image/jpeg' } }), {
      maxResponseBytes: 1000,
    });
    expect((await small.client.downloadFile('k')).bytes).toHaveLength(900);
  });
});

// Keeps the type import honest: the client satisfies the agreed interface.
export type _Check = FeishuClient;
