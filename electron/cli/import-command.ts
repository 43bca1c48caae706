// `import --from DIR`: a folder of photos matched to employees by file name, planned, shown, confirmed, then
// carried out with progress. Exit 0 when every planned change was made and every file could be imported, 1 when
// some file failed or could not be imported (each listed with its reason), 2 for usage or configuration problems
// (a missing attendance:rule, found before anything is planned), 130/143/129 when stopped by a signal.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../shared/errors';
import { checkMatchTemplate, DEFAULT_MATCH_TEMPLATE } from '../../shared/import-naming';
import { NOT_IMPORTABLE, photoChangeDeps, planImport, runImport, type ImportItem, type ImportPlan, type ImportProgress, type ImportRunSummary } from '../core/photo-change/index';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../core/photo-prep';
import { auditPhotoChange } from './audit-command';
import { confirmChange, type ConfirmIo } from './confirm';
import { EXIT, describeError, isBlockingError } from './messages';
import { requireWriteScope } from './photo-commands';
import type { Reporter } from './report';
import type { Session } from './session';

export interface ImportFlags {
  from: string;
  match?: string;
  replace?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  maxBytes?: number;
  io?: ConfirmIo;
}

const ITEMS_SHOWN = 60;
const PROGRESS_EVERY_MS = 1000;

const LABEL: Record<ImportItem['outcome'], string> = {
  enrol: 'enrol',
  replace: 'replace',
  same_photo: 'same photo',
  has_photo: 'has photo (skipped; --replace to change)',
  no_such_employee: 'no such employee',
  ambiguous: 'ambiguous',
  invalid: 'invalid image',
  not_visible: 'not visible (attendance data range)',
};

async function sourceFolder(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const st = await stat(abs).catch(() => null);
  if (!st?.isDirectory()) throw appError('input.invalid', `--from ${abs} is not a folder`, { detail: 'pass the folder that holds the photos' });
  return abs;
}

function itemLine(it: ImportItem): string {
  const who = it.employee ? ` → ${it.employee.name}${it.employee.employeeNo ? ` #${it.employee.employeeNo}` : ''} (${it.employee.userId})` : '';
  const cands = it.candidates?.length ? `: ${it.candidates.map((c) => `${c.name} #${c.employeeNo || '-'} (${c.userId})`).join(', ')}` : '';
  const why = it.reason && it.outcome !== 'ambiguous' ? ` — ${[it.reason.code, it.reason.detail].filter(Boolean).join(': ')}` : it.reason ? ` — ${it.reason.detail}` : '';
  return `  ${LABEL[it.outcome].padEnd(18)} ${it.file}${who}${cands}${why}`;
}

function showPlan(plan: ImportPlan, reporter: Reporter): void {
  const c = plan.counts;
  const order: ImportItem['outcome'][] = ['enrol', 'replace', 'invalid', 'no_such_employee', 'ambiguous', 'not_visible', 'has_photo', 'same_photo'];
  const items = [...plan.items].sort((a, b) => order.indexOf(a.outcome) - order.indexOf(b.outcome));
  const lines = [
    `Import plan for ${plan.dir} (match ${plan.template}${plan.replace ? ', --replace' : ''}): ${plan.items.length} file(s)`,
    `  enrol ${c.enrol} · replace ${c.replace} · same photo ${c.same_photo} · has photo ${c.has_photo} · no such employee ${c.no_such_employee} · ambiguous ${c.ambiguous} · invalid ${c.invalid}${c.not_visible ? ` · not visible ${c.not_visible}` : ''}`,
    ...items.slice(0, ITEMS_SHOWN).map(itemLine),
  ];
  if (items.length > ITEMS_SHOWN) lines.push(`  … and ${items.length - ITEMS_SHOWN} more (--json lists every file)`);
  reporter.result(lines.join('\n'), {
    type: 'plan',
    dir: plan.dir,
    template: plan.template,
    replace: plan.replace,
    counts: plan.counts,
    items: plan.items.map(({ prepared: _p, current, ...it }) => ({ ...it, ...(current ? { currentFaceKey: current.faceKey } : {}) })),
  });
}

function progressPrinter(reporter: Reporter): (p: ImportProgress) => void {
  let last = 0;
  const tty = Boolean(process.stderr.isTTY);
  return (p) => {
    const now = Date.now();
    if (p.done !== p.total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    const eta = p.etaSeconds === null ? '' : `, ETA ${p.etaSeconds}s`;
    if (reporter.json) reporter.result('', { type: 'progress', ...p, rate: Math.round(p.rate * 10) / 10 });
    else if (tty) process.stderr.write(`\r${p.done}/${p.total} photos, ${p.rate.toFixed(1)}/s${eta}, failed ${p.failed}\x1b[K${p.done === p.total ? '\n' : ''}`);
  };
}

/** 0 all done and every file importable; 1 some failed or not importable; 2 every failure a configuration problem. */
export function importExitCode(plan: ImportPlan, run: ImportRunSummary | null, interrupted: number): number {
  if (run?.cancelled) return interrupted;
  if (run && run.failed.length > 0 && run.failed.every((f) => isBlockingError(f.error.code))) return EXIT.usage;
  const notImportable = plan.items.some((it) => NOT_IMPORTABLE.has(it.outcome));
  return notImportable || (run?.failed.length ?? 0) > 0 ? EXIT.someFailed : EXIT.ok;
}

function showSummary(plan: ImportPlan, run: ImportRunSummary, code: number, reporter: Reporter): void {
  const lines = [
    `Import ${run.cancelled ? 'cancelled' : 'finished'} in ${(run.durationMs / 1000).toFixed(1)} s: ${run.enrolled} enrolled, ${run.replaced} replaced, ${run.failed.length} failed${run.alreadyDone ? `, ${run.alreadyDone} found already done` : ''}${run.notStarted ? `, ${run.notStarted} not started (run the same command again to finish)` : ''}`,
    ...run.failed.slice(0, ITEMS_SHOWN).map((f) => `  - ${f.file} → ${f.name} (${f.userId}): ${f.error.code} — ${describeError(f.error)}`),
    'Every replaced photo is kept in the archive: undo one with `restore EMPLOYEE`.',
  ];
  reporter.result(lines.join('\n'), {
    type: 'summary',
    exitCode: code,
    planned: run.planned,
    enrolled: run.enrolled,
    replaced: run.replaced,
    alreadyDone: run.alreadyDone,
    notStarted: run.notStarted,
    cancelled: run.cancelled,
    durationMs: run.durationMs,
    planCounts: plan.counts,
    failures: run.failed.map((f) => ({ ...f, message: describeError(f.error) })),
  });
}

export async function runImportCommand(session: Session, flags: ImportFlags, reporter: Reporter, signal: AbortSignal, interruptedCode: () => number): Promise<number> {
  const dir = await sourceFolder(flags.from);
  const template = flags.match ?? DEFAULT_MATCH_TEMPLATE;
  checkMatchTemplate(template);
  const prep = { maxBytes: flags.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES };
  // A dry run sends no write call at all, not even the scope probe (an upload of nothing).
  if (flags.dryRun) await session.verify(signal);
  else await requireWriteScope(session, signal);
  reporter.info(`Reading the directory and checking the photos in ${dir}…`);
  const plan = await planImport(session.core, dir, { template, replace: flags.replace, prep, signal });
  showPlan(plan, reporter);
  const planned = plan.counts.enrol + plan.counts.replace;
  if (flags.dryRun || planned === 0) {
    reporter.info(flags.dryRun ? 'Dry run: nothing was changed.' : 'Nothing to change.');
    return importExitCode(plan, null, interruptedCode());
  }
  await confirmChange(`This changes the attendance face photos of ${planned} employee(s) in Feishu (${plan.counts.enrol} enrol, ${plan.counts.replace} replace). Go ahead?`, Boolean(flags.yes), flags.io);
  const deps = photoChangeDeps(session.core, session.cacheDir);
  const run = await runImport(deps, plan, { signal, prep, onProgress: progressPrinter(reporter) });
  const code = importExitCode(plan, run, interruptedCode());
  await auditPhotoChange(session, reporter, 'photo.import', {
    folder: dir,
    template,
    replace: plan.replace,
    files: plan.items.length,
    planned: run.planned,
    enrolled: run.enrolled,
    replaced: run.replaced,
    failed: run.failed.length,
    cancelled: run.cancelled,
    // Whose face photos were changed, as an export names whom it saved.
    userIds: run.changes.map((c) => c.userId),
    archive: deps.archive.dir,
    via: 'cli import',
  });
  showSummary(plan, run, code, reporter);
  return code;
}
