// What a coverage row stands for: its name in the UI language, the Browse filter it opens, the list it exports.
import { describe, expect, it } from 'vitest';
import type { DepartmentCoverage } from '../../../shared/coverage';
import { browseScopeOf, departmentRows, groupRows, listScopeOf } from './CoverageTable';

const counts = { total: 3, enrolled: 2, notEnrolled: 1, notVisible: 0, stale: 0 };
const company: DepartmentCoverage = {
  id: '0',
  name: '全公司',
  counts,
  children: [{ id: 'od-rd', name: '研发中心', counts, children: [{ id: 'od-fe', name: '前端组', counts, children: [] }] }],
};

describe('coverage rows', () => {
  it('calls the whole company by its name in the UI language, and leaves leaves without an expander', () => {
    const root = departmentRows(company, 'Whole company');
    expect(root.name).toBe('Whole company');
    expect(root.children![0]!.name).toBe('研发中心');
    expect(root.children![0]!.children![0]).not.toHaveProperty('children');
  });

  it('opens Browse on everyone, a department with its sub-departments, or a group', () => {
    const root = departmentRows(company, 'x');
    expect(browseScopeOf(root)).toEqual({ kind: 'all' });
    expect(browseScopeOf(root.children![0]!)).toEqual({ kind: 'department', id: 'od-rd', recursive: true });
    const [group] = groupRows([{ id: 'g1', name: 'HQ', counts }]);
    expect(browseScopeOf(group!)).toEqual({ kind: 'group', id: 'g1' });
    expect(listScopeOf(root)).toEqual({ kind: 'all' });
    expect(listScopeOf(root.children![0]!)).toEqual({ kind: 'department', id: 'od-rd' });
    expect(listScopeOf(group!)).toEqual({ kind: 'group', id: 'g1' });
  });
});
