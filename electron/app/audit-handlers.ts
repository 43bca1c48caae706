// The audit and local-data channels: the detail-view hook, the audit table with its chain check, the CSV
// export through the native save dialog (the renderer never sends a path), the first-export notice, the
// privacy summary and "Erase all local data".
import { appError, toAppError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import { auditCsv, readLog, verifyLog } from '../core/audit/index';
import type { Core } from '../core/types';
import { writeAtomic } from '../util/write-atomic';
import type { AuditTrail } from './audit-trail';
import { auditView, distinctEmployees } from './audit-view';
import type { ExportNotice } from './export-notice';
import type { AppHost } from './host';
import { cachedPhotos, eraseLocalData, localDataFolders } from './local-data';

type AuditKeys = 'detailOpened' | 'auditLog' | 'auditExportCsv' | 'exportNoticeNeeded' | 'privacySummary' | 'dataErase';

export interface AuditDeps {
  audit: AuditTrail;
  notice: ExportNotice;
  requireCore(): Promise<Core>;
  /** The signed-in tenant's label, or null. */
  currentTenant(): string | null;
  /** Before an erase: the running export is cancelled and the signed-in tenant's photo cache emptied. */
  beforeErase(): Promise<void>;
}

/** audit-log-2026-01-31.csv: the day in the admin's local time. */
function csvName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `audit-log-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}

export function auditHandlers(host: AppHost, deps: AuditDeps): Pick<Handlers, AuditKeys> {
  const { audit, notice } = deps;
  return {
    async detailOpened({ userId }) {
      await deps.requireCore();
      await audit.record('detail.open', { userId });
      return { ok: true as const };
    },

    async auditLog() {
      const [entries, check] = await Promise.all([readLog(audit.file), verifyLog(audit.file)]);
      return auditView(entries, check);
    },

    async auditExportCsv() {
      const entries = await readLog(audit.file);
      const path = await host.chooseSavePath(csvName());
      if (!path) return null;
      try {
        await writeAtomic(path, Buffer.from(auditCsv(entries), 'utf8'));
      } catch (e) {
        throw appError(toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', 'The audit log could not be saved', { detail: path });
      }
      return { path, entries: entries.length };
    },

    async exportNoticeNeeded() {
      await deps.requireCore();
      const tenant = deps.currentTenant();
      return { needed: tenant !== null && (await notice.needed(tenant)) };
    },

    async privacySummary() {
      const [photos, entries] = await Promise.all([cachedPhotos(host), readLog(audit.file)]);
      return { cachedPhotos: photos.files, employees: distinctEmployees(entries), oldestCachedAt: photos.oldest };
    },

    async dataErase() {
      await deps.beforeErase();
      const fields = { folders: [...localDataFolders(host).map((f) => f.name), 'audit'] };
      // Recorded first, so the erase is the last thing the old log says, should the erase stop before it goes.
      await audit.record('data.erase', fields);
      const { failed } = await eraseLocalData(host);
      if (failed.length) host.log.warn('some local data could not be erased', { folders: failed.join(', ') });
      // The new log starts with the erase: who erased, and when, stays on record (it names no employee).
      if (!failed.includes('audit')) await audit.record('data.erase', { ...fields, failed });
      return { failed };
    },
  };
}
