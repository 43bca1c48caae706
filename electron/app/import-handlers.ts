// The import wizard's channels: a folder from main's dialog (kept here; the renderer sees only its name), a live
// preview of how a match template reads the first files, the plan, then one run at a time with progress the
// renderer polls, cancel, and the summary. Each import run is one audit entry with the same fields as the CLI's:
// the folder's full path (main knows it; an auditor needs more than a name), the files, the archive.
import { randomBytes } from 'node:crypto';
import { basename, posix } from 'node:path';
import { appError, isAppFailure } from '../../shared/errors';
import { checkMatchTemplate, importMatcher } from '../../shared/import-naming';
import type { Handlers } from '../../shared/ipc';
import type { ImportJobView, ImportPlanView } from '../../shared/photo-change-model';
import { importFiles, planImport, runImport, type ImportPlan } from '../core/photo-change/index';
import type { TenantSession } from '../core/session';
import type { AppHost } from './host';
import { auditChange, changeDeps, requireWriteScope, type PhotoChangeContext } from './photo-change-context';

type ImportKeys = 'importChooseFolder' | 'importPreview' | 'importPlan' | 'importStart' | 'importCancel' | 'importCurrent';

const PREVIEW_FILES = 5;

interface Job {
  view: ImportJobView;
  controller: AbortController;
}

/** The plan as the renderer shows it: no bytes, no paths beyond the folder-relative file names. */
function planView(plan: ImportPlan): ImportPlanView {
  return {
    template: plan.template,
    replace: plan.replace,
    items: plan.items.map((it) => ({ file: it.file, outcome: it.outcome, ...(it.employee ? { employee: it.employee } : {}), ...(it.reason ? { reason: it.reason } : {}) })),
    counts: plan.counts,
  };
}

/** A template error said as input.invalid before any file is read. */
function checkedTemplate(template: string): string {
  const t = template.trim();
  checkMatchTemplate(t);
  return t;
}

/**
 * One import run in the background: its progress and then its summary land in job.view (the renderer polls it), and
 * it is audited once, with the same fields as the CLI's. A failure of the run as a whole is a summary too.
 */
async function runJob(host: AppHost, ctx: PhotoChangeContext, tenant: TenantSession, plan: ImportPlan, job: Job): Promise<void> {
  try {
    const deps = changeDeps(tenant, ctx);
    const s = await runImport(deps, plan, { signal: job.controller.signal, onProgress: (p) => (job.view.progress = p) });
    await auditChange(host, tenant, 'photo.import', { folder: plan.dir, template: plan.template, replace: plan.replace, files: plan.items.length, archive: deps.archive.dir, planned: s.planned, enrolled: s.enrolled, replaced: s.replaced, failed: s.failed.length, cancelled: s.cancelled, userIds: s.changes.map((c) => c.userId), via: 'app import' });
    job.view.summary = { planned: s.planned, enrolled: s.enrolled, replaced: s.replaced, alreadyDone: s.alreadyDone, notStarted: s.notStarted, cancelled: s.cancelled, durationMs: s.durationMs, failed: s.failed };
  } catch (e) {
    const error = isAppFailure(e) ? e.info : { code: 'internal' as const, message: 'Unexpected error' };
    host.log.warn('import failed', { code: error.code });
    const p = job.view.progress;
    job.view.summary = { planned: p.total, enrolled: 0, replaced: 0, alreadyDone: 0, notStarted: p.total - p.done, cancelled: false, durationMs: 0, failed: [{ file: '', userId: '', name: '', error }] };
  }
}

export function importHandlers(host: AppHost, ctx: PhotoChangeContext): Pick<Handlers, ImportKeys> & { abortRunning(): void } {
  let folder: string | null = null;
  let plan: ImportPlan | null = null;
  let job: Job | null = null;
  const requireFolder = () => {
    if (!folder) throw appError('input.invalid', 'Choose the folder of photos first', { detail: 'no folder chosen' });
    return folder;
  };
  const running = () => Boolean(job && !job.view.summary);

  return {
    abortRunning: () => job?.controller.abort(),

    async importChooseFolder() {
      await requireWriteScope(await ctx.requireTenant());
      if (!host.chooseImportFolder) throw appError('internal', 'This host cannot open folders');
      const chosen = await host.chooseImportFolder();
      if (!chosen) return null;
      const files = await importFiles(chosen).catch(() => {
        throw appError('input.invalid', 'The folder cannot be read', { detail: basename(chosen) });
      });
      folder = chosen;
      plan = null;
      return { folderName: basename(chosen), files: files.length };
    },

    async importPreview({ template }) {
      const t = checkedTemplate(template);
      const dir = requireFolder();
      const tenant = await ctx.requireTenant();
      const files = (await importFiles(dir)).slice(0, PREVIEW_FILES);
      const employees = await tenant.core.directory.employees({ kind: 'all' });
      const match = importMatcher(employees, t);
      return files.map((file) => {
        const found = match(posix.basename(file)).employees;
        return { file, matches: found.slice(0, 3).map((e) => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo })), more: Math.max(0, found.length - 3) };
      });
    },

    async importPlan({ template, replace }) {
      const t = checkedTemplate(template);
      const dir = requireFolder();
      if (running()) throw appError('input.invalid', 'An import is running', { detail: 'wait for the running import to finish or cancel it' });
      const tenant = await ctx.requireTenant();
      plan = await planImport(tenant.core, dir, { template: t, replace });
      return planView(plan);
    },

    async importStart() {
      if (running()) throw appError('input.invalid', 'An import is running', { detail: 'wait for the running import to finish or cancel it' });
      if (!plan) throw appError('input.invalid', 'Make the plan first', { detail: 'no plan' });
      const tenant = await ctx.requireTenant();
      await requireWriteScope(tenant);
      const thePlan = plan;
      plan = null; // a plan is carried out once; a second run plans again
      const id = randomBytes(8).toString('hex');
      const current: Job = { controller: new AbortController(), view: { jobId: id, progress: { done: 0, total: 0, changed: 0, failed: 0, rate: 0, etaSeconds: null }, summary: null } };
      job = current;
      void runJob(host, ctx, tenant, thePlan, current);
      return { jobId: id };
    },

    async importCancel({ jobId }) {
      if (job?.view.jobId === jobId) job.controller.abort();
      return { ok: true as const };
    },

    async importCurrent() {
      return job ? structuredClone(job.view) : null;
    },
  };
}
