// Headless entry point: `npm run cli -- export …` / `npm run cli -- check …`.
// Exit codes: 0 all saved or up to date, 1 some employees failed, 2 usage/configuration (or nothing could be
// reached before anything was saved), 130 / 143 / 129 stopped by SIGINT / SIGTERM / SIGHUP.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { toAppError, type AppError } from '../../shared/errors';
import { DEFAULT_TEMPLATE } from '../../shared/model';
import { registerAuditCommand } from './audit-command';
import { runCheck, runExport } from './commands';
import { DEFAULT_MAX_AGE } from './max-age';
import { EXIT, exitCodeFor, rememberedNote } from './messages';
import { registerPhotoCommands } from './photo-cli';
import { registerReportCommand } from './report-command';
import { registerRemindCommand } from './remind-command';
import { Reporter } from './report';
import { parseIdList, type Selection } from './select';
import { openSession, type ConnectionFlags, type Session } from './session';
import { stopMessage, watchStopSignals } from './signals';

// Set by scripts/build-cli.mjs in the standalone bundle, which has no package.json next to it.
declare const __FACE_PHOTOS_VERSION__: string | undefined;

function packageVersion(): string {
  if (typeof __FACE_PHOTOS_VERSION__ === 'string') return __FACE_PHOTOS_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const EXPORT_EXAMPLES = `
Examples:
  # try it on the built-in demo tenant
  npm run cli -- export --demo --all --out ./photos

  # one department (id or exact name), photos in per-department folders, zipped
  FEISHU_APP_ID=cli_xxx FEISHU_APP_SECRET=... npm run cli -- export --department od-123 --subfolders department --zip --out /backup/faces

  # an attendance group by name, NDJSON for a script (-s keeps npm's banner out of stdout)
  npm run -s cli -- export --group "Shanghai office" --json --out ./faces

  # nightly backup (crontab); only new or changed photos are downloaded
  30 2 * * * cd /opt/face-photos && set -a && . /etc/face-photos.env && set +a && npm run -s cli -- export --all --out /backup/faces >> /var/log/faces.log 2>&1

Template tokens: {name} {en_name} {employee_no} {user_id} {department} {group} {updated} (photo date, YYYY-MM-DD)
Exit codes: 0 all saved or up to date, 1 some failed (see manifest.csv), 2 usage, configuration or connection error,
130 / 143 / 129 stopped by Ctrl+C / SIGTERM / SIGHUP (the manifest is written; a second signal quits at once).
`;

const CHECK_EXAMPLES = `
Examples:
  npm run cli -- check E00123 --demo
  npm run cli -- check 5d9bdxxx --out ./one-photo
  npm run cli -- check 梁军            (several 梁军: exit 2, listing each with department and 工号)
  npm run cli -- check +8613800138000
`;

const ROOT_EXAMPLES = `
Credentials come from FEISHU_APP_ID, FEISHU_APP_SECRET and FEISHU_BASE_URL (feishu, lark or a URL),
or from --app-id / --app-secret / --base-url. HTTPS_PROXY is honoured.
Cached photos are encrypted (AES-256-GCM) with the key in cache.key beside the cache (made on first use,
readable by you only) or with FEISHU_CACHE_KEY (32 bytes, base64 or 64 hex digits) when set; photos unused
for --retention-days (default 30) are removed.

Examples:
  npm run cli -- export --demo --all --out ./photos
  npm run cli -- check E00123 --demo
  npm run cli -- export --help
`;

/** A whole number of days from 1 to 3650; anything else is a usage error (exit 2). */
function parseRetentionDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value.trim()) || days < 1 || days > 3650) {
    throw new InvalidArgumentError('a whole number of days from 1 to 3650.');
  }
  return days;
}

interface CommonOpts extends ConnectionFlags {
  json?: boolean;
}

function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--app-id <id>', 'App ID of the self-built app (default: $FEISHU_APP_ID)')
    .option('--app-secret <secret>', 'App Secret (default: $FEISHU_APP_SECRET; avoid: lands in shell history)')
    .option('--base-url <url>', 'feishu, lark or an http(s) URL (default: $FEISHU_BASE_URL or feishu)')
    .option('--cache-dir <dir>', 'photo cache folder (default: the per-user cache folder)')
    .option('--retention-days <days>', 'remove cached photos unused for longer (default 30)', parseRetentionDays)
    .option('--demo', 'use the built-in demo tenant instead of a real one')
    .option('--json', 'print NDJSON events on stdout (progress, summary, error)');
}

/** The commands that read the directory: how old a remembered one they may use. */
function addDirectoryOptions(cmd: Command): Command {
  return cmd
    .option('--max-age <duration>', `use the directory remembered by an earlier run when younger than this, e.g. 30m, 6h, 2d (default: ${DEFAULT_MAX_AGE})`)
    .option('--refresh', 'read the directory from Feishu again, whatever the age of the remembered one');
}

interface RunResult {
  code: number;
}

/**
 * Opens a session, runs the body with SIGINT, SIGTERM and SIGHUP wired to cancellation, closes everything, maps
 * errors. The body gets the exit code an interruption ends with (128 + the signal's number).
 */
async function runWith(
  opts: CommonOpts,
  body: (s: Session, r: Reporter, signal: AbortSignal, interruptedCode: () => number) => Promise<number>,
): Promise<RunResult> {
  const reporter = new Reporter(Boolean(opts.json));
  const controller = new AbortController();
  // One signal is shared by every concurrent request of the run; Node's default cap of 10 listeners would warn.
  setMaxListeners(0, controller.signal);
  const signals = watchStopSignals((sig) => {
    reporter.stopProgress();
    reporter.warn(stopMessage(sig));
    controller.abort();
  });
  let session: Session | null = null;
  try {
    session = await openSession(opts, reporter);
    const remembered = session.core.remembered?.state();
    if (remembered) reporter.info(rememberedNote(remembered.takenAt));
    const code = await body(session, reporter, controller.signal, signals.interruptedCode);
    return { code };
  } catch (e) {
    if (controller.signal.aborted) {
      reporter.cancelledEarly();
      return { code: signals.interruptedCode() };
    }
    const info: AppError = toAppError(e);
    reporter.error(info);
    return { code: exitCodeFor(info.code) };
  } finally {
    reporter.stopProgress();
    signals.dispose();
    if (session) await session.close();
  }
}

function selectionFrom(o: { all?: boolean; department?: string; group?: string; users?: string }): Selection {
  const chosen = [o.all ? 'all' : null, o.department !== undefined ? 'department' : null, o.group !== undefined ? 'group' : null, o.users !== undefined ? 'users' : null].filter(Boolean);
  if (chosen.length !== 1) throw new CommanderError(EXIT.usage, 'cli.selection', 'error: choose exactly one of --all, --department, --group or --users');
  if (o.all) return { kind: 'all' };
  if (o.department !== undefined) return { kind: 'department', id: o.department };
  if (o.group !== undefined) return { kind: 'group', nameOrId: o.group };
  return { kind: 'users', ids: parseIdList(o.users ?? '') };
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('feishu-face-photos')
    .description('Browse, check and export Feishu/Lark attendance face photos from the command line.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addHelpText('after', ROOT_EXAMPLES)
    .exitOverride();

  addDirectoryOptions(addConnectionOptions(
    program
      .command('export')
      .description('save the face photos of the selected employees, with a manifest.csv')
      .requiredOption('--out <dir>', 'folder to save into (created if missing)')
      .option('--all', 'every employee in the app\'s contact data range')
      .option('--department <id>', 'one department (open_department_id or exact name), with its sub-departments')
      .option('--group <name-or-id>', 'one attendance group, by id or name')
      .option('--users <ids>', 'comma-separated user ids or employee numbers')
      .option('--template <template>', 'file name template', DEFAULT_TEMPLATE)
      .addOption(new Option('--subfolders <mode>', 'one folder per department or attendance group').choices(['department', 'group']))
      .option('--zip', 'also pack the export into a zip file')
      .option('--include-resigned', 'include resigned employees (named --users are always included)')
      .option('--purpose <text>', 'why this export is made; recorded in the audit log'),
  ))
    .addHelpText('after', EXPORT_EXAMPLES)
    .action(async (o: CommonOpts & ExportCliOpts) => {
      const selection = selectionFromSafe(o);
      if (typeof selection === 'number') return setExit(selection);
      // The remembered directory holds no resigned employee: asking for them reads the directory again.
      const connection = o.includeResigned ? { ...o, refresh: true } : o;
      const { code } = await runWith(connection, (s, r, signal, interruptedCode) =>
        runExport(
          s,
          { out: o.out, selection, template: o.template, subfolders: o.subfolders, zip: o.zip, includeResigned: o.includeResigned, purpose: o.purpose },
          r,
          signal,
          interruptedCode,
        ),
      );
      setExit(code);
    });

  addDirectoryOptions(addConnectionOptions(
    program
      .command('check')
      .description("show one employee's face-photo enrolment (and save the photo with --out)")
      .argument('<who>', 'user id, employee number (工号), email, mobile (with or without +86) or name')
      .option('--out <dir>', 'save the face photo into this folder'),
  ))
    .addHelpText('after', CHECK_EXAMPLES)
    .action(async (who: string, o: CommonOpts & { out?: string }) => {
      const { code } = await runWith(o, (s, r, signal) => runCheck(s, who, o.out, r, signal));
      setExit(code);
    });

  registerAuditCommand(program, setExit);
  registerPhotoCommands(program, { setExit, addConnectionOptions, runWith });
  registerReportCommand(program, setExit, { addConnectionOptions, runWith });
  registerRemindCommand(program, setExit, { addConnectionOptions, runWith });
  return program;
}

interface ExportCliOpts {
  out: string;
  all?: boolean;
  department?: string;
  group?: string;
  users?: string;
  template?: string;
  subfolders?: string;
  zip?: boolean;
  includeResigned?: boolean;
  purpose?: string;
}

/** Selection errors are usage errors: one line, exit 2, in the output format asked for. */
function selectionFromSafe(o: CommonOpts & ExportCliOpts): Selection | number {
  try {
    return selectionFrom(o);
  } catch (e) {
    const reporter = new Reporter(Boolean(o.json));
    if (e instanceof CommanderError) reporter.error({ code: 'input.invalid', message: e.message.replace(/^error:\s*/, '') });
    else reporter.error(toAppError(e));
    return EXIT.usage;
  }
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((c) => {
    exitCode = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exitCode 0; other parse errors are usage errors.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write('error: Something went wrong inside the tool — run it again; if it persists, report it.\n');
    return 1;
  }
  return exitCode;
}

// Run when executed directly (tsx electron/cli/main.ts), not when imported by tests. The standalone bundle
// is always run directly, under whatever name it was copied or linked to.
const standalone = typeof __FACE_PHOTOS_VERSION__ === 'string';
const invokedDirectly = standalone || (process.argv[1] !== undefined && /[\\/]cli[\\/]main\.[cm]?[jt]s$/.test(process.argv[1]));
if (invokedDirectly) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
      // Keep-alive sockets or a lingering timer must not keep a finished run alive.
      setTimeout(() => process.exit(code), 1500).unref();
    },
    () => {
      process.stderr.write('error: Something went wrong inside the tool — run it again; if it persists, report it.\n');
      process.exit(1);
    },
  );
}
