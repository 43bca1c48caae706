// The CLI as a script or cron job sees it: a child process against a simulated tenant over loopback.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  await rm(work, { recursive: true, force: true });
});

/** Employees of the simulated tenant who have a face photo and are still employed. */
function enrolledActive() {
  return sim.tenant.users.filter((u) => !u.status.is_resigned && sim.tenant.faces.has(u.user_id));
}

// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
// Each test spawns real processes; generous timeouts keep a busy 2-core CI machine from flaking.
describe('cli export and check against a simulated tenant', { timeout: 120_000 }, () => {
  it('saves every enrolled employee with a manifest (exit 0), and a re-run downloads nothing', async () => {
    const out = join(work, 'photos');
    const first = await runCli(['export', '--all', '--out', out, '--json'], { env: simEnv() });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const events = ndjson(first.stdout);
    const summary = events.at(-1)!;
    expect(summary.type).toBe('summary');

    const expected = enrolledActive();
    expect(summary.saved).toBe(expected.length);
    expect(sim.stats().requests['files.download'] ?? 0).toBeGreaterThanOrEqual(expected.length);

    // Each saved file is byte-for-byte the tenant's photo, listed in the manifest.
    const manifest = await readManifest(out);
    const byUser = new Map(manifest.map((r) => [r.user_id, r]));
    for (const u of expected) {
      const row = byUser.get(u.user_id);
      expect(row?.status).toBe('saved');
      const face = sim.tenant.faces.get(u.user_id)!;
      const saved = await readFile(join(out, row!.file!));
      expect(sha256(saved)).toBe(sha256(sim.photoBytes(face.face_key)!));
      expect(row!.face_key).toBe(face.face_key);
    }
    const photos = (await listFiles(out)).filter((f) => PHOTO_RE.test(f));
    expect(photos).toHaveLength(expected.length);

    sim.resetStats();
    const again = await runCli(['export', '--all', '--out', out], { env: simEnv() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`up to date\\s+${expected.length}`));
    expect(again.stdout).toMatch(/saved\s+0\b/);
    expect(sim.stats().requests['files.download'] ?? 0).toBe(0);
  });

  it('prints valid NDJSON with --json: progress events, then a summary last', async () => {
    const run = await runCli(['export', '--department', '0', '--out', join(work, 'j'), '--json'], { env: simEnv() });
    expect(run.code).toBe(0);
    const events = ndjson(run.stdout);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'summary', failed: 0, exitCode: 0 });
    expect(events.at(-1)!.manifestPath).toBe(join(work, 'j', 'manifest.csv'));
  });

  it('resolves --group by name and lists the candidates of an unknown group (exit 2)', async () => {
    const group = sim.tenant.groups[0]!;
    const ok = await runCli(['export', '--group', group.group_name, '--out', join(work, 'g'), '--json'], { env: simEnv() });
    expect(ok.code).toBe(0);
    const members = new Set(group.user_ids);
    const rows = await readManifest(join(work, 'g'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(members.has(r.user_id!)).toBe(true);

    const bad = await runCli(['export', '--group', 'No Such Group Zzz', '--out', join(work, 'g2')], { env: simEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(group.group_name);
  });

  it('check by employee number prints the enrolment and saves the photo', async () => {
    const u = enrolledActive()[3]!;
    const face = sim.tenant.faces.get(u.user_id)!;
    const out = join(work, 'one');
    const run = await runCli(['check', u.employee_no, '--out', out], { env: simEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(u.name);
    expect(run.stdout).toMatch(/Face photo\s+enrolled/);
    expect(run.stdout).toContain(face.face_key);
    expect(run.stdout).toContain(new Date(Number(face.face_key_update_time) * 1000).toISOString());
    const files = await listFiles(out);
    expect(files).toHaveLength(1);
    expect(sha256(await readFile(join(out, files[0]!)))).toBe(sha256(sim.photoBytes(face.face_key)!));
  });

  it('check says when an employee has no face photo', async () => {
    const u = sim.tenant.users.find((x) => !sim.tenant.faces.has(x.user_id) && !x.status.is_resigned);
    expect(u).toBeDefined();
    const run = await runCli(['check', u!.user_id, '--json'], { env: simEnv() });
    expect(run.code).toBe(0);
    expect(ndjson(run.stdout).at(-1)).toMatchObject({ type: 'employee', userId: u!.user_id, enrolled: false, faceKey: null });
  });
});
