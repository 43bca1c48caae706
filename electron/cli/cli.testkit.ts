// Test helper: runs the real CLI as a child process (node + tsx), the way a script or cron job would.
import { parse } from 'csv-parse/sync';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSimulator } from '../simulator/index';
import type { Simulator, SimulatorOptions, SimUser } from '../simulator/types';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(REPO_ROOT, 'electron', 'cli', 'main.ts');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Called for each stdout line as it arrives (e.g. to send SIGINT after the first progress event). */
  onLine?: (line: string, child: ChildProcess) => void;
  /** Kill the child if it runs longer than this (ms); the run then reports the signal. */
  timeoutMs?: number;
}

/** An environment without the caller's Feishu credentials or proxies, so tests see only what they set. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^FEISHU_/.test(k) || /_proxy$/i.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        opts.onLine?.(line, child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Parses NDJSON, failing loudly on a line that is not JSON. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** manifest.csv as records keyed by column (RFC 4180 quoting, UTF-8 BOM), raw cell text. */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

export async function readManifest(outDir: string): Promise<Record<string, string>[]> {
  return parseCsv(await readFile(join(outDir, 'manifest.csv'), 'utf8'));
}

/** Every file under dir, as '/'-separated paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

export const PHOTO_RE = /\.(jpe?g|png|gif|webp|bmp)$/i;
export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export interface CliTenant {
  /** The simulated tenant, shared by the test file; its switches are put back after every test. */
  readonly sim: Simulator;
  /** A fresh folder per test (removed after it). */
  readonly work: string;
  /** The CLI's cache home inside work (XDG_CACHE_HOME). */
  readonly cacheHome: string;
  /** The environment that points the CLI at the simulator, plus extra. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Employees who have a face photo and are still employed. */
  enrolledActive(): SimUser[];
}

/** Registers the file's hooks: one simulator for the file, a fresh work folder and clean switches for each test. */
export function cliTenant(options: SimulatorOptions): CliTenant {
  let sim: Simulator | undefined;
  let initial: Simulator['switches'] | undefined;
  let work: string | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is only there inside a test`);
    return v;
  };
  beforeAll(async () => {
    sim = await startSimulator(options);
    initial = structuredClone(sim.switches);
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cli-test-'));
    sim?.resetStats();
  });
  afterEach(async () => {
    if (sim && initial) Object.assign(sim.switches, structuredClone(initial));
    if (work) await rm(work, { recursive: true, force: true });
  });
  const tenant: CliTenant = {
    get sim() {
      return need(sim, 'The simulator');
    },
    get work() {
      return need(work, 'The work folder');
    },
    get cacheHome() {
      return join(tenant.work, 'cache');
    },
    env: (extra = {}) => ({
      FEISHU_BASE_URL: tenant.sim.url,
      FEISHU_APP_ID: tenant.sim.appId,
      FEISHU_APP_SECRET: tenant.sim.appSecret,
      XDG_CACHE_HOME: tenant.cacheHome,
      ...extra,
    }),
    enrolledActive: () => tenant.sim.tenant.users.filter((u) => !u.status.is_resigned && tenant.sim.tenant.faces.has(u.user_id)),
  };
  return tenant;
}
