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
