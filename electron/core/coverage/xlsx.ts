// The coverage list as an Excel workbook (exceljs): the list of employees (filter row, frozen header, real date
// cells in local time) and a summary sheet with one row per department or per attendance group.
import ExcelJS from 'exceljs';
import { shareOf, type Coverage, type CoverageCounts, type DepartmentCoverage, type ReportLanguage } from '../../../shared/coverage';
import { ROW_KEYS } from './csv';
import { reportLabels, type ReportLabels } from './labels';
import { spreadsheetDate } from './local-time';
import type { CoverageRow } from './rows';

export type SummaryBy = 'department' | 'group';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm';
const WIDTHS: Record<(typeof ROW_KEYS)[number], number> = {
  name: 14,
  employeeNo: 10,
  departmentPath: 30,
  manager: 14,
  email: 30,
  mobile: 16,
  groups: 20,
  status: 18,
  updatedAt: 18,
};

function listSheet(wb: ExcelJS.Workbook, rows: readonly CoverageRow[], labels: ReportLabels, timeZone: string): void {
  const ws = wb.addWorksheet(labels.sheets.list, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = ROW_KEYS.map((key) => ({ header: labels.columns[key], key, width: WIDTHS[key] }));
  for (const r of rows) {
    // Strings stay strings: an XLSX text cell is never a formula, so no guard is needed here.
    ws.addRow({ ...r, status: labels.status[r.status], updatedAt: r.updatedAt === null ? null : spreadsheetDate(r.updatedAt, timeZone) });
  }
  ws.getColumn('updatedAt').numFmt = DATE_FORMAT;
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ROW_KEYS.length } };
}

const COUNT_KEYS = ['total', 'enrolled', 'share', 'notEnrolled', 'notVisible', 'stale'] as const;

function countCells(c: CoverageCounts): Record<(typeof COUNT_KEYS)[number], number | null> {
  return { ...c, share: shareOf(c) };
}

function summarySheet(wb: ExcelJS.Workbook, summary: Coverage, by: SummaryBy, labels: ReportLabels): void {
  const s = labels.summary;
  const ws = wb.addWorksheet(by === 'department' ? labels.sheets.byDepartment : labels.sheets.byGroup, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: by === 'department' ? s.department : s.group, key: 'name', width: 32 },
    ...COUNT_KEYS.map((key) => ({ header: s[key], key, width: 12 })),
  ];
  ws.getRow(1).font = { bold: true };
  ws.getColumn('share').numFmt = '0.0%';
  if (by === 'group') {
    for (const g of summary.groups) ws.addRow({ name: g.name, ...countCells(g.counts) });
    return;
  }
  // Depth-first, each level indented, so the sheet reads as the department tree.
  const add = (d: DepartmentCoverage, depth: number) => {
    const row = ws.addRow({ name: d.id === '0' ? s.company : d.name, ...countCells(d.counts) });
    row.getCell('name').alignment = { indent: depth };
    if (depth === 0) row.font = { bold: true };
    for (const c of d.children) add(c, depth + 1);
  };
  add(summary.company, 0);
}

export async function coverageXlsx(
  report: { rows: readonly CoverageRow[]; summary: Coverage },
  opts: { lang: ReportLanguage; timeZone: string; by: SummaryBy },
): Promise<Uint8Array> {
  const labels = reportLabels(opts.lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Face Photo Admin';
  listSheet(wb, report.rows, labels, opts.timeZone);
  summarySheet(wb, report.summary, opts.by, labels);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
