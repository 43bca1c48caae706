// Issue #8, defect 8: a server that replaces its tokens every second while requests queue for the rate
// limit is no credential problem; a server that refuses even a token it has just issued is, and says so fast.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTenant, listFiles, PHOTO_RE, readManifest, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 13, employees: 50, latencyMs: 0 });

describe('cli under token trouble', { timeout: 120_000 }, () => {
  it('token churn: every photo is saved and the run exits 0', async () => {
    tenant.sim.switches.tokenChurnMs = 1000;
    // Each answer takes 150 ms, so the run lasts several churn periods even on an idle machine
    // (with no latency it can finish before the first token is replaced).
    tenant.sim.switches.latencyMs = 150;
    const out = join(tenant.work, 'churn');
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env(), timeoutMs: 100_000 });
    expect(run.stderr).not.toMatch(/system clock/);
    expect(run.code).toBe(0);
    const saved = (await listFiles(out)).filter((f) => PHOTO_RE.test(f));
    expect(saved).toHaveLength(tenant.enrolledActive().length);
    expect((await readManifest(out)).filter((r) => r.status === 'failed')).toEqual([]);
    // The churn really happened during the run.
    expect(tenant.sim.stats().tokensIssued).toBeGreaterThan(1);
  });

  it('a server that refuses even fresh tokens: auth.token_invalid, exit 2, after a handful of requests', async () => {
    tenant.sim.switches.refuseAllTokens = true;
    const started = Date.now();
    const run = await runCli(['export', '--all', '--json', '--out', join(tenant.work, 'refused')], { env: tenant.env(), timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/"code":"auth.token_invalid"/);
    expect(run.stdout).toMatch(/check the system clock and the credentials/);
    const requests = Object.values(tenant.sim.stats().requests).reduce((a, b) => a + b, 0);
    expect(requests).toBeLessThan(20);
    // Process start-up included; an endless refresh loop would run into the 60 s kill instead.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
