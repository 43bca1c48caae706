// The CLI failing the way an admin's setup or network makes it fail: exit codes, one-line messages, no secrets.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator/index';
import type { Simulator } from '../simulator/types';
import { listFiles, ndjson, readManifest, runCli } from './testkit';

const PHOTO_RE = /\.(jpe?g|png|gif|webp|bmp)$/i;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let sim: Simulator;
let work: string;
let cacheHome: string;

function simEnv(extra: Record<string, string | undefined> = {}) {
  return {
    FEISHU_BASE_URL: sim.url,
    FEISHU_APP_ID: sim.appId,
    FEISHU_APP_SECRET: sim.appSecret,
    XDG_CACHE_HOME: cacheHome,
    ...extra,
  };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, employees: 60, latencyMs: 0 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-test-'));
  cacheHome = join(work, 'cache');
  sim.resetStats();
});

afterEach(async () => {
  sim.switches.failingFaceKeys.clear();
  sim.switches.badSecret = false;
  sim.switches.missingScopes = [];
  sim.switches.latencyMs = 0;
  sim.switches.unknownUserMode = 'omit';
  sim.switches.outOfRangeUserIds.clear();
  await rm(work, { recursive: true, force: true });
});

/** Employees of the simulated tenant who have a face photo and are still employed. */
function enrolledActive() {
  return sim.tenant.users.filter((u) => !u.status.is_resigned && sim.tenant.faces.has(u.user_id));
}

// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
describe('cli failures and exit codes against a simulated tenant', { timeout: 120_000 }, () => {
  it('exits 1 when some photos fail, and the manifest names each failure with its error', async () => {
    const victims = enrolledActive().slice(0, 2);
    for (const v of victims) sim.switches.failingFaceKeys.add(sim.tenant.faces.get(v.user_id)!.face_key);
    const out = join(work, 'partial');
    const run = await runCli(['export', '--all', '--out', out], { env: simEnv(), timeoutMs: 90_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed\s+2\b/);
    for (const v of victims) expect(run.stdout).toContain(v.user_id);
    expect(run.stdout).toContain(join(out, 'manifest.csv'));

    const manifest = await readManifest(out);
    const failed = manifest.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.user_id).sort()).toEqual(victims.map((v) => v.user_id).sort());
    for (const r of failed) expect(r.error).not.toBe('');
    expect(manifest.filter((r) => r.status === 'saved')).toHaveLength(enrolledActive().length - 2);
  });

  it('exits 2 on a wrong secret with one line that neither shows the secret nor a stack trace', async () => {
    const secret = 'WrongSecret-7f3a9c1d';
    const run = await runCli(['export', '--all', '--out', join(work, 'x')], { env: simEnv({ FEISHU_APP_SECRET: secret }) });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/App ID or App Secret/);
    expect(run.stderr + run.stdout).not.toContain(secret);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('keeps a secret given on the command line out of --json output and warns about shell history', async () => {
    const secret = 'FlagSecret-55aa11bb';
    const run = await runCli(['export', '--all', '--out', join(work, 'x'), '--json', '--app-secret', secret], { env: simEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/shell history/);
    const events = ndjson(run.stdout);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'auth.bad_secret' });
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('exits 2 and names the scope when the attendance scope is not granted', async () => {
    sim.switches.missingScopes = ['attendance:rule:readonly'];
    const run = await runCli(['export', '--all', '--out', join(work, 'x')], { env: simEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('attendance:rule:readonly');
    expect(run.stderr).toMatch(/developer console/);
  });

  it('never calls an employee Feishu refuses (1220004) "not enrolled": check and export say why, and exit 2', async () => {
    const [outside, inside] = enrolledActive() as [Simulator['tenant']['users'][number], Simulator['tenant']['users'][number]];
    sim.switches.unknownUserMode = 'error';
    sim.switches.outOfRangeUserIds.add(outside.user_id);

    const check = await runCli(['check', outside.user_id, '--json'], { env: simEnv() });
    expect(check.code).toBe(2);
    expect(ndjson(check.stdout)).toEqual([expect.objectContaining({ type: 'employee', userId: outside.user_id, enrolled: false, outOfRange: true, error: 'range.attendance' })]);
    const plain = await runCli(['check', outside.user_id], { env: simEnv() });
    expect(plain.stdout).toMatch(/Face photo +unknown .*attendance data-permission range/);
    expect(plain.stdout).not.toMatch(/not enrolled/);

    const out = join(work, 'range');
    const run = await runCli(['export', '--users', `${outside.user_id},${inside.user_id}`, '--out', out], { env: simEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/attendance data-permission range/);
    const rows = new Map((await readManifest(out)).map((r) => [r.user_id, r]));
    expect(rows.get(outside.user_id)).toMatchObject({ status: 'failed', error: 'range.attendance', file: '' });
    expect(rows.get(inside.user_id)).toMatchObject({ status: 'saved' });
  });

  it('exits 2 when --out is not a writable folder, before calling Feishu', async () => {
    const file = join(work, 'not-a-folder.txt');
    await writeFile(file, 'x');
    for (const out of [file, join(file, 'sub')]) {
      const run = await runCli(['export', '--all', '--out', out], { env: simEnv() });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/--out/);
    }
    expect(sim.stats().requests['files.download'] ?? 0).toBe(0);
  });

  it('exits 2 for an unknown employee in --users, naming it', async () => {
    const run = await runCli(['export', '--users', 'nobody-123', '--out', join(work, 'u')], { env: simEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nobody-123');
  });

  it('exits 2 without a selection, and with no credentials at all', async () => {
    const none = await runCli(['export', '--out', join(work, 'n')], { env: simEnv() });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--all, --department, --group or --users/);
    const noCreds = await runCli(['export', '--all', '--out', join(work, 'n')], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/FEISHU_APP_ID/);
  });

  it('Ctrl+C cancels cleanly: exit 130, manifest written, no partial photo', async () => {
    sim.switches.latencyMs = 150;
    const out = join(work, 'cancel');
    let sent = false;
    const run = await runCli(['export', '--all', '--out', out, '--json'], {
      env: simEnv(),
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
    expect(photos.length).toBeLessThan(enrolledActive().length);
    const known = new Set([...sim.tenant.faces.values()].map((f) => sha256(sim.photoBytes(f.face_key)!)));
    for (const f of photos) {
      expect(f).toMatch(PHOTO_RE);
      expect(known.has(sha256(await readFile(join(out, f))))).toBe(true);
    }
  });
});
