// The export channels: start, cancel, retry the failures, the current job, and opening its results.
import { appError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import type { Core } from '../core/types';
import type { ExportJobs } from './export-jobs';
import { ensureWritableFolder } from './folder';
import type { AppHost } from './host';

type ExportKeys = 'exportStart' | 'exportCancel' | 'exportRetryFailed' | 'exportCurrent' | 'exportShowInFolder' | 'exportOpenManifest';

export interface ExportDeps {
  jobs: ExportJobs;
  requireCore(): Promise<Core>;
  exportFolder(): Promise<string>;
}


/** The ids of a filter selection less the ones the admin unticked. */
function withoutIds(ids: string[], except: readonly string[] | undefined): string[] {
  if (!except?.length) return ids;
  const drop = new Set(except);
  return ids.filter((id) => !drop.has(id));
}

export function exportHandlers(host: AppHost, { jobs, requireCore, exportFolder }: ExportDeps): Pick<Handlers, ExportKeys> {
  return {
    async exportStart({ selection, options }) {
      const core = await requireCore();
      if (jobs.running()) throw appError('export.busy', 'Another export is running');
      const outDir = await exportFolder();
      const ids = selection.kind === 'ids' ? [...new Set(selection.userIds)] : withoutIds(await core.employeeIds(selection.filter), selection.except);
      if (ids.length === 0) throw appError('input.invalid', 'No employees to export', { detail: 'selection' });
      const employees = await core.directory.employeesByIds(ids);
      return { jobId: jobs.start(core, employees, outDir, options) };
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
      return { jobId: jobs.start(await requireCore(), employees, job.outDir, job.options) };
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
