// `report coverage` as an admin runs it: the file opened with a real XLSX reader (exceljs), the CSV as Excel sees
// it, headers and statuses in the asked or the system's language, times in the machine's local time.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { demoSimulatorOptions } from '../simulator/demo';
import { cliTenant, ndjson, runCli } from './cli.testkit';
import { parseCsv } from '../core/manifest';

const tenant = cliTenant({ ...demoSimulatorOptions(), latencyMs: 0, latencyJitterMs: 0 });

const active = () => tenant.sim.tenant.users.filter((u) => !u.status.is_resigned);
/** "2026-03-05 10:07" for Unix seconds, in Shanghai (UTC+8, no daylight saving): counted here by hand. */
const shanghai = (unix: number) => new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');

async function readBook(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe('cli report coverage', { timeout: 300_000 }, () => {
  it('writes an XLSX a reader opens: translated columns, statuses, local date cells, a summary per department', async () => {
    const out = join(tenant.work, 'coverage.xlsx');
    const who = active().find((u) => tenant.sim.tenant.faces.has(u.user_id))!;
    const notVisible = active().find((u) => u !== who)!;
    tenant.sim.switches.unknownUserMode = 'error';
    tenant.sim.switches.outOfRangeUserIds.add(notVisible.user_id);
    const run = await runCli(['report', 'coverage', '--out', out, '--lang', 'zh-CN'], { env: tenant.env({ TZ: 'Asia/Shanghai' }) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`of ${active().length} enrolled`);

    const wb = await readBook(out);
    const list = wb.getWorksheet('名单')!;
    expect(list.getRow(1).values).toEqual([undefined, '姓名', '工号', '部门', '直属上级', '邮箱', '手机号', '考勤组', '人脸照片', '照片更新时间']);
    expect(list.rowCount).toBe(active().length + 1);
    const rowOf = (no: string) => list.getRows(2, list.rowCount - 1)!.find((r) => r.getCell(2).value === no)!;
    const row = rowOf(who.employee_no);
    expect(row.getCell(1).value).toBe(who.name);
    expect(row.getCell(5).value).toBe(who.email);
    expect(row.getCell(6).value).toBe(who.mobile);
    expect(String(row.getCell(8).value)).toMatch(/^已录入/);
    const when = row.getCell(9).value as Date;
    expect(when).toBeInstanceOf(Date);
    expect(when.toISOString().slice(0, 16).replace('T', ' ')).toBe(shanghai(Number(tenant.sim.tenant.faces.get(who.user_id)!.face_key_update_time)));
    expect(rowOf(notVisible.employee_no).getCell(8).value).toBe('无权查看');
    // Someone has a manager's name filled in.
    expect(list.getRows(2, list.rowCount - 1)!.filter((r) => r.getCell(4).value).length).toBeGreaterThan(active().length / 2);

    const summary = wb.getWorksheet('按部门汇总')!;
    const enrolled = active().filter((u) => tenant.sim.tenant.faces.has(u.user_id) && u !== notVisible).length;
    expect(summary.getRow(2).values).toEqual([undefined, '全公司', active().length, enrolled, enrolled / active().length, active().length - enrolled - 1, 1, expect.any(Number)]);
    expect(summary.rowCount).toBe(tenant.sim.tenant.departments.length + 2);
  });

  it('writes a CSV in English with a BOM, formula-safe cells, and a JSON line for scripts', async () => {
    const out = join(tenant.work, 'coverage.csv');
    const group = tenant.sim.tenant.groups[1]!;
    const run = await runCli(['report', 'coverage', '--group', group.group_name, '--by', 'group', '--out', out, '--lang', 'en-US', '--json'], {
      env: tenant.env({ TZ: 'Asia/Shanghai' }),
    });
    expect(run.code).toBe(0);
    const members = active().filter((u) => group.user_ids.includes(u.user_id));
    expect(ndjson(run.stdout)).toEqual([expect.objectContaining({ type: 'report', format: 'csv', lang: 'en-US', employees: members.length })]);
    const text = await readFile(out, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['Name', 'Employee no.', 'Department', 'Manager', 'Email', 'Mobile', 'Attendance group', 'Face photo', 'Photo last changed']);
    expect(rows).toHaveLength(members.length);
    const u = members.find((m) => tenant.sim.tenant.faces.has(m.user_id))!;
    const row = rows.find((r) => r[1] === u.employee_no)!;
    // "+86…" would be a formula to Excel: kept as text with a leading apostrophe, as in the manifest.
    expect(row[5]).toBe(`'${u.mobile}`);
    expect(row[6]).toContain(group.group_name);
    expect(row[8]).toBe(shanghai(Number(tenant.sim.tenant.faces.get(u.user_id)!.face_key_update_time)));
    for (const r of rows) expect(['Enrolled', 'Enrolled (old photo)', 'Not enrolled', 'Not visible']).toContain(r[7]);
  });

  it('takes the language from the system when --lang is not given', async () => {
    for (const [lang, first] of [['zh_CN.UTF-8', '姓名'], ['en_US.UTF-8', 'Name']] as const) {
      const out = join(tenant.work, `${lang}.csv`);
      const run = await runCli(['report', 'coverage', '--out', out], { env: tenant.env({ LANG: lang, LC_ALL: undefined, LC_MESSAGES: undefined }) });
      expect(run.code).toBe(0);
      expect(parseCsv(await readFile(out, 'utf8'))[0]![0]).toBe(first);
    }
  });

  it('refuses bad options with one line and exit 2, writing nothing', async () => {
    const out = join(tenant.work, 'bad.xlsx');
    const cases: [string[], RegExp][] = [
      [['--stale-months', 'six'], /--stale-months must be a whole number/],
      [['--department', '研发中心', '--group', 'x'], /at most one of --department and --group/],
      [['--department', 'no-such-department'], /No department has the id, name or path/],
      [['--lang', 'fr-FR'], /Allowed choices are zh-CN, en-US/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['report', 'coverage', '--out', out, ...args], { env: tenant.env() });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    const pdf = await runCli(['report', 'coverage', '--out', join(tenant.work, 'list.pdf')], { env: tenant.env() });
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toMatch(/must be a \.xlsx or \.csv file/);
  });
});
