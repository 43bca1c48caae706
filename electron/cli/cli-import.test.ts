// `import` through the real CLI against the simulator over loopback HTTP: a dry run sends no write call, no --yes
// on a non-interactive stdin changes nothing (exit 2), a missing write scope exits 2 naming it, and a confirmed
// import ends each file as planned (exit 1: some files could not be imported) without touching the folder.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTenant, ndjson, runCli } from './cli.testkit';

const t = cliTenant({ seed: 22, employees: 50, enrolledShare: 0.7, rateLimitPerSecond: 100_000 });

const writes = () => (t.sim.stats().requests['files.upload'] ?? 0) + (t.sim.stats().requests['user_settings.modify'] ?? 0);
/** Uploads of a photo: every command's write-scope probe is one upload of nothing (no file part), never a modify. */
const photoUploads = () => Math.max(0, (t.sim.stats().requests['files.upload'] ?? 0) - 1);

async function folder() {
  const users = t.sim.tenant.users.filter((u) => !u.status.is_resigned && u.employee_no);
  const enrolled = users.filter((u) => t.sim.tenant.faces.has(u.user_id));
  const bare = users.filter((u) => !t.sim.tenant.faces.has(u.user_id));
  const photo = (i: number) => t.sim.photoBytes([...t.sim.tenant.faces.values()][i]!.face_key)!;
  const dir = join(t.work, 'in');
  await mkdir(dir);
  await writeFile(join(dir, `${bare[0]!.employee_no}.jpg`), photo(3));
  await writeFile(join(dir, `${enrolled[0]!.employee_no}.jpg`), photo(4));
  await writeFile(join(dir, 'somebody-else.jpg'), photo(5));
  await writeFile(join(dir, `${bare[1]!.employee_no}.jpg`), Buffer.from('not a photo'));
  return { dir, enrolUser: bare[0]!, replaceUser: enrolled[0]!, invalidUser: bare[1]! };
}

describe('cli import', () => {
  it('--dry-run --json prints the plan and sends no write call', async () => {
    const { dir } = await folder();
    const run = await runCli(['import', '--from', dir, '--dry-run', '--json'], { env: t.env() });
    expect(run.code).toBe(1); // some files cannot be imported
    const plan = ndjson(run.stdout).find((l) => l.type === 'plan')!;
    expect(plan.counts).toMatchObject({ enrol: 1, has_photo: 1, no_such_employee: 1, invalid: 1 });
    expect(writes()).toBe(0);
  });

  it('without --yes on a non-interactive stdin: exit 2 after the plan, nothing uploaded or changed', async () => {
    const { dir, enrolUser } = await folder();
    const run = await runCli(['import', '--from', dir], { env: t.env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Import plan');
    expect(run.stderr).toContain('--yes');
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(t.sim.tenant.faces.has(enrolUser.user_id)).toBe(false);
  });

  it('a missing attendance:rule exits 2 naming it; nothing changed', async () => {
    const { dir, enrolUser } = await folder();
    t.sim.switches.missingScopes = ['attendance:rule'];
    const run = await runCli(['import', '--from', dir, '--yes'], { env: t.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('attendance:rule');
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
    expect(t.sim.tenant.faces.has(enrolUser.user_id)).toBe(false);
  });

  it('--yes --replace changes what was planned, lists the files it could not import (exit 1), leaves the folder as it was', async () => {
    const { dir, enrolUser, replaceUser, invalidUser } = await folder();
    const before = await readdir(dir);
    const oldKey = t.sim.tenant.faces.get(replaceUser.user_id)!.face_key;
    const run = await runCli(['import', '--from', dir, '--yes', '--replace', '--json'], { env: t.env() });
    expect(run.code).toBe(1);
    const summary = ndjson(run.stdout).find((l) => l.type === 'summary')!;
    expect(summary).toMatchObject({ enrolled: 1, replaced: 1, failures: [], exitCode: 1 });
    expect(t.sim.tenant.faces.has(enrolUser.user_id)).toBe(true);
    expect(t.sim.tenant.faces.get(replaceUser.user_id)!.face_key).not.toBe(oldKey);
    expect(t.sim.tenant.faces.has(invalidUser.user_id)).toBe(false);
    expect(await readdir(dir)).toEqual(before);
    // One audit entry for the run: the folder, what was planned and done, and whose photos changed.
    const audit = (await readFile(join(t.cacheHome, 'feishu-face-photos', 'audit.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ seq: 1, action: 'photo.import', tenant: `${t.sim.appId}@${new URL(t.sim.url).host}`, folder: dir, replace: true, files: 4, planned: 2, enrolled: 1, replaced: 1, failed: 0, cancelled: false, via: 'cli import' });
    expect((audit[0]!.userIds as string[]).toSorted()).toEqual([enrolUser.user_id, replaceUser.user_id].toSorted());

    // A re-run finds both done (same photo) and changes nothing.
    t.sim.resetStats();
    const again = await runCli(['import', '--from', dir, '--yes', '--replace', '--json'], { env: t.env() });
    expect(ndjson(again.stdout).find((l) => l.type === 'plan')!.counts).toMatchObject({ same_photo: 2, enrol: 0, replace: 0 });
    expect(photoUploads()).toBe(0);
    expect(t.sim.stats().requests['user_settings.modify'] ?? 0).toBe(0);
  });
});
