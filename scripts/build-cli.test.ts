// The standalone CLI as a cron host gets it: one file copied into an empty folder, run with plain `node`,
// no node_modules anywhere above it, no tsx.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether a node_modules folder exists in dir or any folder above it (Node would resolve packages there). */
function nodeModulesAbove(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return null;
  }
}

let work: string;
// Only what a server would have: PATH for `node`, no NODE_PATH, no Feishu credentials, a cache inside the folder.
const serverEnv = () => ({ PATH: process.env.PATH, HOME: work, XDG_CACHE_HOME: join(work, '.cache'), FEISHU_DEMO_LATENCY_MS: '0' });

beforeAll(async () => {
  const built = await run(process.execPath, ['scripts/build-cli.mjs'], ROOT, process.env);
  expect(built.code, built.stderr).toBe(0);
  work = await mkdtemp(join(tmpdir(), 'fa-cli-standalone-'));
  await copyFile(join(ROOT, 'dist-cli', 'face-photos.mjs'), join(work, 'face-photos.mjs'));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('standalone CLI bundle (dist-cli/face-photos.mjs)', { timeout: 120_000 }, () => {
  it('is alone in its folder, with no node_modules reachable', async () => {
    expect(await readdir(work)).toEqual(['face-photos.mjs']);
    expect(nodeModulesAbove(work)).toBeNull();
    expect(readFileSync(join(work, 'face-photos.mjs'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--version prints the package version', async () => {
    const r = await run(process.execPath, ['face-photos.mjs', '--version'], work, serverEnv());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('export --demo --all writes the photos and the manifest (exit 0)', async () => {
    const r = await run(process.execPath, ['face-photos.mjs', 'export', '--demo', '--all', '--out', './photos'], work, serverEnv());
    expect(r.code, r.stderr).toBe(0);
    const files = await readdir(join(work, 'photos'));
    expect(files).toContain('manifest.csv');
    const photos = files.filter((f) => /\.(jpe?g|png)$/i.test(f));
    expect(photos.length).toBeGreaterThan(100);
    const manifest = readFileSync(join(work, 'photos', 'manifest.csv'), 'utf8');
    expect(manifest).toContain(photos[0]);
  });
});
