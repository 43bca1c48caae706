// The coverage view's channels (录入情况): the figures, and "export list" through the native save dialog.
// The renderer names the scope, language and format; main picks the path with the admin, never the renderer.
// A saved list is personal data leaving the tool (names, contacts, photo status; never a photo): one audit entry.
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { appError, toAppError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import { systemTimeZone } from '../core/coverage/local-time';
import { writeCoverageReport } from '../core/coverage/write';
import type { Core } from '../core/types';
import type { AuditTrail } from './audit-trail';
import type { AppHost } from './host';

type CoverageKeys = 'coverage' | 'coverageExport';

/** The file name the save dialog proposes: coverage-2026-11-30.xlsx (local date). */
export function coverageFileName(now: Date, format: 'xlsx' | 'csv'): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `coverage-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}.${format}`;
}

export function coverageHandlers(host: AppHost, requireCore: () => Promise<Core>, audit?: Pick<AuditTrail, 'record'>): Pick<Handlers, CoverageKeys> {
  return {
    async coverage({ staleMonths }) {
      return (await requireCore()).coverage(staleMonths);
    },

    async coverageExport({ scope, staleMonths, lang, by, format }) {
      const core = await requireCore();
      // Read first: a tenant problem is reported before the admin picks a file.
      const report = await core.coverageReport(scope, staleMonths);
      const chosen = await host.chooseSavePath(coverageFileName(new Date(), format));
      if (!chosen) return null;
      // The admin may have deleted the extension in the dialog: the format they asked for decides.
      const path = extname(chosen).toLowerCase() === `.${format}` ? chosen : `${chosen}.${format}`;
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeCoverageReport(path, report, { lang, timeZone: systemTimeZone(), by });
      } catch (e) {
        const code = toAppError(e).code;
        throw appError(code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', 'The list could not be saved', { detail: path });
      }
      await audit?.record('coverage.export', { filter: { ...scope }, employees: report.rows.length, file: path, format, lang, by, staleMonths, via: 'app coverage' });
      return { path, rows: report.rows.length };
    },
  };
}
