// The two CLI commands over the engine. Each returns the process exit code; errors are values
// (AppFailure) mapped to one-line messages by the caller.
import { appError, isAppFailure, toAppError } from '../../shared/errors';
import { ExportOptionsSchema, type EmployeeRow, type ExportSummary } from '../../shared/model';
import { TEMPLATE_TOKENS, singlePhotoFileName, validateTemplate } from '../../shared/naming';
import { auditExport, auditPhotoSave } from './audit-command';
import { EXIT, describeError, isBlockingError } from './messages';
import { openOutFolder, type OutFolder } from './paths';
import { countOf, type Reporter } from './report';
import { savePhotoBeside } from './save-photo';
import { findEmployee, selectEmployees, type Selection } from './select';
import type { Session } from './session';

export interface ExportFlags {
  out: string;
  selection: Selection;
  template?: string;
  subfolders?: string;
  zip?: boolean;
  includeResigned?: boolean;
  /** Why the export is made, as the admin typed it: recorded in the audit log. */
  purpose?: string;
}

/** interrupted: the code a cancelled run ends with (130 for Ctrl+C, 143 for SIGTERM, 129 for SIGHUP). */
export function exitCodeForSummary(s: ExportSummary, interrupted: number = EXIT.interrupted): number {
  if (s.cancelled) return interrupted;
  if (s.manifestError) return EXIT.someFailed;
  if (s.failed === 0) return EXIT.ok;
  // Every failure blocked by the same kind of configuration problem (scope, IP, range): the admin must fix the setup.
  if (s.failures.length > 0 && s.failures.every((f) => isBlockingError(f.error.code))) return EXIT.usage;
  return EXIT.someFailed;
}

export function parseExportOptions(flags: Pick<ExportFlags, 'template' | 'subfolders' | 'zip'>) {
  const parsed = ExportOptionsSchema.safeParse({
    template: flags.template,
    subfolders: flags.subfolders ?? 'none',
    zip: Boolean(flags.zip),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'options';
    throw appError('input.invalid', `Invalid --${field}: ${issue?.message ?? 'not accepted'}`, {
      detail: field === 'subfolders' ? 'use department or group' : undefined,
    });
  }
  // Checked here too so a typo fails before any call to Feishu.
  const tokens = validateTemplate(parsed.data.template);
  if (!tokens.ok)
    throw appError('input.invalid', `Unknown --template token(s) ${tokens.unknownTokens.map((t) => `{${t}}`).join(', ')}`, {
      detail: `known: ${TEMPLATE_TOKENS.map((t) => `{${t}}`).join(' ')}`,
    });
  return parsed.data;
}

/** What was selected, said after the count: "238 employees (whole company)", "12 employees in department …". */
export function scopePhrase(sel: Selection, label: string): string {
  if (sel.kind === 'all' || (sel.kind === 'department' && sel.id.trim() === '0')) return '(whole company)';
  if (sel.kind === 'users') return 'named on the command line';
  return `in ${label}`;
}

/**
 * A failure before anything was downloaded (no network, credentials, an unknown group…) is a setup problem: no
 * manifest, one line, exit 2, and the folder this run created is removed again if it is still empty. A
 * cancellation is passed on for the caller to report.
 */
async function failedBeforeSaving(e: unknown, folder: OutFolder | null, reporter: Reporter, signal: AbortSignal): Promise<number> {
  await folder?.removeIfEmpty();
  if (signal.aborted) throw e;
  reporter.error(toAppError(e));
  return EXIT.usage;
}

export async function runExport(
  session: Session,
  flags: ExportFlags,
  reporter: Reporter,
  signal: AbortSignal,
  interruptedCode: () => number = () => EXIT.interrupted,
): Promise<number> {
  const options = parseExportOptions(flags);
  const folder = await openOutFolder(flags.out);
  const outDir = folder.path;
  const { core } = session;
  let selected: Awaited<ReturnType<typeof selectEmployees>>;
  try {
    // Fail fast on credentials, IP allow-list and the attendance scope before walking the directory.
    await session.verify(signal);
    const namesFromDirectory = options.subfolders !== 'none' || /\{(department|group)\}/.test(options.template);
    selected = await selectEmployees(core, flags.selection, Boolean(flags.includeResigned), signal, namesFromDirectory);
  } catch (e) {
    return failedBeforeSaving(e, folder, reporter, signal);
  }
  const { employees, label } = selected;
  const scope = scopePhrase(flags.selection, label);
  reporter.info(`Exporting the face photos of ${countOf(employees.length, 'employee')} ${scope} to ${outDir}${session.demo ? ' (demo tenant)' : ''}`);
  const summary = await core.exporter.run({
    employees,
    outDir,
    options,
    signal,
    onProgress: (p) => reporter.progress(p),
  });
  await auditExport(session, reporter, { scope: flags.selection.kind, filter: label, employees: employees.length, purpose: flags.purpose, summary });
  const code = exitCodeForSummary(summary, interruptedCode());
  reporter.summary(summary, code, scope);
  if (code === EXIT.usage && summary.failures[0]) reporter.error(summary.failures[0].error);
  return code;
}

function formatLocal(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    ` (UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)})`
  );
}

/** File name for a single checked photo: the same function as the app's "Save this photo". */
export function checkFileName(row: EmployeeRow, mime: string): string {
  return singlePhotoFileName(row, row.face, mime);
}

export async function runCheck(
  session: Session,
  who: string,
  outDirFlag: string | undefined,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<number> {
  const folder = outDirFlag ? await openOutFolder(outDirFlag) : null;
  const outDir = folder?.path ?? null;
  let row: EmployeeRow;
  try {
    row = await findEmployee(session.core, who, signal);
  } catch (e) {
    return failedBeforeSaving(e, folder, reporter, signal);
  }
  const { face } = row;
  const since = face.updatedAt !== null ? { local: formatLocal(face.updatedAt), iso: new Date(face.updatedAt * 1000).toISOString() } : null;

  let savedTo: string | null = null;
  let saveError: string | null = null;
  if (outDir && face.enrolled && face.faceKey) {
    try {
      const photo = await session.core.photos.get(face.faceKey, signal);
      // Never over a file of the admin's: beside it as "name (2).jpg", like the export.
      savedTo = (await savePhotoBeside(outDir, checkFileName(row, photo.mime), photo.bytes)).path;
      await auditPhotoSave(session, reporter, { userId: row.userId, file: savedTo });
    } catch (e) {
      if (!isAppFailure(e)) throw e;
      saveError = describeError(e.info);
    }
  }
  if (!savedTo) await folder?.removeIfEmpty();

  const lines = [
    `Employee      ${row.name}${row.enName ? ` (${row.enName})` : ''}${row.resigned ? ' — resigned' : ''}`,
    `Employee no   ${row.employeeNo || '-'}`,
    `User ID       ${row.userId}`,
    `Department    ${row.departmentNames.join(', ') || '-'}`,
  ];
  if (row.groupNames.length > 0) lines.push(`Att. group    ${row.groupNames.join(', ')}`);
  lines.push(
    `Face photo    ${face.enrolled ? 'enrolled' : face.outOfRange ? 'unknown — Feishu refused this employee (1220004): outside the attendance data-permission range, or not in attendance; ask the attendance admin to widen the range' : 'not enrolled'}`,
  );
  if (since) lines.push(`Since         ${since.local}  ${since.iso}`);
  if (face.faceKey) lines.push(`face_key      ${face.faceKey}`);
  if (savedTo) lines.push(`Saved         ${savedTo}`);
  else if (outDir && !face.enrolled) lines.push(`Saved         nothing: ${face.outOfRange ? 'the face settings are not visible to this app' : 'no face photo enrolled'}`);
  if (saveError) lines.push(`Not saved     ${saveError}`);

  reporter.result(lines.join('\n'), {
    type: 'employee',
    userId: row.userId,
    name: row.name,
    enName: row.enName,
    employeeNo: row.employeeNo,
    departments: row.departmentNames,
    groups: row.groupNames,
    resigned: row.resigned,
    enrolled: face.enrolled,
    ...(face.outOfRange ? { outOfRange: true, error: 'range.attendance' } : {}),
    faceKey: face.faceKey,
    updatedAt: since?.iso ?? null,
    updatedAtLocal: since?.local ?? null,
    savedTo,
    ...(saveError ? { saveError } : {}),
  });
  // Out of range is the configuration's doing, like a missing scope: exit 2, as an export of only such employees does.
  if (face.outOfRange) return EXIT.usage;
  return saveError ? EXIT.someFailed : EXIT.ok;
}
