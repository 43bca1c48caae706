// `report coverage`: the list an admin hands on (who has a face photo, who has not, whose is old), as XLSX or CSV,
// with a summary per department or attendance group. Headers and statuses follow --lang (default: the system's).
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_STALE_MONTHS, REPORT_LANGUAGES, shareOf, StaleMonthsSchema, type CoverageCounts, type CoverageScope, type ReportLanguage } from '../../shared/coverage';
import { appError, toAppError } from '../../shared/errors';
import { reportLanguageOf } from '../core/coverage/labels';
import { systemTimeZone } from '../core/coverage/local-time';
import { reportFormatOf, writeCoverageReport } from '../core/coverage/write';
import { auditCoverageList } from './audit-command';
import { EXIT } from './messages';
import { Reporter } from './report';
import { resolveDepartment, resolveGroup } from './select';
import type { Session } from './session';

interface ReportCliOpts {
  out: string;
  by: 'department' | 'group';
  department?: string;
  group?: string;
  staleMonths?: string;
  lang?: ReportLanguage;
  json?: boolean;
}

/** What main.ts lends every command that needs a session: the connection options and the run wrapper. */
export interface CommandKit<O> {
  addConnectionOptions(cmd: Command): Command;
  runWith(opts: O, body: (s: Session, r: Reporter, signal: AbortSignal) => Promise<number>): Promise<{ code: number }>;
}

const EXAMPLES = `
Examples:
  npm run cli -- report coverage --demo --out ./coverage.xlsx
  npm run cli -- report coverage --department 研发中心 --stale-months 12 --out ./rd.csv --lang en-US
  npm run -s cli -- report coverage --by group --group "上海分公司考勤组" --out ./sh.xlsx --json
`;

/** The system's language: LC_ALL, LC_MESSAGES or LANG (zh_CN.UTF-8), else the runtime's locale. */
export function systemReportLanguage(env: NodeJS.ProcessEnv = process.env): ReportLanguage {
  const fromEnv = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return reportLanguageOf(fromEnv && fromEnv !== 'C' && fromEnv !== 'POSIX' ? fromEnv : Intl.DateTimeFormat().resolvedOptions().locale);
}

export function parseStaleMonths(text: string | undefined): number {
  if (text === undefined) return DEFAULT_STALE_MONTHS;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!StaleMonthsSchema.safeParse(n).success) throw appError('input.invalid', `--stale-months must be a whole number of months from 1 to 240, not "${text}"`);
  return n;
}

function countsLine(c: CoverageCounts, staleMonths: number): string {
  const share = shareOf(c);
  const pct = share === null ? '-' : `${(share * 100).toFixed(1)} %`;
  return `${c.enrolled} of ${c.total} enrolled (${pct}), ${c.notEnrolled} not enrolled, ${c.notVisible} not visible, ${c.stale} with a photo older than ${staleMonths} months`;
}

/** The options that need no tenant, checked before anything is read: a usage error costs no directory walk. */
function checkOptions(o: ReportCliOpts): { staleMonths: number; lang: ReportLanguage } {
  if (o.department !== undefined && o.group !== undefined) throw appError('input.invalid', 'choose at most one of --department and --group');
  reportFormatOf(o.out);
  return { staleMonths: parseStaleMonths(o.staleMonths), lang: o.lang ?? systemReportLanguage() };
}

async function runReport(s: Session, o: ReportCliOpts, checked: { staleMonths: number; lang: ReportLanguage }, r: Reporter, signal: AbortSignal): Promise<number> {
  const { staleMonths, lang } = checked;
  const { core } = s;
  let scope: CoverageScope = { kind: 'all' };
  let label = 'whole company';
  if (o.department !== undefined) {
    const d = resolveDepartment(await core.directory.departmentTree(signal), o.department);
    scope = { kind: 'department', id: d.id };
    label = `department "${d.path}" (${d.id})`;
  } else if (o.group !== undefined) {
    const g = resolveGroup(await core.directory.groups(signal), o.group);
    scope = { kind: 'group', id: g.id };
    label = `attendance group "${g.name}" (${g.id})`;
  }
  const report = await core.coverageReport(scope, staleMonths, signal);
  const written = await writeCoverageReport(o.out, report, { lang, timeZone: systemTimeZone(), by: o.by });
  await auditCoverageList(s, r, { filter: label, employees: report.rows.length, file: resolve(o.out), format: written.format, lang, by: o.by, staleMonths });
  // The summary's top is the scope itself (the department, or the whole company counted over the group's staff).
  const counts = report.summary.company.counts;
  r.result(`Coverage of ${label}: ${countsLine(counts, staleMonths)}.\nList (${report.rows.length} employees, ${lang}): ${o.out}`, {
    type: 'report',
    scope: label,
    file: o.out,
    format: written.format,
    lang,
    employees: report.rows.length,
    staleMonths,
    counts: { ...counts, share: shareOf(counts) },
  });
  return EXIT.ok;
}

export function registerReportCommand(program: Command, setExit: (code: number) => void, kit: CommandKit<ReportCliOpts>): void {
  const report = program.command('report').description('lists to hand on (XLSX or CSV)');
  kit
    .addConnectionOptions(
      report
        .command('coverage')
        .description('who has a face photo enrolled, who has not and whose is old: one row per employee, with a summary sheet')
        .requiredOption('--out <file>', 'the list to write: FILE.xlsx or FILE.csv')
        .addOption(new Option('--by <what>', 'summary sheet per department or per attendance group').choices(['department', 'group']).default('department'))
        .option('--department <id>', 'only this department (open_department_id or exact name), with its sub-departments')
        .option('--group <id>', 'only this attendance group, by id or name')
        .option('--stale-months <n>', `a photo last changed more than this many months ago counts as old (default ${DEFAULT_STALE_MONTHS})`)
        .addOption(new Option('--lang <lang>', 'language of the headers and statuses (default: the system\'s)').choices([...REPORT_LANGUAGES])),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (o: ReportCliOpts) => {
      let checked: ReturnType<typeof checkOptions>;
      try {
        checked = checkOptions(o);
      } catch (e) {
        new Reporter(Boolean(o.json)).error(toAppError(e));
        return setExit(EXIT.usage);
      }
      const { code } = await kit.runWith(o, (s, r, signal) => runReport(s, o, checked, r, signal));
      setExit(code);
    });
}
