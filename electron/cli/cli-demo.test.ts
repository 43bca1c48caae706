// The CLI with its built-in demo tenant, as someone trying it out would run it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, ndjson, runCli } from './cli.testkit';

const PHOTO_RE = /\.(jpe?g|png|gif|webp|bmp)$/i;
let work: string;
let cacheHome: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-demo-'));
  cacheHome = join(work, 'cache');
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('cli with the demo tenant', { timeout: 120_000 }, () => {
  it('exports the demo tenant into its own cache folder (exit 0)', async () => {
    const out = join(work, 'demo');
    const run = await runCli(['export', '--demo', '--all', '--out', out, '--json'], {
      env: { XDG_CACHE_HOME: cacheHome, FEISHU_DEMO_LATENCY_MS: '0' },
    });
    expect(run.code).toBe(0);
    const summary = ndjson(run.stdout).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', failed: 0 });
    expect(summary.saved as number).toBeGreaterThan(100);
    const photos = (await listFiles(out)).filter((f) => PHOTO_RE.test(f));
    expect(photos).toHaveLength(summary.saved as number);
    // The audit log sits beside the photo folders, one for demo and real runs alike (each entry names its tenant).
    // Beside the photos: the audit log, the cache key and the remembered directory.
    const cached = (await listFiles(join(cacheHome, 'feishu-face-photos'))).filter((f) => f !== 'audit.log' && f !== 'cache.key' && !f.startsWith('directory/'));
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.every((f) => f.startsWith('demo-photos/'))).toBe(true);
  });

  it('--help shows examples and --version the version', async () => {
    const help = await runCli(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toContain('--demo');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
