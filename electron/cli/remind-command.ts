// `remind`: a message from the app's bot to the employees without a face photo (or to their managers, one message
// each listing their reports), with the steps to enrol. --dry-run lists the recipients and the message and sends
// nothing; a real send needs --yes or a "y" at a terminal. Exit 0 all sent, 1 some recipient failed (listed),
// 2 usage or configuration (no bot capability, a missing message scope named, no --yes without a terminal).
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { REPORT_LANGUAGES, type ReportLanguage } from '../../shared/coverage';
import { appError, toAppError } from '../../shared/errors';
import { REMIND_TARGETS, RemindTextSchema, type RemindOutcome, type RemindPlan, type RemindSelection, type RemindTo } from '../../shared/remind';
import { BATCH_USERS_SCOPE, defaultRemindText, messageFor, remindPlan, sendReminders } from '../core/remind/index';
import { auditRemind } from './audit-command';
import { confirmChange, REMIND_REFUSALS, type ConfirmIo } from './confirm';
import { EXIT, describeError } from './messages';
import { systemReportLanguage, type CommandKit } from './report-command';
import { Reporter } from './report';
import { parseIdList, resolveDepartment, resolveGroup } from './select';
import type { Session } from './session';

export interface RemindCliOpts {
  department?: string;
  group?: string;
  users?: string;
  to: RemindTo;
  lang?: ReportLanguage;
  message?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  io?: ConfirmIo;
}

const SHOWN = 60;

const EXAMPLES = `
Examples:
  npm run cli -- remind --demo --dry-run                          (who would get a message, and the message)
  npm run cli -- remind --department 研发中心 --to managers --yes
  npm run cli -- remind --users E00012,E00031 --lang en-US --message ./reminder.txt --yes --json
Needs the app's bot capability and the scope im:message:send_as_bot (or im:message); for --to employees,
im:message:send_multi_users makes it faster (batches of 200; without it, one by one). Exit codes: 0 all sent, 1 some recipient failed (listed), 2 usage or configuration.
`;

function checkOptions(o: RemindCliOpts): void {
  const chosen = [o.department, o.group, o.users].filter((x) => x !== undefined);
  if (chosen.length > 1) throw appError('input.invalid', 'choose at most one of --department, --group and --users');
  if (o.users !== undefined) parseIdList(o.users);
}

async function messageText(o: RemindCliOpts, lang: ReportLanguage): Promise<string> {
  if (o.message === undefined) return defaultRemindText(lang, o.to);
  const raw = await readFile(o.message, 'utf8').catch(() => {
    throw appError('input.invalid', `--message ${o.message} cannot be read`, { detail: 'pass a UTF-8 text file with the message' });
  });
  const text = RemindTextSchema.safeParse(raw.replace(/^\uFEFF/, ''));
  if (!text.success) throw appError('input.invalid', `--message ${o.message} must hold 1 to 4000 characters of text`);
  return text.data;
}

async function selectionOf(s: Session, o: RemindCliOpts, signal: AbortSignal): Promise<{ selection: RemindSelection; label: string }> {
  const { core } = s;
  if (o.department !== undefined) {
    const d = resolveDepartment(await core.directory.departmentTree(signal), o.department);
    return { selection: { scope: { kind: 'department', id: d.id } }, label: `department "${d.path}" (${d.id})` };
  }
  if (o.group !== undefined) {
    const g = resolveGroup(await core.directory.groups(signal), o.group);
    return { selection: { scope: { kind: 'group', id: g.id } }, label: `attendance group "${g.name}" (${g.id})` };
  }
  if (o.users !== undefined) {
    const ids = parseIdList(o.users);
    const { found, unknown } = await core.employeesNamed(ids, signal);
    if (unknown.length) throw appError('input.invalid', `Unknown employee(s): ${unknown.slice(0, 20).join(', ')}`);
    return { selection: { userIds: found.map((e) => e.userId) }, label: `${ids.length} named employee(s)` };
  }
  return { selection: { scope: { kind: 'all' } }, label: 'whole company' };
}

function showPlan(plan: RemindPlan, text: string, label: string, r: Reporter): void {
  const who = (p: { name: string; employeeNo: string; userId: string }) => `${p.name}${p.employeeNo ? ` #${p.employeeNo}` : ''} (${p.userId})`;
  const lines = [
    `Reminder to ${plan.to} for ${label}: ${plan.recipients.length} recipient(s)${plan.skipped ? `, ${plan.skipped} employee(s) with a photo or not visible left out` : ''}`,
    ...plan.recipients.slice(0, SHOWN).map((p) => `  ${who(p)}${p.reports ? ` — about ${p.reports.map(who).join(', ')}` : ''}`),
  ];
  if (plan.recipients.length > SHOWN) lines.push(`  … and ${plan.recipients.length - SHOWN} more (--json lists everyone)`);
  if (plan.withoutManager.length) lines.push(`  No manager known for ${plan.withoutManager.length}: ${plan.withoutManager.slice(0, 20).map(who).join(', ')}`);
  const sample = plan.recipients[0];
  lines.push('Message:', ...(sample ? messageFor(text, sample) : text).split('\n').map((l) => `  | ${l}`));
  r.result(lines.join('\n'), { type: 'plan', to: plan.to, scope: label, recipients: plan.recipients, withoutManager: plan.withoutManager, skipped: plan.skipped, message: text });
}

/** The --users that sends again to the failed recipients only: the employees, or the failed managers' reports. */
function retryUsers(plan: RemindPlan, outcomes: readonly RemindOutcome[]): string[] {
  const failed = new Set(outcomes.filter((o) => o.status === 'failed').map((o) => o.userId));
  return plan.recipients.filter((p) => failed.has(p.userId)).flatMap((p) => (p.reports ? p.reports.map((x) => x.userId) : [p.userId]));
}

function showOutcomes(plan: RemindPlan, outcomes: RemindOutcome[], code: number, r: Reporter): void {
  const failed = outcomes.filter((o) => o.status === 'failed');
  const retry = retryUsers(plan, outcomes);
  const lines = [
    `Reminders: ${outcomes.length - failed.length} sent, ${failed.length} failed.`,
    ...failed.slice(0, SHOWN).map((f) => `  - ${f.name} (${f.userId}): ${f.error.code} — ${describeError(f.error)}`),
  ];
  if (failed.length) lines.push(`To retry only the failed ones, run the same command with --users ${retry.join(',')} (in place of --department/--group).`);
  r.result(lines.join('\n'), {
    type: 'summary',
    exitCode: code,
    sent: outcomes.length - failed.length,
    failed: failed.length,
    retryUsers: retry,
    outcomes: outcomes.map((o) => (o.status === 'failed' ? { ...o, message: describeError(o.error) } : o)),
  });
}

export async function runRemind(s: Session, o: RemindCliOpts, r: Reporter, signal: AbortSignal): Promise<number> {
  const lang = o.lang ?? systemReportLanguage();
  const text = await messageText(o, lang);
  const { selection, label } = await selectionOf(s, o, signal);
  const plan = await remindPlan(s.core, selection, o.to, signal);
  showPlan(plan, text, label, r);
  if (o.dryRun || plan.recipients.length === 0) {
    r.info(o.dryRun ? 'Dry run: nothing was sent.' : 'Nobody to remind.');
    return EXIT.ok;
  }
  await confirmChange(`Send this message to ${plan.recipients.length} ${plan.to === 'managers' ? 'manager(s)' : 'employee(s)'} in Feishu?`, Boolean(o.yes), o.io, REMIND_REFUSALS);
  const onSingleFallback = () => r.warn(`The app lacks the scope ${BATCH_USERS_SCOPE}: sending one message at a time instead (at most 950 a minute). Grant it for faster batches.`);
  const outcomes = await sendReminders(s.core.client, plan.recipients, text, { runId: randomUUID(), signal, onSingleFallback });
  const failed = outcomes.filter((x) => x.status === 'failed').length;
  const code = failed ? EXIT.someFailed : EXIT.ok;
  await auditRemind(s, r, { scope: label, to: plan.to, lang, recipients: plan.recipients.length, sent: outcomes.length - failed, failed, customMessage: o.message !== undefined });
  showOutcomes(plan, outcomes, code, r);
  return code;
}

export function registerRemindCommand(program: Command, setExit: (code: number) => void, kit: CommandKit<RemindCliOpts>): void {
  kit
    .addConnectionOptions(
      program
        .command('remind')
        .description("message the employees without a face photo (or their managers) from the app's bot, with the steps to enrol")
        .option('--department <id>', 'only this department (open_department_id or exact name), with its sub-departments')
        .option('--group <id>', 'only this attendance group, by id or name')
        .option('--users <ids>', 'only these employees: comma-separated user ids or employee numbers')
        .addOption(new Option('--to <who>', 'message the employees themselves, or their direct managers (one message each)').choices([...REMIND_TARGETS]).default('employees'))
        .addOption(new Option('--lang <lang>', "language of the default message (default: the system's)").choices([...REPORT_LANGUAGES]))
        .option('--message <file>', 'the message text from this UTF-8 file instead of the default one')
        .option('--dry-run', 'list the recipients and the message; send nothing')
        .option('--yes', 'send without asking (needed when stdin is not a terminal)'),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (o: RemindCliOpts) => {
      try {
        checkOptions(o);
      } catch (e) {
        new Reporter(Boolean(o.json)).error(toAppError(e));
        return setExit(EXIT.usage);
      }
      const { code } = await kit.runWith(o, (s, r, signal) => runRemind(s, o, r, signal));
      setExit(code);
    });
}
