import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, FIELD_SCOPES, SCOPE_CONTACT, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';
import { SCOPE_USER_ID_LOOKUP } from './user-ids';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, employees: 300, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});

const PATH = '/open-apis/contact/v3/users/batch_get_id?user_id_type=user_id';
type Entry = { user_id?: string; email?: string; mobile?: string };
const listOf = (r: Awaited<ReturnType<typeof call>>) => (r.json?.data as { user_list: Entry[] }).user_list;
const active = () => sim.tenant.users.filter((u) => !u.status.is_resigned);

describe('contact: users/batch_get_id', () => {
  it('finds user ids by e-mail (any case) and mobile with or without +86, unknown ones without user_id', async () => {
    const [a, b] = active();
    const national = b!.mobile.replace(/^\+86/, '');
    const r = await call(sim, 'POST', PATH, {
      token,
      body: { emails: [a!.email.toUpperCase(), 'nobody@example.com'], mobiles: [national, b!.mobile, '+8613000000000'] },
    });
    expect(r.json?.code).toBe(0);
    expect(listOf(r)).toEqual([
      { user_id: a!.user_id, email: a!.email.toUpperCase(), status: a!.status },
      { email: 'nobody@example.com' },
      { user_id: b!.user_id, mobile: national, status: b!.status },
      { user_id: b!.user_id, mobile: b!.mobile, status: b!.status },
      { mobile: '+8613000000000' },
    ]);
  });

  it('answers open_id by default and leaves resigned employees out unless include_resigned', async () => {
    const a = active()[0]!;
    expect(listOf(await call(sim, 'POST', '/open-apis/contact/v3/users/batch_get_id', { token, body: { emails: [a.email] } }))[0]?.user_id).toBe(a.open_id);
    const gone = sim.tenant.users.find((u) => u.status.is_resigned)!;
    expect(listOf(await call(sim, 'POST', PATH, { token, body: { emails: [gone.email] } }))[0]?.user_id).toBeUndefined();
    expect(listOf(await call(sim, 'POST', PATH, { token, body: { emails: [gone.email], include_resigned: true } }))[0]?.user_id).toBe(gone.user_id);
  });

  it('refuses more than 50 e-mails, an empty request and a bad user_id_type', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `x${i}@example.com`);
    for (const [path, body] of [
      [PATH, { emails: many }],
      [PATH, {}],
      ['/open-apis/contact/v3/users/batch_get_id?user_id_type=employee_id', { emails: ['a@example.com'] }],
    ] as const) {
      const r = await call(sim, 'POST', path, { token, body });
      expect(r.status).toBe(400);
      expect(r.json?.code).toBe(99992402);
    }
    const ok = await call(sim, 'POST', PATH, { token, body: { emails: many.slice(0, 50), mobiles: many.slice(0, 50).map((_, i) => `1380013${String(i).padStart(4, '0')}`) } });
    expect(listOf(ok)).toHaveLength(100);
  });

  it('needs contact:user.id:readonly, and the employee_id field scope for user_id', async () => {
    const a = active()[0]!;
    try {
      sim.switches.missingScopes = [SCOPE_USER_ID_LOOKUP];
      const r = await call(sim, 'POST', PATH, { token, body: { emails: [a.email] } });
      expect(r.json?.code).toBe(99991672);
      expect(JSON.stringify(r.json)).toContain(SCOPE_USER_ID_LOOKUP);
      sim.switches.missingScopes = [SCOPE_CONTACT];
      expect((await call(sim, 'POST', PATH, { token, body: { emails: [a.email] } })).json?.code).toBe(99991672);
      sim.switches.missingScopes = [FIELD_SCOPES.user_id];
      expect(listOf(await call(sim, 'POST', PATH, { token, body: { emails: [a.email] } }))).toEqual([{ email: a.email }]);
    } finally {
      sim.switches.missingScopes = [];
    }
  });

  it('counts in the per-minute contact quota', async () => {
    const q = await startSimulator({ seed: 7, employees: 50, rateLimitPerSecond: 100_000, contactPerMinute: 2 });
    try {
      const t = await tokenFor(q);
      const body = { emails: [q.tenant.users[0]!.email] };
      expect((await call(q, 'POST', PATH, { token: t, body })).json?.code).toBe(0);
      expect((await call(q, 'POST', PATH, { token: t, body })).json?.code).toBe(0);
      const third = await call(q, 'POST', PATH, { token: t, body });
      expect(third.json?.code).toBe(99991400);
      expect(q.stats().requests['users.batch_get_id']).toBe(3);
    } finally {
      await q.close();
    }
  });

  it('users/:user_id also answers by open_id', async () => {
    const a = active()[0]!;
    const r = await call(sim, 'GET', `/open-apis/contact/v3/users/${a.open_id}?user_id_type=open_id`, { token });
    expect((r.json?.data as { user: { user_id: string } }).user.user_id).toBe(a.user_id);
  });
});
