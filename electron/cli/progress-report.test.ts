// What an admin sees of an export: a bar that fits the terminal and stops where the export stopped, and a
// summary whose counts are the manifest's.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../shared/model';
import { startRig, type CoreRig } from '../core/core.testkit';
import { runExport, scopePhrase } from './commands';
import { formatProgressLine } from './progress-line';
import { countOf, Reporter } from './report';
import { readManifest } from './cli.testkit';

const progress = (over: Partial<ExportProgress> = {}): ExportProgress => ({
  jobId: 'j',
  phase: 'downloading',
  total: 12_345,
  done: 6_789,
  saved: 6_000,
  upToDate: 500,
  noPhoto: 200,
  failed: 89,
  rate: 45.9,
  etaSeconds: 45_000, // "12 h 30 min", the longest ETA text
  ...over,
});

describe('the progress line', () => {
  it('fits 80 columns with the ETA and the failures still on it', () => {
    const line = formatProgressLine(progress(), 80);
    expect(line.length).toBeLessThan(80);
    expect(line).toContain('6789/12345 employees');
    expect(line).toContain('ETA 12 h 30 min');
    expect(line).toContain('failed 89');
    expect(line).toMatch(/\[#+\.+\]/);
  });

  it('never overflows a narrower terminal, keeping the count, ETA and failures longest', () => {
    const at60 = formatProgressLine(progress(), 60);
    expect(at60.length).toBeLessThan(60);
    expect(at60).toContain('6789/12345');
    expect(at60).toContain('ETA 12 h 30 min');
    expect(at60).toContain('failed 89');
    for (const columns of [120, 80, 60, 45, 30, 20, 12, 5, 1]) {
      for (const p of [progress(), progress({ phase: 'cancelled' }), progress({ phase: 'zipping', total: 3, done: 3, saved: 3, failed: 0 })]) {
        expect(formatProgressLine(p, columns).length, `${columns} columns, ${p.phase}`).toBeLessThanOrEqual(Math.max(1, columns - 1));
      }
    }
  });

  it('uses the room of a wide terminal for the bar and the rate', () => {
    const line = formatProgressLine(progress(), 200);
    expect(line).toContain('45.9 photos/s');
    expect(line).toMatch(/\[[#.]{38}\]/);
  });

  it('counts only handled employees: cancelled ones do not fill the bar', () => {
    const line = formatProgressLine(progress({ phase: 'cancelled', total: 238, done: 238, saved: 100, upToDate: 0, noPhoto: 21, failed: 0 }), 80);
    expect(line).toContain('121/238 employees');
    expect(line).toContain('cancelled');
  });

  it('says 1 employee and 238 employees', () => {
    expect(countOf(1, 'employee')).toBe('1 employee');
    expect(countOf(238, 'employee')).toBe('238 employees');
    expect(countOf(0, 'employee')).toBe('0 employees');
  });

  it('names the scope after the count in plain English', () => {
    expect(scopePhrase({ kind: 'all' }, 'all employees')).toBe('(whole company)');
    expect(scopePhrase({ kind: 'department', id: '0' }, 'department "whole company" (0)')).toBe('(whole company)');
    expect(scopePhrase({ kind: 'group', nameOrId: 'g1' }, 'attendance group "上海" (g1)')).toBe('in attendance group "上海" (g1)');
    expect(scopePhrase({ kind: 'users', ids: ['a', 'b'] }, '2 named employee(s)')).toBe('named on the command line');
  });
});

describe('an export cancelled midway', { timeout: 120_000 }, () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 7, employees: 240, latencyMs: 200 });
  });
  afterAll(async () => {
    await rig.close();
  });

  async function cancelledRun(json: boolean) {
    const out = join(rig.root, json ? 'json' : 'text');
    const stdout: string[] = [];
    const stderr: string[] = [];
    const stop = new AbortController();
    // Cancels as Ctrl+C would, once the first photos are saved.
    class Watching extends Reporter {
      override progress(p: ExportProgress): void {
        super.progress(p);
        if (p.phase === 'downloading' && p.saved > 0) stop.abort();
      }
    }
    const reporter = new Watching(json, { out: (t) => stdout.push(t), err: (t) => stderr.push(t), tty: true, columns: () => 80 });
    const creds = { baseUrl: rig.sim.url, appId: rig.sim.appId, appSecret: rig.sim.appSecret };
    const session = { core: rig.newCore(), creds, demo: false, cacheDir: rig.cacheDir, verify: async () => {}, close: async () => {} };
    const code = await runExport(session, { out, selection: { kind: 'all' } }, reporter, stop.signal);
    const manifest = await readManifest(out);
    const count = (status: string) => manifest.filter((r) => r.status === status).length;
    return { code, stdout: stdout.join(''), stderr: stderr.join(''), manifest, count };
  }

  it('stops the bar where the export stopped and prints the manifest\'s counts, cancelled included', async () => {
    const { code, stdout, stderr, manifest, count } = await cancelledRun(false);
    expect(code).toBe(130);
    const cancelled = count('cancelled');
    expect(cancelled).toBeGreaterThan(0);
    const handled = manifest.length - cancelled;
    // The last state of the bar: what was handled, not 240/240.
    const bars = stderr.split('\r').slice(1).map((l) => l.slice(0, l.indexOf('\x1b[K')));
    expect(bars.at(-1)).toContain(`${handled}/${manifest.length} employees`);
    for (const l of bars) expect(l.length).toBeLessThan(80);

    expect(stdout).toMatch(new RegExp(`^Export cancelled after .*: ${manifest.length} employees \\(whole company\\) into `));
    const printed = (label: string) => Number(new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout)?.[1]);
    expect({
      saved: printed('saved'),
      up_to_date: printed('up to date'),
      no_photo: printed('no photo'),
      failed: printed('failed'),
      cancelled: printed('cancelled'),
    }).toEqual({ saved: count('saved'), up_to_date: count('up_to_date'), no_photo: count('no_photo'), failed: count('failed'), cancelled });
  });

  it('gives scripts the same numbers: done excludes the cancelled, the summary counts them', async () => {
    const { code, stdout, manifest, count } = await cancelledRun(true);
    expect(code).toBe(130);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = events.at(-1)!;
    const lastProgress = events.filter((e) => e.type === 'progress').at(-1)!;
    expect(lastProgress.done).toBe(manifest.length - count('cancelled'));
    expect(summary).toMatchObject({
      type: 'summary',
      cancelled: true,
      total: manifest.length,
      saved: count('saved'),
      upToDate: count('up_to_date'),
      noPhoto: count('no_photo'),
      failed: count('failed'),
      cancelledCount: count('cancelled'),
    });
  });
});
