// The CLI remembers the directory in its cache folder: a second `check` by employee number answers from it with
// a handful of calls; --max-age bounds how old a remembered directory it uses, --refresh always reads it again.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFile, sealFile } from '../core/at-rest/files';
import { keyFileProvider } from '../core/at-rest/key-file';
import { cliTenant, ndjson, runCli } from './cli.testkit';
import { CACHE_KEY_FILE } from './session';

const tenant = cliTenant({ seed: 9, employees: 300, latencyMs: 0, contactPerMinute: 100_000 });

const apiCalls = () => Object.entries(tenant.sim.stats().requests).filter(([k]) => k !== 'token').reduce((n, [, c]) => n + c, 0);
const walked = () => (tenant.sim.stats().requests['users.find_by_department'] ?? 0) > 0;
const snapshotFolder = () => join(tenant.cacheHome, 'feishu-face-photos', 'directory');

async function check(who: string, ...flags: string[]) {
  tenant.sim.resetStats();
  const run = await runCli(['check', who, '--json', ...flags], { env: tenant.env() });
  expect(run.code, run.stderr).toBe(0);
  return { run, employee: ndjson(run.stdout)[0], calls: apiCalls(), walked: walked() };
}

/** The key the CLI seals its cache and snapshots with: the key file it made beside the cache. */
const cliKeys = () => keyFileProvider(join(tenant.cacheHome, 'feishu-face-photos', CACHE_KEY_FILE));

/** Moves the remembered directory's time back by ms, as if it had been read that long ago (and its index with it). */
async function ageSnapshot(ms: number): Promise<void> {
  for (const name of await readdir(snapshotFolder())) {
    const file = join(snapshotFolder(), name);
    const plain = await openFile(file, cliKeys(), { discard: false });
    // The index is one JSON line; the directory is lines, its time in the first (snapshot/lines.ts).
    const [head, ...rest] = plain!.toString('utf8').split('\n');
    const snap = JSON.parse(head!) as { takenAt: number };
    await sealFile(file, Buffer.from([JSON.stringify({ ...snap, takenAt: snap.takenAt - ms }), ...rest].join('\n'), 'utf8'), cliKeys());
  }
}

describe('cli: the remembered directory', { timeout: 240_000 }, () => {
  const someone = () => tenant.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no)[17]!;

  it('answers a second check by employee number with ≤ 5 calls, from a private file in the cache folder', async () => {
    const u = someone();
    const cold = await check(u.employee_no);
    expect(cold.walked).toBe(true);
    expect(cold.employee).toMatchObject({ userId: u.user_id, name: u.name });

    const warm = await check(u.employee_no);
    expect(warm.walked).toBe(false);
    expect(warm.calls).toBeLessThanOrEqual(5);
    expect(warm.employee).toEqual(cold.employee);

    const files = (await readdir(snapshotFolder())).filter((n) => !n.endsWith('.index.enc'));
    expect(files).toEqual([expect.stringMatching(/^directory-[0-9a-f]+\.enc$/)]);
    if (process.platform !== 'win32') expect((await stat(join(snapshotFolder(), files[0]!))).mode & 0o777).toBe(0o600);
    // Sealed: the employee's name, number and e-mail are in it, but in no file of the folder in clear.
    for (const name of await readdir(snapshotFolder())) {
      const bytes = await readFile(join(snapshotFolder(), name));
      for (const value of [u.name, u.employee_no, u.email].filter(Boolean)) expect(bytes.includes(Buffer.from(value, 'utf8')), `${name}: ${value}`).toBe(false);
    }
    expect((await openFile(join(snapshotFolder(), files[0]!), cliKeys(), { discard: false }))!.toString('utf8')).toContain(u.email);
  });

  it('says on stderr which directory it used (not in --json output)', async () => {
    const u = someone();
    await check(u.employee_no);
    const run = await runCli(['check', u.employee_no], { env: tenant.env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Using the directory read at \d{4}-\d\d-\d\d \d\d:\d\d \(0 min ago\)/);
    const json = await runCli(['check', u.employee_no, '--json'], { env: tenant.env() });
    expect(json.stderr).toBe('');
  });

  it('--refresh reads the directory again; --max-age decides how old a remembered one may be (default 6h)', async () => {
    const u = someone();
    await check(u.employee_no);
    expect((await check(u.employee_no, '--refresh')).walked).toBe(true);
    expect((await check(u.employee_no)).walked).toBe(false);

    await ageSnapshot(7 * 3_600_000); // 7 hours old: older than the default
    expect((await check(u.employee_no, '--max-age', '8h')).walked).toBe(false);
    expect((await check(u.employee_no, '--max-age', '30m')).walked).toBe(true);
    // That walk remembered the directory anew.
    expect((await check(u.employee_no)).walked).toBe(false);
    await ageSnapshot(7 * 3_600_000);
    expect((await check(u.employee_no)).walked).toBe(true);
  });

  it('refuses a --max-age it cannot read, with exit 2 and what to write instead', async () => {
    const run = await runCli(['check', someone().employee_no, '--max-age', 'soon'], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('error: Invalid --max-age "soon" (use a duration like 30m, 6h or 2d, or 0 to always read the directory again) — see --help.');
    const exp = await runCli(['export', '--all', '--out', join(tenant.work, 'out'), '--max-age', '6 hours'], { env: tenant.env() });
    expect(exp.code).toBe(2);
    expect(exp.stderr).toContain('Invalid --max-age "6 hours"');
  });
});
