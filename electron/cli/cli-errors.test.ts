// The CLI failing the way an admin's setup or network makes it fail: exit codes, one-line messages, no secrets.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimUser } from '../simulator/types';
import { cliTenant, listFiles, ndjson, PHOTO_RE, readManifest, runCli, sha256 } from './cli.testkit';

const tenant = cliTenant({ seed: 7, employees: 60, latencyMs: 0 });

// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
describe('cli failures and exit codes against a simulated tenant', { timeout: 120_000 }, () => {
  it('exits 1 when some photos fail, and the manifest names each failure with its error', async () => {
    const victims = tenant.enrolledActive().slice(0, 2);
    for (const v of victims) tenant.sim.switches.failingFaceKeys.add(tenant.sim.tenant.faces.get(v.user_id)!.face_key);
    const out = join(tenant.work, 'partial');
    const run = await runCli(['export', '--all', '--out', out], { env: tenant.env(), timeoutMs: 90_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed\s+2\b/);
    for (const v of victims) expect(run.stdout).toContain(v.user_id);
    expect(run.stdout).toContain(join(out, 'manifest.csv'));

    const manifest = await readManifest(out);
    const failed = manifest.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.user_id).sort()).toEqual(victims.map((v) => v.user_id).sort());
    for (const r of failed) expect(r.error).not.toBe('');
    expect(manifest.filter((r) => r.status === 'saved')).toHaveLength(tenant.enrolledActive().length - 2);
  });

  it('exits 2 on a wrong secret with one line that neither shows the secret nor a stack trace', async () => {
    const secret = 'WrongSecret-7f3a9c1d';
    const run = await runCli(['export', '--all', '--out', join(tenant.work, 'x')], { env: tenant.env({ FEISHU_APP_SECRET: secret }) });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/App ID or App Secret/);
    expect(run.stderr + run.stdout).not.toContain(secret);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('keeps a secret given on the command line out of --json output and warns about shell history', async () => {
    const secret = 'FlagSecret-55aa11bb';
    const run = await runCli(['export', '--all', '--out', join(tenant.work, 'x'), '--json', '--app-secret', secret], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/shell history/);
    const events = ndjson(run.stdout);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'auth.bad_secret' });
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('exits 2 and names the scope when the attendance scope is not granted', async () => {
    tenant.sim.switches.missingScopes = ['attendance:rule:readonly'];
    const run = await runCli(['export', '--all', '--out', join(tenant.work, 'x')], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('attendance:rule:readonly');
    expect(run.stderr).toMatch(/developer console/);
  });

  it('never calls an employee Feishu refuses (1220004) "not enrolled": check and export say why, and exit 2', async () => {
    const [outside, inside] = tenant.enrolledActive() as [SimUser, SimUser];
    tenant.sim.switches.unknownUserMode = 'error';
    tenant.sim.switches.outOfRangeUserIds.add(outside.user_id);

    const check = await runCli(['check', outside.user_id, '--json'], { env: tenant.env() });
    expect(check.code).toBe(2);
    expect(ndjson(check.stdout)).toEqual([expect.objectContaining({ type: 'employee', userId: outside.user_id, enrolled: false, outOfRange: true, error: 'range.attendance' })]);
    const plain = await runCli(['check', outside.user_id], { env: tenant.env() });
    expect(plain.stdout).toMatch(/Face photo +unknown .*attendance data-permission range/);
    expect(plain.stdout).not.toMatch(/not enrolled/);

    const out = join(tenant.work, 'range');
    const run = await runCli(['export', '--users', `${outside.user_id},${inside.user_id}`, '--out', out], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/attendance data-permission range/);
    const rows = new Map((await readManifest(out)).map((r) => [r.user_id, r]));
    expect(rows.get(outside.user_id)).toMatchObject({ status: 'failed', error: 'range.attendance', file: '' });
    expect(rows.get(inside.user_id)).toMatchObject({ status: 'saved' });
  });

  it('exits 2 when --out is not a writable folder, before calling Feishu', async () => {
    const file = join(tenant.work, 'not-a-folder.txt');
    await writeFile(file, 'x');
    for (const out of [file, join(file, 'sub')]) {
      const run = await runCli(['export', '--all', '--out', out], { env: tenant.env() });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/--out/);
    }
    expect(tenant.sim.stats().requests['files.download'] ?? 0).toBe(0);
  });

  it('exits 2 for an unknown employee in --users, naming it', async () => {
    const run = await runCli(['export', '--users', 'nobody-123', '--out', join(tenant.work, 'u')], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nobody-123');
  });

  it('exits 2 without a selection, and with no credentials at all', async () => {
    const none = await runCli(['export', '--out', join(tenant.work, 'n')], { env: tenant.env() });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--all, --department, --group or --users/);
    const noCreds = await runCli(['export', '--all', '--out', join(tenant.work, 'n')], { env: { XDG_CACHE_HOME: tenant.cacheHome } });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/FEISHU_APP_ID/);
  });

  it('Ctrl+C cancels cleanly: exit 130, manifest written, no partial photo', async () => {
    tenant.sim.switches.latencyMs = 150;
    const out = join(tenant.work, 'cancel');
    let sent = false;
    const run = await runCli(['export', '--all', '--out', out, '--json'], {
      env: tenant.env(),
      onLine: (line, child) => {
        if (!sent && line.includes('"type":"progress"') && line.includes('"downloading"')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    const manifest = await readManifest(out);
    expect(manifest.length).toBeGreaterThan(0);
    const photos = (await listFiles(out)).filter((f) => f !== 'manifest.csv');
    expect(photos.length).toBeLessThan(tenant.enrolledActive().length);
    const known = new Set([...tenant.sim.tenant.faces.values()].map((f) => sha256(tenant.sim.photoBytes(f.face_key)!)));
    for (const f of photos) {
      expect(f).toMatch(PHOTO_RE);
      expect(known.has(sha256(await readFile(join(out, f))))).toBe(true);
    }
  });
});
