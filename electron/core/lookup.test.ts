// lookupEmployee against the simulator over loopback: which calls each kind of input costs, and the fallbacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { SCOPE_USER_ID_LOOKUP } from '../simulator/user-ids';
import { startRig, type CoreRig } from './core.testkit';

let rig: CoreRig;
beforeAll(async () => {
  rig = await startRig({ seed: 5, employees: 20_000, latencyMs: 40 });
});
afterAll(async () => {
  await rig.close();
});

const apiCalls = () => Object.fromEntries(Object.entries(rig.sim.stats().requests).filter(([k, n]) => k !== 'token' && n > 0));
const active = () => rig.sim.tenant.users.filter((u) => !u.status.is_resigned);

describe('lookupEmployee on a 20,000-employee tenant (40 ms latency)', { timeout: 60_000 }, () => {
  it('answers a user_id, open_id, e-mail and mobile with ≤ 3 calls and face status, no walk', async () => {
    const u = active()[3]!;
    for (const [kind, input, expected] of [
      ['user_id', u.user_id, 2],
      ['open_id', u.open_id, 2],
      ['email', u.email, 3],
      ['mobile', u.mobile, 3],
    ] as const) {
      rig.sim.resetStats();
      const started = performance.now();
      const row = await rig.newCore().lookupEmployee(input); // a cold core each time, as the CLI starts
      const ms = Math.round(performance.now() - started);
      console.info(`lookup by ${kind}: ${JSON.stringify(apiCalls())}, ${ms} ms`);
      expect(row).toMatchObject({ userId: u.user_id, name: u.name, employeeNo: u.employee_no, face: { enrolled: rig.sim.tenant.faces.has(u.user_id) } });
      const calls = apiCalls();
      expect(Object.values(calls).reduce((a, b) => a + b, 0)).toBe(expected);
      expect(calls['users.find_by_department']).toBeUndefined();
      expect(calls['departments.children']).toBeUndefined();
    }
  });

  it('says "not found" for an e-mail or open_id Feishu does not know, without a walk', async () => {
    rig.sim.resetStats();
    for (const input of ['no.one@example.com', 'ou_0123456789abcdef']) {
      const err = await rig.core.lookupEmployee(input).catch((e: unknown) => e);
      expect(isAppFailure(err) && err.info.code).toBe('feishu.not_found');
    }
    expect(apiCalls()['users.find_by_department']).toBeUndefined();
  });

  it('names employees by user_id with one users.get each', async () => {
    const ten = active().slice(0, 10);
    rig.sim.resetStats();
    const started = performance.now();
    const { found, unknown } = await rig.newCore().employeesNamed(ten.map((u) => u.user_id));
    console.info(`employeesNamed of 10: ${JSON.stringify(apiCalls())}, ${Math.round(performance.now() - started)} ms`);
    expect(found.map((e) => e.userId)).toEqual(ten.map((u) => u.user_id));
    expect(unknown).toEqual([]);
    expect(apiCalls()).toEqual({ 'users.get': 10 });
  });
});

describe('lookups that need the directory (small tenant)', () => {
  it('an employee number or an unknown id in a list is looked up in the directory', async () => {
    const small = await startRig({ seed: 5, employees: 80 });
    try {
      const [a, b] = small.sim.tenant.users.filter((x) => !x.status.is_resigned);
      const { found, unknown } = await small.core.employeesNamed([a!.user_id, b!.employee_no, 'nobody-1']);
      expect(found.map((e) => e.userId)).toEqual([a!.user_id, b!.user_id]);
      expect(unknown).toEqual(['nobody-1']);
      expect((await small.core.lookupEmployee(b!.employee_no)).userId).toBe(b!.user_id);
    } finally {
      await small.close();
    }
  });

  it('falls back to the directory for an e-mail', async () => {
    const small = await startRig({ seed: 5, employees: 80 });
    try {
      small.sim.switches.missingScopes = [SCOPE_USER_ID_LOOKUP];
      const u = small.sim.tenant.users.find((x) => !x.status.is_resigned)!;
      expect((await small.core.lookupEmployee(u.email)).userId).toBe(u.user_id);
      expect(small.calls('users.find_by_department')).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});
