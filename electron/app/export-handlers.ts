// The export channels: start, cancel, retry the failures, the current job, and opening its results.
import { appError } from '../../shared/errors';
import type { Handlers, ParsedRequestOf } from '../../shared/ipc';
import type { Core } from '../core/types';
import type { AuditFields } from '../core/audit/index';
import type { AuditTrail } from './audit-trail';
import type { ExportJobs } from './export-jobs';
import type { ExportNotice } from './export-notice';
import { ensureWritableFolder } from './folder';
import type { AppHost } from './host';

type ExportKeys = 'exportStart' | 'exportCancel' | 'exportRetryFailed' | 'exportCurrent' | 'exportShowInFolder' | 'exportOpenManifest';

export interface ExportDeps {
  jobs: ExportJobs;
  requireCore(): Promise<Core>;
  exportFolder(): Promise<string>;
  audit?: Pick<AuditTrail, 'record'>;
  notice?: ExportNotice;
  /** The signed-in tenant's label (the notice is remembered per tenant). */
  currentTenant?(): string | null;
}


/** The ids of a filter selection less the ones the admin unticked. */
function withoutIds(ids: string[], except: readonly string[] | undefined): string[] {
  if (!except?.length) return ids;
  const drop = new Set(except);
  return ids.filter((id) => !drop.has(id));
}

/** What the audit entry says about an export: scope or filter, who, where, ZIP or not, and why. */
function exportFields(req: ParsedRequestOf<'exportStart'>, userIds: string[], folder: string, retryOf?: string): AuditFields {
  const { selection, options } = req;
  return {
    scope: retryOf ? 'retry' : selection.kind === 'ids' ? 'selection' : 'filter',
    filter: selection.kind === 'filter' ? { ...selection.filter } : undefined,
    unticked: selection.kind === 'filter' ? (selection.except?.length ?? 0) : undefined,
    employees: userIds.length,
    userIds,
    folder,
    zip: options.zip,
    subfolders: options.subfolders,
    template: options.template,
    purpose: req.purpose || null,
    retryOf,
  };
}

export function exportHandlers(host: AppHost, deps: ExportDeps): Pick<Handlers, ExportKeys> {
  const { jobs, requireCore, exportFolder, audit } = deps;
  return {
    async exportStart(req) {
      const { selection, options } = req;
      const core = await requireCore();
      if (jobs.running()) throw appError('export.busy', 'Another export is running');
      const outDir = await exportFolder();
      const ids = selection.kind === 'ids' ? [...new Set(selection.userIds)] : withoutIds(await core.employeeIds(selection.filter), selection.except);
      if (ids.length === 0) throw appError('input.invalid', 'No employees to export', { detail: 'selection' });
      const employees = await core.directory.employeesByIds(ids);
      const jobId = jobs.start(core, employees, outDir, options, req.purpose || undefined);
      await audit?.record('export', { ...exportFields(req, employees.map((e) => e.userId), outDir), jobId });
      // The admin has now read the first-export notice for this tenant (the renderer shows it before the first start).
      const tenant = deps.currentTenant?.();
      if (tenant) await deps.notice?.seen(tenant).catch((e: unknown) => host.log.warn('could not remember the export notice', { error: String(e) }));
      return { jobId };
    },

    async exportCancel({ jobId }) {
      const job = jobs.get(jobId);
      if (!job.summary) job.controller.abort();
      return { ok: true as const };
    },

    async exportRetryFailed({ jobId }) {
      const job = jobs.finished(jobId);
      // A finished job keeps only the employees that failed.
      const failedIds = new Set(job.summary.failures.map((f) => f.userId));
      const employees = job.employees.filter((e) => failedIds.has(e.userId));
      if (employees.length === 0) throw appError('input.invalid', 'Nothing failed in this export', { detail: 'jobId' });
      await ensureWritableFolder(job.outDir);
      // The retry carries the purpose of the export it retries (and passes it on to a retry of itself).
      const retryId = jobs.start(await requireCore(), employees, job.outDir, job.options, job.purpose);
      const ids = employees.map((e) => e.userId);
      const again = { selection: { kind: 'ids' as const, userIds: ids }, options: job.options, ...(job.purpose ? { purpose: job.purpose } : {}) };
      await audit?.record('export', { ...exportFields(again, ids, job.outDir, jobId), jobId: retryId });
      return { jobId: retryId };
    },

    async exportCurrent() {
      const job = jobs.current();
      if (!job) return null;
      return { progress: job.progress, summary: job.summary };
    },

    async exportShowInFolder({ jobId }) {
      const { summary } = jobs.finished(jobId);
      await host.showItemInFolder(summary.zipPath ?? (summary.manifestPath || summary.outDir));
      return { ok: true as const };
    },

    async exportOpenManifest({ jobId }) {
      const { summary } = jobs.finished(jobId);
      if (!summary.manifestPath) throw appError('export.not_found', 'This export has no manifest');
      await host.openPath(summary.manifestPath);
      return { ok: true as const };
    },
  };
}
