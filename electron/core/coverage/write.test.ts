// The list files as a person opens them: the XLSX read back with a real reader (exceljs), the CSV as Excel sees it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coverage } from '../../../shared/coverage';
import { parseCsv } from '../manifest';
import type { CoverageRow } from './rows';
import { writeCoverageReport } from './write';

// 2026-03-05 02:07 UTC is 10:07 in Shanghai and 21:07 the day before in New York.
const CHANGED = Date.UTC(2026, 2, 5, 2, 7) / 1000;

const rows: CoverageRow[] = [
  { userId: 'u1', name: '梁军', employeeNo: 'E00001', departmentPath: '研发中心/测试组', manager: '王芳', email: 'jun@example.com', mobile: '+8613800138000', groups: '总部考勤组', status: 'enrolled', updatedAt: CHANGED },
  { userId: 'u2', name: '=HYPERLINK("http://x","y")', employeeNo: '-1', departmentPath: '@财务部', manager: '', email: '', mobile: '+8613900000000', groups: '', status: 'not_enrolled', updatedAt: null },
];
const counts = { total: 2, enrolled: 1, notEnrolled: 1, notVisible: 0, stale: 0 };
const summary: Coverage = {
  company: { id: '0', name: 'ROOT', counts, children: [{ id: 'od-1', name: '研发中心', counts, children: [] }] },
  groups: [{ id: 'g1', name: '总部考勤组', counts: { ...counts, total: 1, notEnrolled: 0 } }],
  staleMonths: 24,
  staleBefore: 0,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coverage-write-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readBook(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe('coverage list files', () => {
  it('XLSX: translated headers and statuses, real date cells in local time, a summary per department', async () => {
    const file = path.join(dir, 'list.xlsx');
    await writeCoverageReport(file, { rows, summary }, { lang: 'zh-CN', timeZone: 'Asia/Shanghai', by: 'department' });
    const wb = await readBook(file);
    const list = wb.getWorksheet('名单')!;
    expect(list.getRow(1).values).toEqual([undefined, '姓名', '工号', '部门', '直属上级', '邮箱', '手机号', '考勤组', '人脸照片', '照片更新时间']);
    expect(list.getRow(2).getCell(8).value).toBe('已录入');
    expect(list.getRow(3).getCell(8).value).toBe('未录入');
    const when = list.getRow(2).getCell(9);
    expect(when.value).toBeInstanceOf(Date);
    // Excel shows the cell's fields as they are: 10:07, Shanghai time, not 02:07 UTC.
    expect((when.value as Date).toISOString()).toBe('2026-03-05T10:07:00.000Z');
    expect(when.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(list.getRow(3).getCell(9).value).toBeNull();
    // A would-be formula stays text in a text cell.
    expect(list.getRow(3).getCell(1).value).toBe('=HYPERLINK("http://x","y")');
    const byDept = wb.getWorksheet('按部门汇总')!;
    expect(byDept.getRow(1).values).toEqual([undefined, '部门', '人数', '已录入', '录入率', '未录入', '无权查看', '照片较旧']);
    expect(byDept.getRow(2).values).toEqual([undefined, '全公司', 2, 1, 0.5, 1, 0, 0]);
    expect(byDept.getRow(3).getCell(1).value).toBe('研发中心');
  });

  it('XLSX in English with a summary per group, times in another zone', async () => {
    const file = path.join(dir, 'list-en.xlsx');
    await writeCoverageReport(file, { rows, summary }, { lang: 'en-US', timeZone: 'America/New_York', by: 'group' });
    const wb = await readBook(file);
    const list = wb.getWorksheet('Employees')!;
    expect(list.getRow(1).getCell(2).value).toBe('Employee no.');
    expect(list.getRow(2).getCell(8).value).toBe('Enrolled');
    expect((list.getRow(2).getCell(9).value as Date).toISOString()).toBe('2026-03-04T21:07:00.000Z');
    const byGroup = wb.getWorksheet('By group')!;
    expect(byGroup.getRow(2).values).toEqual([undefined, '总部考勤组', 1, 1, 1, 0, 0, 0]);
    await writeCoverageReport(file, { rows, summary }, { lang: 'en-US', timeZone: 'America/New_York', by: 'department' });
    expect((await readBook(file)).getWorksheet('By department')!.getRow(2).getCell(1).value).toBe('Whole company');
  });

  it('CSV: BOM, translated headers, local times, formula-looking cells kept as text', async () => {
    const file = path.join(dir, 'list.csv');
    await writeCoverageReport(file, { rows, summary }, { lang: 'en-US', timeZone: 'Asia/Shanghai', by: 'department' });
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [header, one, two] = parseCsv(text);
    expect(header).toEqual(['Name', 'Employee no.', 'Department', 'Manager', 'Email', 'Mobile', 'Attendance group', 'Face photo', 'Photo last changed']);
    expect(one).toEqual(['梁军', 'E00001', '研发中心/测试组', '王芳', 'jun@example.com', "'+8613800138000", '总部考勤组', 'Enrolled', '2026-03-05 10:07']);
    expect(two!.slice(0, 3)).toEqual([`'=HYPERLINK("http://x","y")`, "'-1", "'@财务部"]);
    expect(two![7]).toBe('Not enrolled');
  });

  it('refuses a file that is neither .xlsx nor .csv, writing nothing', async () => {
    const file = path.join(dir, 'list.pdf');
    await expect(writeCoverageReport(file, { rows, summary }, { lang: 'en-US', timeZone: 'UTC', by: 'group' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });
    await expect(readFile(file)).rejects.toThrow();
  });
});
