// `check` and `export --users` on a large tenant must not walk the directory: a handful of calls, whatever its size.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_DEPARTMENT_FOLDER } from '../../shared/naming';
import { cliTenant, listFiles, ndjson, readManifest, runCli } from './cli.testkit';

// Feishu's contact quota and a realistic latency: a walk of this tenant takes over a minute.
const tenant = cliTenant({ seed: 11, employees: 20_000, latencyMs: 40, contactPerMinute: 1000 });
const small = cliTenant({ seed: 11, employees: 60, latencyMs: 0 });

/** API calls the simulator answered, the token excepted. */
function apiCalls(): Record<string, number> {
  const { token: _token, ...rest } = tenant.sim.stats().requests;
  return Object.fromEntries(Object.entries(rest).filter(([, n]) => n > 0));
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

describe('direct lookups on a 20,000-employee tenant', { timeout: 120_000 }, () => {
  it('check by user_id, email and mobile makes ≤ 5 calls and reads no department list', async () => {
    const u = tenant.sim.tenant.users.find((x) => !x.status.is_resigned && x.mobile.startsWith('+86'))!;
    for (const input of [u.user_id, u.email, u.mobile.slice(3), u.mobile]) {
      tenant.sim.resetStats();
      const started = Date.now();
      const run = await runCli(['check', input, '--json'], { env: tenant.env() });
      const calls = apiCalls();
      console.info(`check ${input.includes('@') ? 'email' : /^\+?\d+$/.test(input) ? 'mobile' : 'user_id'}: ${total(calls)} calls ${JSON.stringify(calls)}, ${Date.now() - started} ms with the CLI's start`);
      expect(run.code, run.stderr).toBe(0);
      expect(ndjson(run.stdout)).toEqual([expect.objectContaining({ type: 'employee', userId: u.user_id, name: u.name })]);
      expect(total(calls), JSON.stringify(calls)).toBeLessThanOrEqual(5);
      expect(calls['departments.children'] ?? 0).toBe(0);
      expect(calls['users.find_by_department'] ?? 0).toBe(0);
    }
  });

  it('an email nobody has is "not found" without a walk', async () => {
    const run = await runCli(['check', 'nobody.here@example.com'], { env: tenant.env() });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/not found|no such employee/i);
    expect(apiCalls()['users.find_by_department'] ?? 0).toBe(0);
  });

  it('export --users of 10 does not read the directory', async () => {
    const ten = tenant.enrolledActive().slice(0, 10);
    const started = Date.now();
    const run = await runCli(['export', '--users', ten.map((u) => u.user_id).join(','), '--out', join(tenant.work, 'out'), '--json'], { env: tenant.env() });
    const calls = apiCalls();
    console.info(`export --users of 10: ${JSON.stringify(calls)}, ${Date.now() - started} ms with the CLI's start`);
    expect(run.code, run.stderr).toBe(0);
    expect(calls['users.find_by_department'] ?? 0).toBe(0);
    expect(calls['departments.children'] ?? 0).toBe(0);
    expect(calls['users.get']).toBe(10);
    expect(calls['files.download']).toBe(10);
  });
});

describe('export --users with department folders', { timeout: 120_000 }, () => {
  it('still files each photo under its department, read from the directory', async () => {
    const two = small.enrolledActive().slice(0, 2);
    const out = join(small.work, 'out');
    const run = await runCli(['export', '--users', two.map((u) => u.user_id).join(','), '--subfolders', 'department', '--out', out], { env: small.env() });
    expect(run.code, run.stderr).toBe(0);
    const rows = await readManifest(out);
    for (const u of two) expect(rows.find((r) => r.user_id === u.user_id)?.department, u.user_id).not.toBe('');
    const files = (await listFiles(out)).filter((f) => !f.endsWith('.csv'));
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.includes('/') && !f.startsWith(`${NO_DEPARTMENT_FOLDER}/`)), files.join(', ')).toBe(true);
  });
});
