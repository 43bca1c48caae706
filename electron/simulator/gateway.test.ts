import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, SCOPE_ATTENDANCE, SCOPE_CONTACT, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const GROUPS = '/open-apis/attendance/v1/groups?page_size=10';
const ROOT_CHILDREN = '/open-apis/contact/v3/departments/0/children';

const running: Simulator[] = [];
async function start(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const sim = await startSimulator({ employees: 80, ...opts });
  running.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const askToken = (sim: Simulator, appId = sim.appId, appSecret = sim.appSecret) =>
  call(sim, 'POST', TOKEN_PATH, { body: { app_id: appId, app_secret: appSecret } });

describe('tenant_access_token', () => {
  it('returns the same token while at least 30 minutes are left, then a new one; the old one works until it expires', async () => {
    let clock = 1_800_000_000_000;
    const sim = await start({ now: () => clock });
    const first = await askToken(sim);
    expect(first.json).toMatchObject({ code: 0, expire: 7200 });
    expect(first.json?.data).toBeUndefined();
    const a = first.json?.tenant_access_token as string;
    expect(a).toMatch(/^t-/);

    clock += 60 * 60 * 1000; // 1 h later: 60 min left
    const again = await askToken(sim);
    expect(again.json?.tenant_access_token).toBe(a);
    expect(again.json?.expire).toBe(3600);

    clock += 31 * 60 * 1000; // 29 min left: renew
    const renewed = await askToken(sim);
    const b = renewed.json?.tenant_access_token as string;
    expect(b).not.toBe(a);
    expect(renewed.json?.expire).toBe(7200);
    expect((await call(sim, 'GET', GROUPS, { token: a })).json?.code).toBe(0);
    expect((await call(sim, 'GET', GROUPS, { token: b })).json?.code).toBe(0);

    clock += 30 * 60 * 1000; // a has expired, b has not
    const stale = await call(sim, 'GET', GROUPS, { token: a });
    expect([stale.status, stale.json?.code]).toEqual([400, 99991663]);
    expect((await call(sim, 'GET', GROUPS, { token: b })).json?.code).toBe(0);
    expect((await askToken(sim)).json?.tenant_access_token).toBe(b);
    expect(sim.stats().tokensIssued).toBe(2);
  });

  it('expireTokens() invalidates every token, and the next request for one gets a fresh token', async () => {
    const sim = await start();
    const a = await tokenFor(sim);
    sim.expireTokens();
    const r = await call(sim, 'GET', ROOT_CHILDREN, { token: a });
    expect(r.json?.code).toBe(99991663);
    const b = await tokenFor(sim);
    expect(b).not.toBe(a);
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token: b })).json?.code).toBe(0);
  });

  it('refuses a wrong secret, a wrong app id and the badSecret switch with 10014', async () => {
    const sim = await start();
    expect((await askToken(sim, sim.appId, 'wrong')).json?.code).toBe(10014);
    expect((await askToken(sim, 'cli_other', sim.appSecret)).json?.code).toBe(10014);
    sim.switches.badSecret = true;
    const r = await askToken(sim);
    expect(r.json?.code).toBe(10014);
    expect(r.json?.tenant_access_token).toBeUndefined();
  });

  it('answers 99991662 when the app is not installed', async () => {
    const sim = await start();
    sim.switches.appNotInstalled = true;
    expect((await askToken(sim)).json?.code).toBe(99991662);
  });
});

describe('gateway checks on API calls', () => {
  it('answers 99991661 without an Authorization header, 99991663 for an unknown token', async () => {
    const sim = await start();
    const none = await call(sim, 'GET', GROUPS);
    expect([none.status, none.json?.code]).toEqual([400, 99991661]);
    const bogus = await call(sim, 'GET', ROOT_CHILDREN, { token: 't-not-a-real-token' });
    expect([bogus.status, bogus.json?.code]).toEqual([400, 99991663]);
  });

  it('can answer token-invalid with HTTP 200 and a non-zero code', async () => {
    const sim = await start();
    sim.switches.tokenInvalidHttp200 = true;
    const r = await call(sim, 'GET', GROUPS, { token: 't-not-a-real-token' });
    expect([r.status, r.json?.code]).toEqual([200, 99991663]);
  });

  it('blocks every API with 99991401 when the IP allow-list denies us', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    sim.switches.ipDenied = true;
    for (const path of [GROUPS, ROOT_CHILDREN]) {
      const r = await call(sim, 'GET', path, { token });
      expect([r.status, r.json?.code, r.json?.msg]).toEqual([400, 99991401, 'ip 127.0.0.1 is denied by app setting']);
    }
  });

  it('names the missing scope in permission_violations, only on endpoints that need it', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    sim.switches.missingScopes = [SCOPE_ATTENDANCE];
    const denied = await call(sim, 'GET', GROUPS, { token });
    expect(denied.json?.code).toBe(99991672);
    expect([400, 403]).toContain(denied.status);
    expect(denied.json?.error?.permission_violations).toEqual([expect.objectContaining({ type: 'action_privilege_required', subject: SCOPE_ATTENDANCE })]);
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).json?.code).toBe(0);
    sim.switches.missingScopes = [SCOPE_CONTACT];
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).json?.code).toBe(99991672);
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(0);
  });

  it('gives every error a log id, in the body and the X-Tt-Logid header', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', GROUPS);
    const logId = r.headers['x-tt-logid'];
    expect(logId).toBeTruthy();
    expect(r.json?.error?.log_id).toBe(logId);
  });

  it('answers 404 for paths Feishu does not have', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', '/open-apis/attendance/v1/nothing');
    expect(r.status).toBe(404);
  });
});

describe('rate limit, faults and resets', () => {
  it('answers 429 / 99991400 with the ratelimit headers beyond the per-endpoint limit', async () => {
    const sim = await start({ rateLimitPerSecond: 5 });
    const token = await tokenFor(sim);
    const startSecond = Math.floor(Date.now() / 1000);
    const results = await Promise.all(Array.from({ length: 30 }, () => call(sim, 'GET', GROUPS, { token })));
    // The window is one wall-clock second; a slow machine may spread the burst over more than one.
    const windowsSpanned = Math.floor(Date.now() / 1000) - startSecond + 1;
    const limited = results.filter((r) => r.status === 429);
    expect(results.length - limited.length).toBeLessThanOrEqual(5 * windowsSpanned);
    expect(limited.length).toBeGreaterThanOrEqual(Math.min(25, 30 - 5 * windowsSpanned));
    expect(limited.length).toBeGreaterThan(0);
    const one = limited[0]!;
    expect(one.json).toMatchObject({ code: 99991400, msg: 'request trigger frequency limit' });
    expect(one.headers['x-ogw-ratelimit-limit']).toBe('5');
    expect(Number(one.headers['x-ogw-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    expect(sim.stats().rateLimited['groups.list']).toBe(limited.length);
    // Another endpoint has its own budget.
    expect((await call(sim, 'GET', ROOT_CHILDREN, { token })).json?.code).toBe(0);
  });

  it('fails about faultRate of requests with 500 (1225000 on attendance)', async () => {
    const sim = await start({ rateLimitPerSecond: 100_000 });
    const token = await tokenFor(sim);
    sim.switches.faultRate = 0.3;
    let faults = 0;
    for (let i = 0; i < 200; i++) {
      const r = await call(sim, 'GET', GROUPS, { token });
      if (r.status === 500) {
        expect(r.json?.code).toBe(1225000);
        faults++;
      } else expect(r.json?.code).toBe(0);
    }
    expect(faults).toBeGreaterThan(30);
    expect(faults).toBeLessThan(90);
    expect(sim.stats().faults).toBe(faults);
    sim.switches.faultRate = 0;
    expect((await call(sim, 'GET', GROUPS, { token })).status).toBe(200);
  });

  it('resets about resetRate of connections', async () => {
    const sim = await start({ rateLimitPerSecond: 100_000 });
    const token = await tokenFor(sim);
    sim.switches.resetRate = 0.25;
    let resets = 0;
    for (let i = 0; i < 120; i++) {
      try {
        const r = await call(sim, 'GET', GROUPS, { token });
        expect(r.json?.code).toBe(0);
      } catch {
        resets++;
      }
    }
    expect(resets).toBeGreaterThan(12);
    expect(resets).toBeLessThan(60);
    expect(sim.stats().resets).toBe(resets);
  });

  it('still answers correctly with latency and jitter switched on', async () => {
    const sim = await start({ latencyMs: 5, latencyJitterMs: 5 });
    const token = await tokenFor(sim);
    const r = await call(sim, 'GET', GROUPS, { token });
    expect(r.json?.code).toBe(0);
  });

  it('counts requests by endpoint and clears them with resetStats()', async () => {
    const sim = await start();
    const token = await tokenFor(sim);
    await call(sim, 'GET', GROUPS, { token });
    await call(sim, 'GET', GROUPS, { token });
    await call(sim, 'GET', ROOT_CHILDREN, { token });
    const s = sim.stats();
    expect(s.requests).toMatchObject({ token: 1, 'groups.list': 2, 'departments.children': 1, 'files.download': 0 });
    sim.resetStats();
    expect(sim.stats().requests['groups.list']).toBe(0);
  });
});
