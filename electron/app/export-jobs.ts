// The app's export jobs: one runs at a time; its progress and summary go to the window as events.
// Finished jobs are pruned: only the last few are kept, and each keeps only the employees that failed
// (what "Retry failed" needs), never the whole list — an export of a large tenant holds 200k of them.
import { randomUUID } from 'node:crypto';
import { appError, isAppFailure, toAppError, type AppError } from '../../shared/errors';
import type { Employee, ExportOptions, ExportProgress, ExportSummary } from '../../shared/model';
import type { Core } from '../core/types';
import type { AppHost } from './host';

/** Finished jobs kept for "Retry failed", "Show in folder" and "Open manifest"; older ones are forgotten. */
export const KEEP_FINISHED_JOBS = 3;

export interface Job {
  jobId: string;
  /** While running: everyone in the export. Once finished: only those that failed. */
  employees: Employee[];
  outDir: string;
  options: ExportOptions;
  /** Why the admin exports, as typed before the first export: a "Retry failed" of this job is audited with it. */
  purpose?: string;
  controller: AbortController;
  progress: ExportProgress;
  summary: ExportSummary | null;
}

export type FinishedJob = Job & { summary: ExportSummary };

export interface ExportJobs {
  /** Starts an export in the background; export.busy while another one runs. */
  start(core: Core, employees: Employee[], outDir: string, options: ExportOptions, purpose?: string): string;
  /** The job, running or finished; export.not_found when unknown or pruned. */
  get(jobId: string): Job;
  /** A finished job; export.busy while it still runs. */
  finished(jobId: string): FinishedJob;
  /** The running job, else the last one started. */
  current(): Job | null;
  running(): Job | null;
  abortRunning(): void;
  /** Jobs held in memory (running and finished). */
  size(): number;
}

function emptyProgress(jobId: string, total: number): ExportProgress {
  return { jobId, phase: 'preparing', total, done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0, rate: 0, etaSeconds: null };
}

/** When the exporter itself fails (folder vanished, disk full), every employee is reported failed. */
function failedSummary(job: Job, error: AppError, startedAt: number): ExportSummary {
  return {
    jobId: job.jobId,
    outDir: job.outDir,
    total: job.employees.length,
    saved: 0,
    upToDate: 0,
    noPhoto: 0,
    failed: job.employees.length,
    cancelled: error.code === 'export.cancelled',
    failures: job.employees.map((e) => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo, error })),
    manifestPath: '',
    zipPath: null,
    durationMs: Date.now() - startedAt,
  };
}

/** The progress a job ends with: its last one, marked done or cancelled (all failed when the exporter threw). */
function finalProgress(progress: ExportProgress, summary: ExportSummary, threw: boolean): ExportProgress {
  const phase = summary.cancelled ? 'cancelled' : 'done';
  if (threw) return { ...progress, phase, done: summary.total, failed: summary.failed, saved: 0, upToDate: 0, noPhoto: 0, etaSeconds: null };
  if (progress.phase === 'done' || progress.phase === 'cancelled') return progress;
  return { ...progress, phase, etaSeconds: null };
}

export function createExportJobs(host: AppHost, keepFinished: number = KEEP_FINISHED_JOBS): ExportJobs {
  const log = host.log;
  const jobs = new Map<string, Job>();
  let running: Job | null = null;
  let lastJob: Job | null = null;

  async function run(core: Core, job: Job): Promise<{ summary: ExportSummary; threw: boolean }> {
    const startedAt = Date.now();
    try {
      const summary = await core.exporter.run({
        employees: job.employees,
        outDir: job.outDir,
        options: job.options,
        jobId: job.jobId,
        signal: job.controller.signal,
        onProgress: (p) => {
          job.progress = p;
          host.emit('exportProgress', p);
        },
      });
      return { summary, threw: false };
    } catch (e) {
      const error = toAppError(e);
      if (!isAppFailure(e)) log.error('export failed', { jobId: job.jobId, error: e instanceof Error ? e.message : String(e) });
      else log.warn('export failed', { jobId: job.jobId, code: error.code });
      return { summary: failedSummary(job, error, startedAt), threw: true };
    }
  }

  /** Forgets the oldest finished jobs beyond the bound; the running one always stays. */
  function prune(): void {
    const finished = [...jobs.values()].filter((j) => j.summary);
    for (const old of finished.slice(0, Math.max(0, finished.length - keepFinished))) jobs.delete(old.jobId);
  }

  function finish(job: Job, summary: ExportSummary, threw: boolean): void {
    job.summary = summary;
    job.progress = finalProgress(job.progress, summary, threw);
    const failedIds = new Set(summary.failures.map((f) => f.userId));
    job.employees = job.employees.filter((e) => failedIds.has(e.userId));
    if (running === job) running = null;
    prune();
    const { total, saved, upToDate, noPhoto, failed, cancelled } = summary;
    log.info('export finished', { jobId: job.jobId, total, saved, upToDate, noPhoto, failed, cancelled });
    host.emit('exportDone', summary);
  }

  function get(jobId: string): Job {
    const job = jobs.get(jobId);
    if (!job) throw appError('export.not_found', 'No such export');
    return job;
  }

  return {
    start(core, employees, outDir, options, purpose) {
      if (running) throw appError('export.busy', 'Another export is running');
      const jobId = randomUUID();
      const job: Job = { jobId, employees, outDir, options, ...(purpose ? { purpose } : {}), controller: new AbortController(), progress: emptyProgress(jobId, employees.length), summary: null };
      jobs.set(jobId, job);
      running = job;
      lastJob = job;
      host.emit('exportProgress', job.progress);
      void run(core, job).then(({ summary, threw }) => finish(job, summary, threw));
      return jobId;
    },
    get,
    finished(jobId) {
      const job = get(jobId);
      if (!job.summary) throw appError('export.busy', 'The export is still running');
      return job as FinishedJob;
    },
    current: () => running ?? lastJob,
    running: () => running,
    abortRunning: () => running?.controller.abort(),
    size: () => jobs.size,
  };
}
