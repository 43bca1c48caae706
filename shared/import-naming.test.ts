// Matching import files to employees: the inverse of the export's names, whatever template exported them.
import { describe, expect, it } from 'vitest';
import { isAppFailure } from './errors';
import { importMatcher } from './import-naming';
import type { Employee } from './model';
import { namingFields, renderFileName } from './naming';

const emp = (userId: string, name: string, employeeNo: string, over: Partial<Employee> = {}): Employee => ({
  userId,
  name,
  enName: '',
  employeeNo,
  email: '',
  mobile: '',
  departmentIds: ['d1'],
  departmentNames: ['研发/一组'],
  groupNames: [],
  resigned: false,
  jobTitle: '',
  ...over,
});

const people = [emp('u1', '张三', 'E001'), emp('u2', '李四', 'e002'), emp('u3', '张三', 'E003'), emp('u4', 'A/B: "x"', 'E004'), emp('u5', '无工号', '')];
const ids = (m: { employees: Employee[] }) => m.employees.map((e) => e.userId);

describe('importMatcher', () => {
  it('default {employee_no}: the base name without extension, ignoring case; an employee without a number matches nothing', () => {
    const match = importMatcher(people);
    expect(ids(match('E001.jpg'))).toEqual(['u1']);
    expect(ids(match('sub/folder/E002.PNG'))).toEqual(['u2']);
    expect(ids(match('E999.jpg'))).toEqual([]);
    expect(ids(match('.jpg'))).toEqual([]);
  });

  it('the export default {name}_{employee_no} re-imports what the export named, sanitised names included', () => {
    const match = importMatcher(people, '{name}_{employee_no}');
    for (const e of people.filter((p) => p.employeeNo)) {
      const exported = renderFileName('{name}_{employee_no}', namingFields(e), { ext: '.jpg' });
      expect(ids(match(exported)), exported).toEqual([e.userId]);
    }
    expect(ids(match('A_B_ _x__E004.jpg'))).toEqual(['u4']);
  });

  it('{name} alone: two employees of one name are ambiguous, with the export suffix " (2)" too', () => {
    const match = importMatcher(people, '{name}');
    expect(ids(match('张三.jpg'))).toEqual(['u1', 'u3']);
    expect(ids(match('张三 (2).jpg'))).toEqual(['u1', 'u3']);
    expect(ids(match('李四.jpg'))).toEqual(['u2']);
  });

  it('refuses an unknown token or a template without any', () => {
    const code = (t: string) => {
      try {
        importMatcher(people, t);
        return 'accepted';
      } catch (e) {
        return isAppFailure(e) ? e.info.code : 'other';
      }
    };
    expect(code('{employee_number}')).toBe('input.invalid');
    expect(code('photo')).toBe('input.invalid');
  });
});
