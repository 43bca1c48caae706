// `check` as an admin types it: a name (梁军), an email or a mobile, not only a user id or 工号.
import { describe, expect, it } from 'vitest';
import { cliTenant, ndjson, runCli } from './cli.testkit';

// hostile: the fixtures include two employees both named 张伟, the namesakes an admin must choose between.
const tenant = cliTenant({ seed: 7, employees: 60, latencyMs: 0, hostile: true });

describe('cli check by name, email and mobile', { timeout: 120_000 }, () => {
  it('finds an employee by a unique name, by email and by mobile with or without +86', async () => {
    const users = tenant.sim.tenant.users;
    const u = users.find((x) => !x.status.is_resigned && users.filter((y) => y.name === x.name).length === 1 && /^\+86/.test(x.mobile))!;
    const national = u.mobile.slice(3);
    for (const input of [u.name, u.email.toUpperCase(), national, `+86 ${national.slice(0, 3)} ${national.slice(3)}`]) {
      const run = await runCli(['check', input, '--json'], { env: tenant.env() });
      expect(run.code, input).toBe(0);
      expect(ndjson(run.stdout), input).toEqual([expect.objectContaining({ type: 'employee', userId: u.user_id, name: u.name })]);
    }
  });

  it('lists namesakes with department and 工号 and exits 2 instead of guessing', async () => {
    const namesakes = tenant.sim.tenant.users.filter((x) => x.name === '张伟');
    expect(namesakes.length).toBeGreaterThan(1);
    const run = await runCli(['check', '张伟'], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`"张伟" matches ${namesakes.length} employees`));
    for (const x of namesakes) expect(lines[0]).toContain(`工号 ${x.employee_no}, user_id ${x.user_id}`);
  });
});
