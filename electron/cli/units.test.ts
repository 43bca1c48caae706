// The CLI's pure parts: messages, exit codes, cache location, group/department resolution.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, isAppFailure } from '../../shared/errors';
import type { DepartmentNode, ExportSummary } from '../../shared/model';
import { checkFileName, exitCodeForSummary, parseExportOptions } from './commands';
import { describeError, exitCodeFor, redact } from './messages';
import { defaultCacheRoot, openOutFolder, photoCacheDir } from './paths';

const ensureWritableFolder = async (dir: string) => (await openOutFolder(dir)).path;
import { exitCodeForSignal, watchStopSignals, type StopSignal } from './signals';
import { parseIdList, resolveDepartment, resolveGroup } from './select';
import { Reporter } from './report';

function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppFailure(e)) return `${e.info.code}: ${e.info.message} ${e.info.detail ?? ''}`;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('error messages', () => {
  it('gives every error code a one-line sentence', () => {
    for (const code of ERROR_CODES) {
      const text = describeError({ code, message: 'x\nat y', detail: 'a\nb', feishuMsg: 'multi\nline' });
      expect(text.length, code).toBeGreaterThan(10);
      expect(text, code).not.toMatch(/\n/);
    }
  });

  it('names the missing scopes and says where to enable them', () => {
    const text = describeError({ code: 'scope.missing', message: 'm', scopes: ['attendance:rule:readonly', 'contact:user.base:readonly'] });
    expect(text).toContain('attendance:rule:readonly, contact:user.base:readonly');
    expect(text).toMatch(/publish a new version/);
  });

  it('keeps the Feishu log id for support', () => {
    expect(describeError({ code: 'feishu.server', message: 'm', logId: '2024abc', feishuCode: 1225000 })).toContain('log id 2024abc');
  });

  it('maps configuration problems to exit 2 and transient ones to exit 1', () => {
    expect(exitCodeFor('auth.bad_secret')).toBe(2);
    expect(exitCodeFor('scope.missing')).toBe(2);
    expect(exitCodeFor('net.ip_denied')).toBe(2);
    expect(exitCodeFor('fs.not_writable')).toBe(2);
    expect(exitCodeFor('feishu.server')).toBe(1);
    expect(exitCodeFor('export.cancelled')).toBe(130);
  });

  it('refuses an export into a folder another export holds with one line and exit 2', () => {
    expect(exitCodeFor('export.folder_locked')).toBe(2);
    const line = describeError({ code: 'export.folder_locked', message: 'm', detail: '/data/faces' });
    expect(line).toContain('/data/faces');
    expect(line).not.toContain('\n');
  });

  it('redacts secrets wherever they appear', () => {
    expect(redact('token for s3cr3t-value and s3cr3t-value', ['s3cr3t-value'])).toBe('token for *** and ***');
  });

  it('never prints a registered secret, even inside an error detail', () => {
    const out: string[] = [];
    const r = new Reporter(true, { out: (t) => out.push(t), err: (t) => out.push(t), tty: false });
    r.hide('topsecret-123');
    r.error({ code: 'input.invalid', message: 'bad', detail: 'value topsecret-123' });
    expect(out.join('')).not.toContain('topsecret-123');
    expect(JSON.parse(out[0]!)).toMatchObject({ type: 'error', code: 'input.invalid' });
  });
});

const summary = (over: Partial<ExportSummary>): ExportSummary => ({
  jobId: 'j',
  outDir: '/o',
  total: 3,
  saved: 3,
  upToDate: 0,
  noPhoto: 0,
  failed: 0,
  cancelled: false,
  failures: [],
  manifestPath: '/o/manifest.csv',
  zipPath: null,
  durationMs: 10,
  ...over,
});

describe('export exit codes', () => {
  it('is 0 when nothing failed, 1 on some failures, 2 when every failure is a setup problem, 130 when cancelled', () => {
    expect(exitCodeForSummary(summary({}))).toBe(0);
    const f = (code: 'feishu.server' | 'range.attendance') => ({ userId: 'u', name: 'n', employeeNo: '1', error: { code, message: 'm' } });
    expect(exitCodeForSummary(summary({ failed: 1, failures: [f('feishu.server')] }))).toBe(1);
    expect(exitCodeForSummary(summary({ failed: 2, failures: [f('range.attendance'), f('feishu.server')] }))).toBe(1);
    expect(exitCodeForSummary(summary({ failed: 1, failures: [f('range.attendance')] }))).toBe(2);
    expect(exitCodeForSummary(summary({ cancelled: true }))).toBe(130);
  });

  it('prints the counts even when the disk was too full for the manifest, says so, and exits 1', () => {
    const out: string[] = [];
    const r = new Reporter(false, { out: (t) => out.push(t), err: (t) => out.push(t), tty: false });
    const s = summary({ saved: 2, failed: 1, manifestPath: '', manifestError: { code: 'fs.disk_full', message: 'm', detail: '/o' } });
    r.summary(s, exitCodeForSummary(s));
    const text = out.join('');
    expect(text).toMatch(/saved\s+2/);
    expect(text).toMatch(/failed\s+1/);
    expect(text).toContain('Manifest: NOT written — The disk is full');
    expect(exitCodeForSummary({ ...s, failed: 0 })).toBe(1);
  });

  it('prints what the whole manifest lists when it holds more employees than this run (a retry)', () => {
    const out: string[] = [];
    const r = new Reporter(false, { out: (t) => out.push(t), err: (t) => out.push(t), tty: false });
    r.summary(summary({ total: 4, saved: 4, manifestTotals: { rows: 54, photos: 50, noPhoto: 4, failed: 0, notProcessed: 0 } }), 0);
    expect(out.join('')).toContain('manifest lists 54 employee(s): 50 with a photo, 4 no photo, 0 failed');
  });

  it('rejects an unknown subfolder mode and accepts the documented ones', () => {
    expect(parseExportOptions({ subfolders: 'group', zip: true })).toMatchObject({ subfolders: 'group', zip: true });
    expect(failureOf(() => parseExportOptions({ subfolders: 'weekday' }))).toMatch(/^input.invalid/);
  });

  it('refuses an unknown template token before anything runs, listing the known ones', () => {
    const text = failureOf(() => parseExportOptions({ template: '{name}_{badge}' }));
    expect(text).toContain('{badge}');
    expect(text).toContain('{employee_no}');
    expect(parseExportOptions({ template: '{employee_no}-{updated}' }).template).toBe('{employee_no}-{updated}');
  });
});

describe('stop signals', () => {
  it('ends with 128 + the signal number, cancels on the first signal and quits at once on the second', () => {
    expect([exitCodeForSignal('SIGINT'), exitCodeForSignal('SIGTERM'), exitCodeForSignal('SIGHUP')]).toEqual([130, 143, 129]);
    const listeners = new Map<string, () => void>();
    const proc = { on: (s: string, f: () => void) => listeners.set(s, f), off: (s: string) => listeners.delete(s) };
    const cancelled: StopSignal[] = [];
    const exits: number[] = [];
    const watch = watchStopSignals((sig) => cancelled.push(sig), { exit: (c) => exits.push(c), proc: proc as never });
    expect(watch.interruptedCode()).toBe(130);
    listeners.get('SIGTERM')!();
    expect(cancelled).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    expect(watch.interruptedCode()).toBe(143);
    listeners.get('SIGINT')!();
    expect(exits).toEqual([130]);
    expect(cancelled).toEqual(['SIGTERM']);
    watch.dispose();
    expect(listeners.size).toBe(0);
  });
});

describe('cache folder', () => {
  it('follows each platform and keeps demo photos apart', () => {
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/a')).toBe('/x/cache/feishu-face-photos');
    expect(defaultCacheRoot({}, 'linux', '/home/a')).toBe('/home/a/.cache/feishu-face-photos');
    expect(defaultCacheRoot({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Caches/feishu-face-photos');
    expect(defaultCacheRoot({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32', 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Local\\feishu-face-photos\\Cache',
    );
    expect(photoCacheDir('/c', true)).not.toBe(photoCacheDir('/c', false));
  });
});

describe('export folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-paths-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing folder and refuses a file', async () => {
    await expect(ensureWritableFolder(join(dir, 'a', 'b'))).resolves.toBe(join(dir, 'a', 'b'));
    await writeFile(join(dir, 'f'), '');
    await expect(ensureWritableFolder(join(dir, 'f'))).rejects.toMatchObject({ info: { code: 'fs.not_writable' } });
    await expect(ensureWritableFolder(join(dir, 'f', 'x'))).rejects.toMatchObject({ info: { code: 'fs.not_writable' } });
  });

  it('writes no probe file, and removes the probes a killed earlier version left', async () => {
    await writeFile(join(dir, '.write-test-1a2b3c4d'), '');
    await writeFile(join(dir, '.write-test-notes.txt'), 'the admin\'s');
    await writeFile(join(dir, 'photo.jpg'), 'x');
    await ensureWritableFolder(dir);
    expect((await readdir(dir)).sort()).toEqual(['.write-test-notes.txt', 'photo.jpg']);
  });

  it('removes the folders it created when the run saved nothing, and only if they are still empty', async () => {
    const empty = await openOutFolder(join(dir, 'a', 'b'));
    await empty.removeIfEmpty();
    expect(await readdir(dir)).toEqual([]);
    const used = await openOutFolder(join(dir, 'c', 'd'));
    await writeFile(join(used.path, 'kept.jpg'), 'x');
    await used.removeIfEmpty();
    expect(await readdir(used.path)).toEqual(['kept.jpg']);
  });
});

describe('selection', () => {
  const groups = [
    { id: 'g1', name: 'Shanghai Office' },
    { id: 'g2', name: 'Shanghai Factory' },
    { id: 'g3', name: 'Beijing' },
  ];

  it('resolves a group by id, exact name (any case) or unique partial name', () => {
    expect(resolveGroup(groups, 'g2').name).toBe('Shanghai Factory');
    expect(resolveGroup(groups, 'shanghai office').id).toBe('g1');
    expect(resolveGroup(groups, 'Bei').id).toBe('g3');
  });

  it('lists candidates when a group name is ambiguous or unknown', () => {
    const ambiguous = failureOf(() => resolveGroup(groups, 'Shanghai'));
    expect(ambiguous).toContain('Shanghai Office');
    expect(ambiguous).toContain('Shanghai Factory');
    expect(failureOf(() => resolveGroup(groups, 'Tokyo'))).toContain('Beijing');
  });

  it('resolves departments by id or unique name, root included', () => {
    const tree: DepartmentNode[] = [
      { id: 'od-1', name: 'Sales', parentId: '0', children: [{ id: 'od-2', name: 'Sales East', parentId: 'od-1', children: [] }] },
    ];
    expect(resolveDepartment(tree, 'od-2').name).toBe('Sales East');
    expect(resolveDepartment(tree, 'Sales').id).toBe('od-1');
    expect(resolveDepartment(tree, '0').id).toBe('0');
    expect(failureOf(() => resolveDepartment(tree, 'od-9'))).toContain('Sales');
  });

  it('lists same-named departments with their full paths and ids, and takes a path instead of a name', () => {
    const team = (id: string, parentId: string): DepartmentNode => ({ id, name: '一组', parentId, children: [] });
    const tree: DepartmentNode[] = [
      {
        id: 'od-rd', name: '研发中心', parentId: null, children: [
          { id: 'od-qa', name: '测试组', parentId: 'od-rd', children: [team('od-t1', 'od-qa')] },
          { id: 'od-br', name: '品牌组', parentId: 'od-rd', children: [team('od-t2', 'od-br')] },
        ],
      },
    ];
    const ambiguous = failureOf(() => resolveDepartment(tree, '一组'));
    expect(ambiguous).toContain('"研发中心/测试组/一组" (od-t1)');
    expect(ambiguous).toContain('"研发中心/品牌组/一组" (od-t2)');
    expect(resolveDepartment(tree, '测试组/一组').id).toBe('od-t1');
    expect(resolveDepartment(tree, '研发中心/品牌组/一组').id).toBe('od-t2');
  });

  it('splits --users and rejects what is not an id', () => {
    expect(parseIdList(' a1, b2,,a1 ')).toEqual(['a1', 'b2']);
    expect(failureOf(() => parseIdList('ok,../etc'))).toContain('../etc');
  });

  it('names a checked photo after the employee, safely', () => {
    const row = {
      userId: 'u1', name: 'Zhang/San', enName: '', employeeNo: 'E1', email: '', mobile: '', departmentIds: [], departmentNames: [],
      groupNames: [], resigned: false, jobTitle: '', face: { enrolled: true, faceKey: 'k', updatedAt: 1 },
    };
    expect(checkFileName(row, 'image/png')).toBe('Zhang_San_E1.png');
    // Leading dots would hide the file on macOS and Linux; the export's rules drop them.
    expect(checkFileName({ ...row, name: '....李四', employeeNo: 'E00028' }, 'image/jpeg')).toBe('李四_E00028.jpg');
  });
});
