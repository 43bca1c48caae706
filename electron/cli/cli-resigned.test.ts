// The remembered directory holds no employee who has resigned (issue #13): a CLI export that asks for them
// (--include-resigned) reads the directory from Feishu again rather than leaving them out.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTenant, ndjson, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 9, employees: 120, latencyMs: 0, contactPerMinute: 100_000 });
const walked = () => (tenant.sim.stats().requests['users.find_by_department'] ?? 0) > 0;

async function exportAll(out: string, ...flags: string[]) {
  tenant.sim.resetStats();
  const run = await runCli(['export', '--all', '--out', join(tenant.work, out), '--json', ...flags], { env: tenant.env() });
  expect(run.code, run.stderr).toBe(0);
  return { total: ndjson(run.stdout).find((e) => e.type === 'summary')?.total, walked: walked() };
}

describe('cli: resigned employees and the remembered directory', { timeout: 240_000 }, () => {
  it('--include-resigned exports them on a run after another one, too (the directory is read again)', async () => {
    const everyone = tenant.sim.tenant.users.length;
    const current = tenant.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    expect(current).toBeLessThan(everyone);
    expect(await exportAll('a', '--include-resigned')).toEqual({ total: everyone, walked: true });
    expect(await exportAll('b')).toEqual({ total: current, walked: false }); // the remembered directory serves this one
    expect(await exportAll('c', '--include-resigned')).toEqual({ total: everyone, walked: true });
  });
});

describe('cli: a resigned employee named by number on a run after another one', { timeout: 240_000 }, () => {
  it('check and export --users find them: the directory is read again when the remembered one does not know them', async () => {
    const gone = tenant.sim.tenant.users.find((u) => u.status.is_resigned && u.employee_no)!;
    const current = tenant.sim.tenant.users.find((u) => !u.status.is_resigned && u.employee_no)!;
    expect(await exportAll('a')).toMatchObject({ walked: true }); // remembers the directory
    tenant.sim.resetStats();
    const warm = await runCli(['check', current.employee_no, '--json'], { env: tenant.env() });
    expect(warm.code, warm.stderr).toBe(0);
    expect(walked()).toBe(false);
    const check = await runCli(['check', gone.employee_no, '--json'], { env: tenant.env() });
    expect(check.code, check.stderr).toBe(0);
    expect(ndjson(check.stdout)[0]).toMatchObject({ userId: gone.user_id });
    const named = await runCli(['export', '--users', gone.employee_no, '--out', join(tenant.work, 'one'), '--json'], { env: tenant.env() });
    expect(named.code, named.stderr).toBe(0);
    expect(ndjson(named.stdout).find((e) => e.type === 'summary')).toMatchObject({ total: 1 });
    const nobody = await runCli(['check', 'E99999', '--json'], { env: tenant.env() });
    expect(nobody.code).toBe(2);
  });
});
