// The CLI's audit log over the simulator: export and check --out each write one entry, `audit` prints, exports
// and verifies it, a tampered log is named at its first broken entry, and no secret ever lands in it.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog } from '../core/audit/index';
import { cliTenant, ndjson, parseCsv, runCli } from './cli.testkit';

const tenant = cliTenant({ seed: 11, employees: 30, latencyMs: 0 });
const logFile = () => join(tenant.cacheHome, 'feishu-face-photos', 'audit.log');
const logLines = async () => (await readFile(logFile(), 'utf8')).split('\n').filter((l) => l !== '');
const entries = async () => (await logLines()).map((l) => JSON.parse(l) as Record<string, unknown>);

async function exportAll(extra: string[] = []) {
  const run = await runCli(['export', '--all', '--out', join(tenant.work, 'out'), '--json', ...extra], { env: tenant.env() });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

describe('cli audit log', { timeout: 180_000 }, () => {
  it('records each export with tenant, scope, count, folder, zip, purpose and counts, and prints it', async () => {
    await exportAll(['--purpose', 'annual badge audit', '--zip']);
    const [entry] = await entries();
    const summary = ndjson((await exportAll()).stdout).find((e) => e.type === 'summary');
    const active = tenant.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    expect(entry).toMatchObject({
      seq: 1,
      action: 'export',
      tenant: `${tenant.sim.appId}@${new URL(tenant.sim.url).host}`,
      scope: 'all',
      employees: active,
      folder: join(tenant.work, 'out'),
      purpose: 'annual badge audit',
      saved: tenant.enrolledActive().length,
      failed: 0,
      cancelled: false,
    });
    expect(entry?.zip).toEqual(expect.stringMatching(/\.zip$/));
    expect(typeof entry?.actor).toBe('string');
    expect(summary).toBeDefined();

    const second = (await entries())[1];
    expect(second).toMatchObject({ seq: 2, action: 'export', purpose: null, zip: null, saved: 0, upToDate: tenant.enrolledActive().length });

    const printed = await runCli(['audit', '--json'], { env: tenant.env() });
    expect(printed.code).toBe(0);
    expect(ndjson(printed.stdout).map((e) => [e.type, e.seq, e.action])).toEqual([
      ['audit.entry', 1, 'export'],
      ['audit.entry', 2, 'export'],
    ]);
    const future = await runCli(['audit', '--since', '2999-01-01'], { env: tenant.env() });
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
  });

  it('records a photo saved by check --out, and nothing for check without --out', async () => {
    const u = tenant.enrolledActive()[0]!;
    expect((await runCli(['check', u.user_id], { env: tenant.env() })).code).toBe(0);
    expect(await runCli(['audit', '--json'], { env: tenant.env() })).toMatchObject({ code: 0, stdout: '' });
    const run = await runCli(['check', u.user_id, '--out', join(tenant.work, 'one'), '--json'], { env: tenant.env() });
    expect(run.code).toBe(0);
    const savedTo = ndjson(run.stdout)[0]?.savedTo;
    expect(await entries()).toEqual([expect.objectContaining({ seq: 1, action: 'photo.save', userId: u.user_id, file: savedTo })]);
  });

  it('keeps the app secret and tokens out of the log, whatever the purpose says', async () => {
    const token = 't-g1044abcdefGHIJKLMNOP';
    await exportAll(['--purpose', `secret ${tenant.sim.appSecret} token ${token}`]);
    const text = await readFile(logFile(), 'utf8');
    expect(text).not.toContain(tenant.sim.appSecret);
    expect(text).not.toContain(token.slice(2));
    expect(text).toContain('"purpose":"secret ***');
  });

  it('verifies the chain: exit 0 intact, exit 1 naming the first edited, deleted or swapped entry', async () => {
    for (let i = 0; i < 3; i++) await exportAll(['--purpose', `run ${i}`]);
    const intact = await runCli(['audit', '--verify'], { env: tenant.env() });
    expect(intact).toMatchObject({ code: 0 });
    expect(intact.stdout).toContain('intact: 3 audit entries');
    const original = await logLines();

    const edited = [...original];
    edited[1] = edited[1]!.replace('run 1', 'run X');
    await writeFile(logFile(), edited.join('\n') + '\n');
    const e1 = await runCli(['audit', '--verify'], { env: tenant.env() });
    expect(e1.code).toBe(1);
    expect(e1.stdout).toContain('broken at entry 2 (line 2');

    await writeFile(logFile(), [original[0], original[2]].join('\n') + '\n');
    const e2 = await runCli(['audit', '--verify', '--json'], { env: tenant.env() });
    expect(e2.code).toBe(1);
    expect(ndjson(e2.stdout)[0]).toMatchObject({ type: 'audit.verify', ok: false, seq: 2, line: 2 });

    await writeFile(logFile(), [original[1], original[0], original[2]].join('\n') + '\n');
    const e3 = await runCli(['audit', '--verify'], { env: tenant.env() });
    expect(e3.code).toBe(1);
    expect(e3.stdout).toContain('broken at entry 1 (line 1');
  });

  it('writes a CSV with a BOM, one row per entry', async () => {
    await exportAll(['--purpose', '=HYPERLINK("http://x")']);
    const csvFile = join(tenant.work, 'audit.csv');
    const run = await runCli(['audit', '--csv', csvFile], { env: tenant.env() });
    expect(run.code).toBe(0);
    const text = await readFile(csvFile, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ seq: '1', action: 'export' });
    expect(JSON.parse(rows[0]!.details!)).toMatchObject({ purpose: '=HYPERLINK("http://x")' });
  });

  it('records each coverage list written by report coverage: the scope, the count and the file, no photo', async () => {
    const file = join(tenant.work, 'coverage.csv');
    const run = await runCli(['report', 'coverage', '--out', file, '--lang', 'en-US', '--json'], { env: tenant.env() });
    expect(run.code, run.stderr).toBe(0);
    const active = tenant.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    expect(await entries()).toEqual([
      expect.objectContaining({ seq: 1, action: 'coverage.export', filter: 'whole company', employees: active, file, format: 'csv', lang: 'en-US', by: 'department', via: 'cli report coverage' }),
    ]);
    expect((await entries())[0]).not.toHaveProperty('userIds');
  });

  it('keeps the log of a run given --cache-dir in that folder, where `audit --cache-dir` reads it; FEISHU_AUDIT_DIR still wins', async () => {
    const cacheDir = join(tenant.work, 'server-cache');
    const u = tenant.enrolledActive()[0]!;
    const saved = await runCli(['check', u.user_id, '--out', join(tenant.work, 'one'), '--cache-dir', cacheDir], { env: tenant.env() });
    expect(saved.code, saved.stderr).toBe(0);
    expect((await readLog(join(cacheDir, 'audit.log'))).map((e) => [e.action, e.userId])).toEqual([['photo.save', u.user_id]]);
    expect(existsSync(logFile())).toBe(false); // nothing in the per-user cache folder
    const printed = await runCli(['audit', '--json', '--cache-dir', cacheDir], { env: tenant.env() });
    expect(ndjson(printed.stdout).map((e) => [e.type, e.action])).toEqual([['audit.entry', 'photo.save']]);

    const auditDir = join(tenant.work, 'audit-elsewhere');
    const run = await runCli(['export', '--all', '--out', join(tenant.work, 'out2'), '--cache-dir', cacheDir], { env: tenant.env({ FEISHU_AUDIT_DIR: auditDir }) });
    expect(run.code, run.stderr).toBe(0);
    expect((await readLog(join(auditDir, 'audit.log'))).map((e) => e.action)).toEqual(['export']);
    expect(await readLog(join(cacheDir, 'audit.log'))).toHaveLength(1);
  });

  it('refuses a bad --since or --verify with --csv as usage errors (exit 2)', async () => {
    const bad = await runCli(['audit', '--since', 'last tuesday'], { env: tenant.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --since "last tuesday"');
    const both = await runCli(['audit', '--verify', '--csv', join(tenant.work, 'x.csv')], { env: tenant.env() });
    expect(both.code).toBe(2);
  });
});
