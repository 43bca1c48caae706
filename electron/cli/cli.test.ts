// The CLI as a script or cron job sees it: a child process against a simulated tenant over loopback.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE } from '../../shared/model';
import { extensionFor, renderFileName } from '../../shared/naming';
import { cliTenant, listFiles, ndjson, PHOTO_RE, readManifest, runCli, sha256 } from './cli.testkit';

const tenant = cliTenant({ seed: 7, employees: 60, latencyMs: 0 });

// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
describe('cli export and check against a simulated tenant', { timeout: 120_000 }, () => {
  it('saves every enrolled employee with a manifest (exit 0), and a re-run downloads nothing', async () => {
    const out = join(tenant.work, 'photos');
    const first = await runCli(['export', '--all', '--out', out, '--json'], { env: tenant.env() });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const events = ndjson(first.stdout);
    const summary = events.at(-1)!;
    expect(summary.type).toBe('summary');

    const expected = tenant.enrolledActive();
    expect(summary.saved).toBe(expected.length);
    expect(tenant.sim.stats().requests['files.download'] ?? 0).toBeGreaterThanOrEqual(expected.length);

    // Each saved file is byte-for-byte the tenant's photo, listed in the manifest.
    const manifest = await readManifest(out);
    const byUser = new Map(manifest.map((r) => [r.user_id, r]));
    for (const u of expected) {
      const row = byUser.get(u.user_id);
      expect(row?.status).toBe('saved');
      const face = tenant.sim.tenant.faces.get(u.user_id)!;
      const saved = await readFile(join(out, row!.file!));
      expect(sha256(saved)).toBe(sha256(tenant.sim.photoBytes(face.face_key)!));
      expect(row!.face_key).toBe(face.face_key);
    }
    const photos = (await listFiles(out)).filter((f) => PHOTO_RE.test(f));
    expect(photos).toHaveLength(expected.length);

    tenant.sim.resetStats();
    const again = await runCli(['export', '--all', '--out', out], { env: tenant.env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`up to date\\s+${expected.length}`));
    expect(again.stdout).toMatch(/saved\s+0\b/);
    expect(tenant.sim.stats().requests['files.download'] ?? 0).toBe(0);
  });

  it('prints valid NDJSON with --json: progress events, then a summary last', async () => {
    const run = await runCli(['export', '--department', '0', '--out', join(tenant.work, 'j'), '--json'], { env: tenant.env() });
    expect(run.code).toBe(0);
    const events = ndjson(run.stdout);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'summary', failed: 0, exitCode: 0 });
    expect(events.at(-1)!.manifestPath).toBe(join(tenant.work, 'j', 'manifest.csv'));
  });

  it('resolves --group by name and lists the candidates of an unknown group (exit 2)', async () => {
    const group = tenant.sim.tenant.groups[0]!;
    const ok = await runCli(['export', '--group', group.group_name, '--out', join(tenant.work, 'g'), '--json'], { env: tenant.env() });
    expect(ok.code).toBe(0);
    const members = new Set(group.user_ids);
    const rows = await readManifest(join(tenant.work, 'g'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(members.has(r.user_id!)).toBe(true);

    const bad = await runCli(['export', '--group', 'No Such Group Zzz', '--out', join(tenant.work, 'g2')], { env: tenant.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(group.group_name);
  });

  it('check by employee number prints the enrolment and saves the photo', async () => {
    const u = tenant.enrolledActive()[3]!;
    const face = tenant.sim.tenant.faces.get(u.user_id)!;
    const out = join(tenant.work, 'one');
    const run = await runCli(['check', u.employee_no, '--out', out], { env: tenant.env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(u.name);
    expect(run.stdout).toMatch(/Face photo\s+enrolled/);
    expect(run.stdout).toContain(face.face_key);
    expect(run.stdout).toContain(new Date(Number(face.face_key_update_time) * 1000).toISOString());
    const files = await listFiles(out);
    expect(files).toHaveLength(1);
    expect(sha256(await readFile(join(out, files[0]!)))).toBe(sha256(tenant.sim.photoBytes(face.face_key)!));
  });

  it('check --out never replaces a file of the admin\'s: the photo goes beside it, once', async () => {
    const u = tenant.enrolledActive()[4]!;
    const face = tenant.sim.tenant.faces.get(u.user_id)!;
    const fields = { name: u.name, en_name: '', employee_no: u.employee_no, user_id: u.user_id, department: '', group: '', updated: null };
    const name = renderFileName(DEFAULT_TEMPLATE, fields, { ext: extensionFor(face.mime) });
    const out = join(tenant.work, 'mine');
    await mkdir(out);
    await writeFile(join(out, name), 'the admin\'s own file');

    const run = await runCli(['check', u.employee_no, '--out', out], { env: tenant.env() });
    expect(run.code).toBe(0);
    const beside = name.replace(/(\.[a-z]+)$/, ' (2)$1');
    expect(run.stdout).toContain(join(out, beside));
    expect(await readFile(join(out, name), 'utf8')).toBe('the admin\'s own file');
    expect(sha256(await readFile(join(out, beside)))).toBe(sha256(tenant.sim.photoBytes(face.face_key)!));

    // Checked again: the photo is already there, so nothing new is written.
    const again = await runCli(['check', u.employee_no, '--out', out], { env: tenant.env() });
    expect(again.code).toBe(0);
    expect((await listFiles(out)).sort()).toEqual([name, beside].sort());
  });

  it('check says when an employee has no face photo', async () => {
    const u = tenant.sim.tenant.users.find((x) => !tenant.sim.tenant.faces.has(x.user_id) && !x.status.is_resigned);
    expect(u).toBeDefined();
    const run = await runCli(['check', u!.user_id, '--json'], { env: tenant.env() });
    expect(run.code).toBe(0);
    expect(ndjson(run.stdout).at(-1)).toMatchObject({ type: 'employee', userId: u!.user_id, enrolled: false, faceKey: null });
  });
});
