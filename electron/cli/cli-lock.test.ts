// Two exports into one folder from the command line: the second is refused with one line and exit 2, and a lock
// left behind by a run that died does not block the next one.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../core/folder-lock';
import { cliTenant, readManifest, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 9, employees: 30, latencyMs: 0 });
const lockOf = (pid: number) => JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), id: `test-${pid}` });

describe('cli export folder lock', { timeout: 120_000 }, () => {
  it('exits 2 with one line while another export holds the folder, and writes nothing', async () => {
    const out = join(tenant.work, 'held');
    await mkdir(out);
    // This test's own process is alive: its lock is a running export's.
    await writeFile(join(out, LOCK_FILE), lockOf(process.pid));
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env() });
    expect(run.code).toBe(2);
    const errors = run.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: Another export is writing to .*held right now/);
    expect(run.stdout).toBe('');
    expect(await readdir(out)).toEqual([LOCK_FILE]);
  });

  it('takes over the lock of a run that died, exports, and leaves no lock behind', async () => {
    const out = join(tenant.work, 'stale');
    await mkdir(out);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    await writeFile(join(out, LOCK_FILE), lockOf(dead));
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env() });
    expect(run.code).toBe(0);
    expect(await readdir(out)).not.toContain(LOCK_FILE);
    expect((await readManifest(out)).length).toBeGreaterThan(0);
  });
});
