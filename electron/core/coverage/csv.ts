// The coverage list as CSV for Excel: UTF-8 with a BOM, translated headers and statuses, local times, and every
// cell a spreadsheet would run as a formula kept as text (the manifest's guard).
import { stringify } from 'csv-stringify/sync';
import type { ReportLanguage } from '../../../shared/coverage';
import { guard } from '../manifest';
import { reportLabels } from './labels';
import { localText } from './local-time';
import type { CoverageRow } from './rows';

const BOM = '\ufeff';
export const ROW_KEYS = ['name', 'employeeNo', 'departmentPath', 'manager', 'email', 'mobile', 'groups', 'status', 'updatedAt'] as const;

/** One row's cells as text, in ROW_KEYS order. */
export function rowTexts(r: CoverageRow, lang: ReportLanguage, timeZone: string): string[] {
  const status = reportLabels(lang).status[r.status];
  const updated = r.updatedAt === null ? '' : localText(r.updatedAt, timeZone);
  return [r.name, r.employeeNo, r.departmentPath, r.manager, r.email, r.mobile, r.groups, status, updated];
}

export function coverageCsv(rows: readonly CoverageRow[], lang: ReportLanguage, timeZone: string): string {
  const columns = reportLabels(lang).columns;
  const body = stringify(
    rows.map((r) => rowTexts(r, lang, timeZone).map(guard)),
    { header: true, columns: ROW_KEYS.map((k) => columns[k]), record_delimiter: '\r\n' },
  );
  return BOM + body;
}
