// The demo tenant as an admin trying the app or `--demo` sees it, read through the real engine:
// a believable company, and none of the hostile fixtures that belong to tests and benchmarks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepartmentNode, EmployeeRow } from '../../shared/model';
import { createCore } from '../core/index';
import type { Core } from '../core/types';
import { type DemoTenant, startDemoTenant } from './demo';
import { HOSTILE_DEPARTMENTS, HOSTILE_EMPLOYEES, HOSTILE_GROUPS } from './tenant';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** Why a name looks like a test fixture rather than a person, department or group of a real company; null if it does not. */
function fixtureLike(name: string): string | null {
  if (/^[=+\-@]/.test(name)) return 'starts like a spreadsheet formula';
  if (name.includes('..')) return 'contains ..';
  if (/[/\\:*?"<>|]/.test(name)) return 'has a character file names cannot hold';
  if (WINDOWS_RESERVED.test(name.trim())) return 'is a Windows reserved name';
  if (/[A-Z]{2,}/.test(name) && name === name.toUpperCase() && !/[\u4e00-\u9fff]/.test(name)) return 'is all capitals';
  if (name !== name.trim() || /\.$/.test(name)) return 'has leading or trailing space or dot';
  if (/\p{Extended_Pictographic}/u.test(name)) return 'has an emoji';
  if (name.length > 30) return 'is too long';
  return null;
}

const flatten = (nodes: DepartmentNode[]): DepartmentNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

describe('the demo tenant', { timeout: 60_000 }, () => {
  let demo: DemoTenant;
  let core: Core;
  let cacheDir: string;
  let tree: DepartmentNode[];
  let rows: EmployeeRow[];
  let groupNames: string[];

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'demo-tenant-'));
    demo = await startDemoTenant({ latencyMs: 0, latencyJitterMs: 0 });
    core = createCore({ baseUrl: demo.url, appId: demo.appId, appSecret: demo.appSecret, cacheDir, client: { ratePerSecond: 2000 } });
    tree = await core.directory.departmentTree();
    groupNames = (await core.directory.groups()).map((g) => g.name);
    // The whole directory (a page of the table may be served before the directory walk ends), with enrolment.
    const employees = await core.directory.employees({ kind: 'all' });
    const faces = await core.faces.get(employees.map((e) => e.userId));
    rows = employees.map((e) => ({ ...e, face: faces.get(e.userId)! }));
    expect(rows.length).toBe(240);
  });

  afterAll(async () => {
    await core?.close();
    await demo?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('shows no hostile fixture name: no formula, path, reserved, all-caps, emoji or padded names', () => {
    const departments = flatten(tree).map((d) => d.name);
    const names = [...departments, ...groupNames, ...rows.flatMap((r) => [r.name, r.enName])];
    const offending = names.map((n) => [n, fixtureLike(n)]).filter(([, why]) => why !== null);
    expect(offending).toEqual([]);
    const fixtures = new Set([...HOSTILE_EMPLOYEES.map((h) => h.name), ...HOSTILE_DEPARTMENTS.map((h) => h.name), ...HOSTILE_GROUPS.map((h) => h.name)]);
    expect(names.filter((n) => fixtures.has(n))).toEqual([]);
    // No two departments under one parent, nor two groups, whose names differ only by case.
    for (const parent of [{ children: tree } as DepartmentNode, ...flatten(tree)]) {
      const lower = parent.children.map((c) => c.name.toLowerCase());
      expect(new Set(lower).size).toBe(lower.length);
    }
    expect(new Set(groupNames.map((n) => n.toLowerCase())).size).toBe(groupNames.length);
  });

  it('looks like a Chinese company: its departments, regional sales branches and attendance groups', () => {
    const top = tree.flatMap((n) => (n.id === '0' ? n.children : [n])).map((d) => d.name);
    expect(top).toEqual(expect.arrayContaining(['总经办', '人力资源部', '财务部', '研发中心', '销售部', '市场部', '客服中心', '行政部']));
    const all = flatten(tree);
    const childrenOf = (name: string) => all.find((d) => d.name === name)?.children.map((c) => c.name) ?? [];
    expect(childrenOf('研发中心').length).toBeGreaterThanOrEqual(3);
    expect(childrenOf('销售部')).toEqual(expect.arrayContaining(['华东大区', '华南大区', '华北大区']));
    expect(groupNames).toEqual(expect.arrayContaining(['总部考勤组', '研发弹性考勤', '门店排班']));
  });

  it('has mostly Chinese staff, a few English names, most enrolled at varied times, some not, one or two resigned', () => {
    const chinese = rows.filter((r) => /^[\u4e00-\u9fff]{2,4}$/.test(r.name));
    const english = rows.filter((r) => /^[A-Z][a-z]+ [A-Z][a-zü]+$/.test(r.name));
    expect(chinese.length).toBeGreaterThan(rows.length * 0.9);
    expect(english.length).toBeGreaterThanOrEqual(2);
    expect(chinese.length + english.length).toBe(rows.length);
    const enrolled = rows.filter((r) => r.face.enrolled);
    expect(enrolled.length).toBeGreaterThan(rows.length * 0.8);
    expect(rows.filter((r) => !r.face.enrolled && !r.face.outOfRange).length).toBeGreaterThan(5);
    const months = new Set(enrolled.map((r) => new Date((r.face.updatedAt as number) * 1000).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThan(12);
    const resigned = rows.filter((r) => r.resigned);
    expect(resigned.length).toBeGreaterThanOrEqual(1);
    expect(resigned.length).toBeLessThanOrEqual(3);
  });

  it('has a couple of active employees outside the attendance range (shown as not visible)', () => {
    const outside = rows.filter((r) => r.face.outOfRange);
    expect(outside.length).toBe(2);
    expect(outside.every((r) => !r.resigned)).toBe(true);
  });
});
