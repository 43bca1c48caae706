import { describe, expect, it } from 'vitest';
import { departmentFullPaths, departmentLabel, departmentPaths } from './departments';
import type { Department } from './model';

const d = (id: string, name: string, parentId: string | null): Department => ({ id, name, parentId });

// 研发中心/测试组/一组, 研发中心/品牌组/一组, 市场部/品牌组/一组, plus a unique 二组 and the root.
const tenant = [
  d('0', '全公司', null),
  d('rd', '研发中心', null),
  d('qa', '测试组', 'rd'),
  d('brand', '品牌组', 'rd'),
  d('t1', '一组', 'qa'),
  d('t2', '一组', 'brand'),
  d('mkt', '市场部', '0'),
  d('mbrand', '品牌组', 'mkt'),
  d('t3', '一组', 'mbrand'),
  d('t4', '二组', 'qa'),
];

describe('department paths', () => {
  const paths = departmentPaths(tenant);
  const unique = (id: string) => paths.get(id)!.unique.join('/');
  const full = (id: string) => paths.get(id)!.full.join('/');

  it('gives every department its full path from the top, the root its own name', () => {
    expect(full('t1')).toBe('研发中心/测试组/一组');
    expect(full('t3')).toBe('市场部/品牌组/一组');
    expect(full('mkt')).toBe('市场部');
    expect(full('0')).toBe('全公司');
  });

  it('calls a department by its bare name when no other department shares it', () => {
    expect(unique('t4')).toBe('二组');
    expect(unique('qa')).toBe('测试组');
    expect(unique('0')).toBe('全公司');
  });

  it('calls same-named departments by the shortest tail of their path that is theirs alone', () => {
    expect(unique('t1')).toBe('测试组/一组');
    expect(unique('t2')).toBe('研发中心/品牌组/一组');
    expect(unique('t3')).toBe('市场部/品牌组/一组');
    expect(unique('brand')).toBe('研发中心/品牌组');
    const labels = tenant.map((x) => unique(x.id));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('tells apart names that would be one folder on Windows, and adds the id when even the paths are alike', () => {
    const twins = departmentPaths([d('a', 'Team Alpha', null), d('b', 'TEAM ALPHA', null), d('c', '客服部 ', null), d('e', '客服部', 'a')]);
    expect(twins.get('a')!.unique).toEqual(['Team Alpha (a)']);
    expect(twins.get('b')!.unique).toEqual(['TEAM ALPHA (b)']);
    // "客服部 " and "客服部" are one folder name once the trailing space goes.
    expect(twins.get('c')!.unique).toEqual(['客服部 ']);
    expect(twins.get('e')!.unique).toEqual(['Team Alpha', '客服部']);
  });

  it('stops at a cycle or a missing parent instead of hanging', () => {
    const odd = departmentPaths([d('x', 'X', 'y'), d('y', 'Y', 'x'), d('z', 'Z', 'gone')]);
    expect(odd.get('x')!.full).toEqual(['Y', 'X']);
    expect(odd.get('z')!.full).toEqual(['Z']);
  });
});

describe('department labels for the table, tooltip and detail', () => {
  const paths = departmentPaths(tenant);
  const employee = {
    departmentNames: ['一组', '二组'],
    departmentPaths: [paths.get('t1')!, paths.get('t4')!],
  };

  it('shows the unique path in the cell and the full paths in the tooltip and detail', () => {
    expect(departmentLabel(employee)).toBe('测试组/一组');
    expect(departmentLabel(employee, 1)).toBe('二组');
    expect(departmentFullPaths(employee)).toEqual(['研发中心/测试组/一组', '研发中心/测试组/二组']);
  });

  it('falls back to the bare names for an employee without paths', () => {
    expect(departmentLabel({ departmentNames: ['一组'] })).toBe('一组');
    expect(departmentFullPaths({ departmentNames: ['一组'] })).toEqual(['一组']);
    expect(departmentLabel({ departmentNames: [] })).toBe('');
  });
});
