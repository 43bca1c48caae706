// Writes the coverage list to the file the admin named, as XLSX or CSV by its extension, atomically (a reader
// never sees half a file; an existing file is replaced only once the new one is complete).
import path from 'node:path';
import { appError } from '../../../shared/errors';
import type { Coverage, ReportLanguage } from '../../../shared/coverage';
import { writeAtomic } from '../../util/write-atomic';
import { coverageCsv } from './csv';
import type { CoverageRow } from './rows';
import { coverageXlsx, type SummaryBy } from './xlsx';

export type ReportFormat = 'xlsx' | 'csv';

/** xlsx or csv from the file name; anything else is input.invalid (nothing is written). */
export function reportFormatOf(file: string): ReportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv') return 'csv';
  throw appError('input.invalid', 'The list must be a .xlsx or .csv file', { detail: path.basename(file) });
}

export interface WriteReportOptions {
  lang: ReportLanguage;
  timeZone: string;
  by: SummaryBy;
}

export async function writeCoverageReport(
  file: string,
  report: { rows: readonly CoverageRow[]; summary: Coverage },
  opts: WriteReportOptions,
): Promise<{ format: ReportFormat; bytes: number }> {
  const format = reportFormatOf(file);
  const bytes = format === 'xlsx' ? await coverageXlsx(report, opts) : new TextEncoder().encode(coverageCsv(report.rows, opts.lang, opts.timeZone));
  // writeAtomic's default refuses to follow a symlink at the temp name; a re-run replaces the old list.
  await writeAtomic(path.resolve(file), bytes);
  return { format, bytes: bytes.byteLength };
}
