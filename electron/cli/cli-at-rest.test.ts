// The CLI's photo cache at rest: sealed with the 0600 key file (or FEISHU_CACHE_KEY), never a photo in the clear.
import { parse } from 'csv-parse/sync';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, PHOTO_RE, runCli } from './cli.testkit';

let work: string;
let cacheHome: string;
const env = () => ({ XDG_CACHE_HOME: cacheHome, FEISHU_DEMO_LATENCY_MS: '0' });
const cacheRoot = () => join(cacheHome, 'feishu-face-photos');

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-at-rest-'));
  cacheHome = join(work, 'cache');
});
afterEach(() => rm(work, { recursive: true, force: true }));

/** Start, middle and end of a photo: no cache file may contain any of them. */
function pieces(photo: Buffer): Buffer[] {
  const mid = photo.length >> 1;
  return [photo.subarray(0, 48), photo.subarray(mid, mid + 48), photo.subarray(photo.length - 48)];
}

describe('cli photo cache at rest', { timeout: 180_000 }, () => {
  it('after an export and a check --out, the cache holds only sealed files and a key file readable by the user only', async () => {
    const out = join(work, 'out');
    const run = await runCli(['export', '--demo', '--all', '--out', out, '--json'], { env: env() });
    expect(run.code).toBe(0);
    const rows = parse(await readFile(join(out, 'manifest.csv')), { columns: true, bom: true }) as Record<string, string>[];
    const saved = rows.find((r) => r.status === 'saved')!;
    const check = await runCli(['check', saved.user_id!, '--demo', '--out', join(work, 'one')], { env: env() });
    expect(check.code).toBe(0);

    const photos = await Promise.all((await listFiles(out)).filter((f) => PHOTO_RE.test(f)).map((f) => readFile(join(out, f))));
    expect(photos.length).toBeGreaterThan(100);
    const cached = (await listFiles(cacheRoot())).filter((f) => f.startsWith('demo-photos/'));
    expect(cached.length).toBeGreaterThan(100);
    for (const f of cached) {
      const bytes = await readFile(join(cacheRoot(), f));
      expect(bytes.subarray(0, 4).toString('latin1'), f).toBe('FPAE');
      for (const p of photos.slice(0, 40)) for (const piece of pieces(p)) expect(bytes.includes(piece), f).toBe(false);
    }
    if (process.platform !== 'win32') expect((await stat(join(cacheRoot(), 'cache.key'))).mode & 0o777).toBe(0o600);
  });

  it('uses FEISHU_CACHE_KEY instead of a key file, and refuses a malformed one without echoing it', async () => {
    const key = 'c3'.repeat(32);
    const ok = await runCli(['check', 'E00001', '--demo', '--out', join(work, 'one')], { env: { ...env(), FEISHU_CACHE_KEY: key } });
    expect(ok.code).not.toBe(2);
    expect(await listFiles(cacheRoot())).not.toContain('cache.key');

    const bad = 'my-cache-password';
    const run = await runCli(['check', 'E00001', '--demo'], { env: { ...env(), FEISHU_CACHE_KEY: bad } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('FEISHU_CACHE_KEY');
    expect(run.stderr + run.stdout).not.toContain(bad);
  });

  it('refuses a --retention-days that is not a whole number of days (exit 2)', async () => {
    for (const days of ['0', 'abc', '1.5']) {
      const run = await runCli(['check', 'E00001', '--demo', '--retention-days', days], { env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/retention-days/);
    }
  });
});
