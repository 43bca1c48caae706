import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_COLUMNS, type ManifestRow } from '../../shared/model';
import { parseCsv, readManifest, writeManifest } from './manifest';

const row = (over: Partial<ManifestRow>): ManifestRow => ({
  user_id: 'u1',
  name: '张三',
  en_name: 'San Zhang',
  employee_no: 'E1',
  department: '研发部',
  group: '',
  face_key: 'abc',
  face_key_update_time: '2026-01-01T00:00:00Z',
  file: '张三_E1.jpg',
  bytes: '10',
  sha256: 'ff',
  status: 'saved',
  error: '',
  error_detail: '',
  department_path: '研发中心/研发部',
  ...over,
});

describe('manifest.csv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'manifest-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens in Excel as UTF-8 and keeps formula-like names as text', async () => {
    await writeManifest(dir, [row({ name: '=HYPERLINK("http://x","点我")', file: "dept/'quoted.jpg", en_name: '+1' })]);
    const text = await readFile(path.join(dir, 'manifest.csv'), 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [header, first] = parseCsv(text);
    expect(header).toEqual(MANIFEST_COLUMNS);
    const cell = (c: keyof ManifestRow) => first![MANIFEST_COLUMNS.indexOf(c)]!;
    for (const c of ['name', 'en_name'] as const) expect(cell(c).startsWith("'")).toBe(true);
    expect(cell('user_id')).toBe('u1');
    expect(cell('file')).toBe("dept/'quoted.jpg"); // paths are for programs: verbatim
  });

  it('keeps a formula behind leading control characters (NUL, tab, CR, LF) as text too', async () => {
    const hostile = ['\u0000=cmd|\' /c calc\'!A1', '\u0001+1', '\t=1+1', '\r@SUM(A1)', '\n-2', '\u001f=x'];
    const rows = hostile.map((name, i) => row({ user_id: `h${i}`, name }));
    await writeManifest(dir, rows);
    const [, ...records] = parseCsv(await readFile(path.join(dir, 'manifest.csv'), 'utf8'));
    for (const rec of records) expect(rec[MANIFEST_COLUMNS.indexOf('name')]!.startsWith("'")).toBe(true);
    // The guard is undone on reading: the next run sees the names as they are.
    expect([...(await readManifest(dir)).values()].map((r) => r.name)).toEqual(hostile);
  });

  it('reads back exactly what it wrote, whatever the names contain', async () => {
    const rows = [
      row({ user_id: 'a', name: 'quote " and, comma', file: 'a.jpg' }),
      row({ user_id: 'b', name: 'line\nbreak\r\nname', file: 'dept/b (2).png' }),
      row({ user_id: 'c', name: "'already quoted", en_name: "'=x", file: "'=odd.jpg" }),
      row({ user_id: 'd', name: '-dash', status: 'failed', error: 'feishu.server', error_detail: 'Server error; feishu 1225000', file: '' }),
      row({ user_id: 'e', status: 'no_photo', file: '', face_key: '' }),
    ];
    await writeManifest(dir, rows);
    const back = await readManifest(dir);
    expect([...back.values()]).toEqual(rows);
    expect((await readdir(dir)).filter((n) => n.includes('.part-'))).toEqual([]);
  });

  it('puts department_path last, so scripts reading columns by position keep working', () => {
    const old = ['user_id', 'name', 'en_name', 'employee_no', 'department', 'group', 'face_key', 'face_key_update_time', 'file', 'bytes', 'sha256', 'status', 'error', 'error_detail'];
    expect(MANIFEST_COLUMNS).toEqual([...old, 'department_path']);
  });

  it('reads a manifest written before department_path existed', async () => {
    const before = await mkdtemp(path.join(dir, 'old-'));
    const { writeFile } = await import('node:fs/promises');
    const header = 'user_id,name,en_name,employee_no,department,group,face_key,face_key_update_time,file,bytes,sha256,status,error,error_detail';
    await writeFile(path.join(before, 'manifest.csv'), `\ufeff${header}\r\nu1,张三,San Zhang,E1,一组,,abc,2026-01-01T00:00:00Z,一组/张三_E1.jpg,10,ff,saved,,\r\n`);
    const back = await readManifest(before);
    expect(back.get('u1')).toEqual(row({ department: '一组', file: '一组/张三_E1.jpg', department_path: '' }));
  });

  it('treats a missing or foreign manifest as no previous run', async () => {
    const empty = await mkdtemp(path.join(dir, 'x-'));
    expect((await readManifest(empty)).size).toBe(0);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(empty, 'manifest.csv'), 'a,b,c\n1,2,3\n');
    expect((await readManifest(empty)).size).toBe(0);
  });
});
