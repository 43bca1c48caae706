// `check`'s input: which kind of lookup each text gets, and how a kind finds its employee.
import { describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import type { Employee } from '../../shared/model';
import { lookupKind, nationalMobile } from '../../shared/lookup-kind';
import { employeesMatching, pickEmployee } from './lookup';

describe('lookupKind', () => {
  it.each([
    ['5d9bdxxx', 'user_id_or_employee_no', '5d9bdxxx'],
    ['E00123', 'user_id_or_employee_no', 'E00123'],
    [' 10023 ', 'user_id_or_employee_no', '10023'],
    ['alice', 'user_id_or_employee_no', 'alice'],
    ['ou_7d8a6e6df7621556ce0d21922b676706', 'open_id', 'ou_7d8a6e6df7621556ce0d21922b676706'],
    ['Jun.Liang@Example.com', 'email', 'jun.liang@example.com'],
    ['+86 138-0013-8000', 'mobile', '+8613800138000'],
    ['+8613800138000', 'mobile', '+8613800138000'],
    ['13800138000', 'mobile', '13800138000'],
    ['138 0013 8000', 'mobile', '13800138000'],
    ['+1 (415) 555-0100', 'mobile', '+14155550100'],
    ['梁军', 'name', '梁军'],
    ['Wei Zhang', 'name', 'Wei Zhang'],
    ['王/小明', 'name', '王/小明'],
  ])('%s is a %s', (input, kind, value) => {
    expect(lookupKind(input)).toEqual({ kind, value });
  });

  it('compares mobiles with or without +86 as the same number, and keeps other country codes apart', () => {
    expect(nationalMobile('+86 138 0013 8000')).toBe('13800138000');
    expect(nationalMobile('13800138000')).toBe('13800138000');
    expect(nationalMobile('+1 415 555 0100')).toBe('+14155550100');
  });
});

const emp = (over: Partial<Employee>): Employee => ({
  userId: 'u1',
  name: '梁军',
  enName: 'Jun Liang',
  employeeNo: 'E00001',
  email: 'jun.liang@example.com',
  mobile: '+8613800138000',
  departmentIds: ['od-1'],
  departmentNames: ['研发部'],
  groupNames: [],
  resigned: false,
  jobTitle: '',
  ...over,
});

const staff = [
  emp({}),
  emp({ userId: 'u2', name: '张伟', enName: 'Wei Zhang', employeeNo: 'E00002', email: 'wei.zhang@example.com', mobile: '+8613900000002', departmentNames: ['销售部'] }),
  emp({ userId: 'u3', name: '张伟', enName: 'Wei Zhang', employeeNo: 'E00003', email: 'wei.zhang3@example.com', mobile: '+8613900000003', departmentNames: ['财务部'] }),
  emp({ userId: 'u4', name: '梁军华', enName: 'Junhua Liang', employeeNo: 'E00004', email: 'junhua@example.com', mobile: '' }),
];

const found = (input: string) => employeesMatching(staff, lookupKind(input)).map((e) => e.userId);

describe('finding the employee check was asked about', () => {
  it('finds by email (any case) and by mobile with or without +86', () => {
    expect(found('JUN.LIANG@example.com')).toEqual(['u1']);
    expect(found('13800138000')).toEqual(['u1']);
    expect(found('+86 138 0013 8000')).toEqual(['u1']);
    expect(found('+1 3800138000')).toEqual([]);
  });

  it('prefers an exact name over names that contain it, in Chinese or English', () => {
    expect(found('梁军')).toEqual(['u1']);
    expect(found('jun liang')).toEqual(['u1']);
    expect(found('军华')).toEqual(['u4']);
  });

  it('lists every namesake with department and 工号 instead of picking one', () => {
    let message = '';
    try {
      pickEmployee(employeesMatching(staff, lookupKind('张伟')), '张伟');
    } catch (e) {
      if (!isAppFailure(e)) throw e;
      message = `${e.info.code} ${e.info.message} ${e.info.detail ?? ''}`;
    }
    expect(message).toMatch(/^input\.invalid "张伟" matches 2 employees/);
    expect(message).toContain('销售部, 工号 E00002, user_id u2');
    expect(message).toContain('财务部, 工号 E00003, user_id u3');
  });

  it('says not found when nothing matches', () => {
    expect(() => pickEmployee(employeesMatching(staff, lookupKind('李雷')), '李雷')).toThrow(/No such employee/);
  });
});
