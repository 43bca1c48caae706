// `audit`: prints, exports (CSV) or verifies the CLI's audit log; and the hooks through which `export` and
// `check --out` record what they did with face photos. The log lives in the run's cache folder (the per-user one,
// or --cache-dir; FEISHU_AUDIT_DIR or --audit-dir elsewhere), shared by every run of this user, demo or real.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { toAppError, appError, type AppError } from '../../shared/errors';
import type { ExportSummary } from '../../shared/model';
import { appendAudit, auditCsv, auditLogPath, readLog, tenantLabel, verifyLog, type AuditAction, type AuditEntry, type AuditFields } from '../core/audit/index';
import { EXIT, exitCodeFor } from './messages';
import { auditFolder, defaultCacheRoot } from './paths';
import { Reporter } from './report';
import type { Session } from './session';

/** The log `audit` reads: --audit-dir, else FEISHU_AUDIT_DIR, else the cache root (--cache-dir or the per-user one). */
export function auditDir(env: NodeJS.ProcessEnv = process.env, flags: { auditDir?: string; cacheDir?: string } = {}): string {
  return flags.auditDir !== undefined ? path.resolve(flags.auditDir) : auditFolder(flags.cacheDir ?? defaultCacheRoot(env), env);
}

/** Writes one entry for this session; a log that cannot be written is said on stderr and does not undo the work done. */
async function record(session: Session, reporter: Reporter, action: AuditAction, fields: AuditFields): Promise<void> {
  try {
    const tenant = tenantLabel({ demo: session.demo, appId: session.core.client.appId, baseUrl: session.core.client.baseUrl });
    await appendAudit(session.auditDir ?? auditDir(), { action, tenant, fields, secrets: [process.env.FEISHU_APP_SECRET] });
  } catch (e) {
    reporter.warn(`the audit log could not be written (${toAppError(e).message}); the ${action} itself is done.`);
  }
}

export interface ExportAuditInfo {
  /** all, department, group or users. */
  scope: string;
  /** What exactly: 'department "Sales/East" (od-1)', 'attendance group …', 'all employees'. */
  filter: string;
  employees: number;
  purpose?: string;
  summary: ExportSummary;
}

/** One entry per export run: scope, employee count, folder, zip, purpose and the summary counts. */
export function auditExport(session: Session, reporter: Reporter, info: ExportAuditInfo): Promise<void> {
  const s = info.summary;
  return record(session, reporter, 'export', {
    scope: info.scope,
    filter: info.filter,
    employees: info.employees,
    folder: s.outDir,
    zip: s.zipPath,
    purpose: info.purpose ?? null,
    saved: s.saved,
    upToDate: s.upToDate,
    noPhoto: s.noPhoto,
    failed: s.failed,
    cancelled: s.cancelled,
    via: 'cli export',
  });
}

/** One entry per photo `check --out` saved. */
export function auditPhotoSave(session: Session, reporter: Reporter, info: { userId: string; file: string }): Promise<void> {
  return record(session, reporter, 'photo.save', { userId: info.userId, file: info.file, via: 'cli check --out' });
}

/** One entry per photo change (replace, restore) or import run: who, the face_keys and hashes, the source. */
export function auditPhotoChange(session: Session, reporter: Reporter, action: 'photo.replace' | 'photo.restore' | 'photo.import', fields: AuditFields): Promise<void> {
  return record(session, reporter, action, fields);
}

/** One entry per reminder run that sent (not a dry run): how many recipients, sent and failed; no message text. */
export function auditRemind(session: Session, reporter: Reporter, fields: AuditFields): Promise<void> {
  return record(session, reporter, 'remind.send', { ...fields, via: 'cli remind' });
}

/** One entry per coverage list written (`report coverage`): personal data leaving the tool, though no photo. */
export function auditCoverageList(session: Session, reporter: Reporter, fields: AuditFields): Promise<void> {
  return record(session, reporter, 'coverage.export', { ...fields, via: 'cli report coverage' });
}

interface AuditCliOpts {
  since?: string;
  csv?: string;
  verify?: boolean;
  json?: boolean;
  auditDir?: string;
  cacheDir?: string;
}

function usage(message: string): AppError {
  return { code: 'input.invalid', message };
}

/** --since accepts an ISO date or date-time ("2026-01-31", "2026-01-31T08:00"); anything else is a usage error. */
export function parseSince(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const d = new Date(text.trim());
  if (!ok || Number.isNaN(d.getTime())) throw appError('input.invalid', `Invalid --since "${text}"`, { detail: 'use a date like 2026-01-31' });
  return d;
}

function entryLine(e: AuditEntry): string {
  const { seq, at, actor, action, tenant, prev: _p, hash: _h, ...fields } = e;
  const details = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(seq).padStart(5)}  ${at}  ${actor}  ${action}  ${tenant}${details ? `  ${details}` : ''}`;
}

const entriesOf = (n: number) => `${n} audit ${n === 1 ? 'entry' : 'entries'}`;

async function runVerify(file: string, reporter: Reporter): Promise<number> {
  const r = await verifyLog(file);
  if (r.ok) {
    reporter.result(`Audit log intact: ${entriesOf(r.entries)} (${file})`, { type: 'audit.verify', ok: true, entries: r.entries, file });
    return EXIT.ok;
  }
  const why = { unreadable: 'the line cannot be read (cut short or edited)', hash: 'the entry was changed', chain: 'an entry before it was removed, changed or moved', seq: 'entries were removed or reordered' }[r.reason];
  reporter.result(`Audit log broken at entry ${r.seq} (line ${r.line} of ${file}): ${why}.`, { type: 'audit.verify', ...r, file });
  return EXIT.someFailed;
}

/** Writes the CSV beside its destination first, then renames it into place: a failed write leaves no half file. */
async function writeCsv(target: string, text: string): Promise<string> {
  const abs = path.resolve(target);
  const tmp = `${abs}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, abs);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw appError('fs.not_writable', `Cannot write ${abs}`, { detail: path.dirname(abs) });
  }
  return abs;
}

export async function runAudit(o: AuditCliOpts): Promise<number> {
  const reporter = new Reporter(Boolean(o.json));
  try {
    if (o.verify && o.csv !== undefined) {
      reporter.error(usage('choose one of --verify or --csv'));
      return EXIT.usage;
    }
    const file = auditLogPath(auditDir(process.env, o));
    if (o.verify) return await runVerify(file, reporter);
    const entries = await readLog(file, parseSince(o.since));
    if (o.csv !== undefined) {
      const written = await writeCsv(o.csv, auditCsv(entries));
      reporter.result(`Wrote ${entriesOf(entries.length)} to ${written}`, { type: 'audit.csv', entries: entries.length, file: written });
      return EXIT.ok;
    }
    if (entries.length === 0) reporter.info(`No audit entries${o.since ? ` since ${o.since}` : ''} in ${file}`);
    for (const e of entries) reporter.result(entryLine(e), { type: 'audit.entry', ...e });
    return EXIT.ok;
  } catch (e) {
    const info = toAppError(e);
    reporter.error(info);
    return exitCodeFor(info.code);
  }
}

const AUDIT_EXAMPLES = `
Examples:
  npm run cli -- audit                       every entry, oldest first
  npm run cli -- audit --since 2026-01-01 --csv audit.csv
  npm run cli -- audit --verify              exit 0 intact, 1 broken (the first broken entry is named)
`;

export function registerAuditCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description('show, export (CSV) or verify the audit log of exports and saved photos')
    .option('--since <date>', 'only entries from this date on (e.g. 2026-01-31)')
    .option('--csv <file>', 'write the entries to a CSV file (UTF-8 with BOM, for Excel)')
    .option('--verify', 'check the hash chain: exit 0 intact, 1 broken')
    .option('--json', 'print NDJSON')
    .option('--audit-dir <dir>', 'folder of audit.log (default: $FEISHU_AUDIT_DIR, else the cache folder)')
    .option('--cache-dir <dir>', 'the cache folder the runs were given with --cache-dir (default: the per-user cache folder)')
    .addHelpText('after', AUDIT_EXAMPLES)
    .action(async (o: AuditCliOpts) => {
      setExit(await runAudit(o));
    });
}
