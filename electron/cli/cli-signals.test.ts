// The CLI stopped by a service manager or a dead network: `timeout`, systemd and cron send SIGTERM (SIGHUP when
// the terminal goes), and a run that cannot reach Feishu must leave nothing behind.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTenant, listFiles, readManifest, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 7, employees: 60, latencyMs: 0 });

/** A loopback port nobody listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
describe('cli signals and early failures', { timeout: 120_000 }, () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s cancels like Ctrl+C: exit %i, a row for every employee, no temp file left', async (sig, code) => {
    tenant.sim.switches.latencyMs = 150;
    const out = join(tenant.work, 'stopped');
    let sent = false;
    const run = await runCli(['export', '--all', '--out', out, '--json'], {
      env: tenant.env(),
      onLine: (line, child) => {
        if (!sent && line.includes('"type":"progress"') && line.includes('"downloading"')) {
          sent = true;
          child.kill(sig);
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(code);

    const selected = tenant.sim.tenant.users.filter((u) => !u.status.is_resigned).map((u) => u.user_id);
    const manifest = await readManifest(out);
    expect(manifest.map((r) => r.user_id).sort()).toEqual(selected.sort());
    expect(manifest.some((r) => r.status === 'cancelled')).toBe(true);
    // Only photos and the manifest: no .part- temp file, no write probe.
    for (const f of await listFiles(out)) expect(f).toMatch(/^(manifest\.csv|[^.][^/]*\.(jpe?g|png|gif|webp|bmp))$/i);
  });

  it('exits 2 with one line and creates no folder when Feishu cannot be reached', async () => {
    const out = join(tenant.work, 'never', 'photos');
    const base = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env({ FEISHU_BASE_URL: base }) });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Cannot reach the Feishu Open API/);
    expect(existsSync(join(tenant.work, 'never'))).toBe(false);
  });
});
