// One English sentence per error code, saying what to fix. The CLI is for scripts and
// cron jobs, so each message fits on one line and never carries a stack trace or a secret.
import type { AppError, ErrorCode } from '../../shared/errors';

/** Exit codes: 0 all good, 1 some employees failed, 2 usage or configuration, 130 interrupted. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const;

/** Codes the admin must fix in the configuration (or the command line) before a run can work. */
const CONFIG_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'auth.bad_secret',
  'auth.app_unavailable',
  'auth.token_invalid',
  'auth.not_configured',
  'net.ip_denied',
  'scope.missing',
  'range.contact',
  'range.attendance',
  'fs.not_writable',
  'fs.path_escape',
  'input.invalid',
  'feishu.not_found',
  'feishu.param_invalid',
  'export.folder_locked',
  // A photo to upload that fails the checks, or a change that needs --yes / has nothing to undo: fix the input.
  'photo.format',
  'photo.damaged',
  'photo.too_large',
  'photo.too_small',
  'photo.confirm_required',
  'photo.nothing_to_restore',
  'photo.changed_since',
  'photo.archive_unprotected',
  // A reminder the app cannot send (no bot), or a send not confirmed: fix the app or the command line.
  'remind.bot_disabled',
  'remind.confirm_required',
]);

export function isConfigError(code: ErrorCode): boolean {
  return CONFIG_CODES.has(code);
}

/** Codes that stop every download alike: when all failures of an export are these, it is a configuration problem. */
const BLOCKING_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'auth.bad_secret',
  'auth.app_unavailable',
  'auth.token_invalid',
  'net.ip_denied',
  'scope.missing',
  'range.contact',
  'range.attendance',
  'fs.not_writable',
]);

export function isBlockingError(code: ErrorCode): boolean {
  return BLOCKING_CODES.has(code);
}

export function exitCodeFor(code: ErrorCode): number {
  if (code === 'export.cancelled') return EXIT.interrupted;
  return isConfigError(code) ? EXIT.usage : EXIT.someFailed;
}

function scopesOf(e: AppError): string {
  return e.scopes && e.scopes.length > 0 ? e.scopes.join(', ') : 'required by this call';
}

const SENTENCES: { [C in ErrorCode]: (e: AppError) => string } = {
  'auth.bad_secret': () =>
    'Feishu rejected the App ID or App Secret — copy both again from the developer console (Credentials & Basic Info).',
  'auth.app_unavailable': () =>
    'The app is disabled or not installed in this tenant — have a tenant admin enable it and approve the latest version.',
  'auth.token_invalid': () =>
    'Feishu keeps rejecting the access token — check the system clock and the credentials, then try again.',
  'auth.not_configured': () =>
    'No credentials — set FEISHU_APP_ID and FEISHU_APP_SECRET (and FEISHU_BASE_URL for Lark), or add --demo to try the demo tenant.',
  'net.ip_denied': (e) =>
    `This machine's IP${e.detail ? ` (${e.detail})` : ''} is not on the app's IP allow-list — add it in the developer console (Security Settings) or turn the allow-list off.`,
  'scope.missing': (e) =>
    `The app lacks the scope(s) ${scopesOf(e)} — enable them in the developer console and publish a new version.`,
  'range.contact': () =>
    "Some employees or departments are outside the app's contact data range — set it to \"all members\" in the developer console and publish a new version.",
  'range.attendance': () =>
    "Some employees are outside the attendance data-permission range — widen the attendance admin's range in the attendance admin console.",
  'rate.limited': () => 'Feishu kept rate-limiting the requests — wait a minute and run the export again (saved photos are skipped).',
  'feishu.param_invalid': (e) =>
    `Feishu rejected a parameter${e.feishuMsg ? ` (${e.feishuMsg})` : ''} — check the ids on the command line.`,
  'feishu.server': () => 'Feishu answered with a server error — try again later; saved photos are skipped on the next run.',
  'feishu.bad_response': () => 'Feishu sent an answer that could not be read — try again; if it persists, report it with the log id.',
  'feishu.not_found': (e) => `Not found${e.detail ? `: ${e.detail}` : ''} — check the id, or whether it is inside the app's data range.`,
  'feishu.error': (e) =>
    `Feishu returned an error${e.feishuCode !== undefined ? ` ${e.feishuCode}` : ''}${e.feishuMsg ? ` (${e.feishuMsg})` : ''} — see the Feishu error-code documentation.`,
  'photo.corrupt': () =>
    'Feishu kept sending a damaged copy of this photo (cut short or garbled); nothing was saved for it — run the export again to retry.',
  'photo.format': (e) => `The photo is not a JPEG or PNG file${e.detail ? ` (${e.detail})` : ''} — convert it and try again.`,
  'photo.damaged': (e) => `The photo file is damaged or cannot be read${e.detail ? ` (${e.detail})` : ''} — export it again from its source.`,
  'photo.too_large': (e) => `The photo is too large${e.detail ? ` (${e.detail})` : ''} — make it smaller, or raise the limit with --max-bytes.`,
  'photo.too_small': (e) => `The photo's resolution is too low${e.detail ? ` (${e.detail})` : ''} — use a sharper photo of the face.`,
  'photo.rejected': (e) =>
    `Feishu refused this photo${e.feishuMsg ? ` (${e.feishuMsg})` : ''} — use a clear, front-facing photo of the employee's face; nothing was changed.`,
  'photo.not_confirmed': () =>
    'Feishu accepted the change but does not show the new photo yet — run `check` on the employee, then the same command again.',
  'photo.confirm_required': () => 'Nothing was changed: this changes attendance photos, so confirm with --yes when stdin is not a terminal.',
  'photo.declined': () => 'Nothing was changed.',
  'photo.nothing_to_restore': (e) =>
    e.params?.context === 'first_enrolment'
      ? 'Nothing to restore: the last change enrolled a first photo, so there is no earlier photo to put back.'
      : 'Nothing to restore: no change of this employee was made with this tool on this computer — only such a change can be undone.',
  'photo.changed_since': (e) =>
    `The photo was changed again after this tool's change${e.params ? ` (face_key is now ${e.params.now}, this tool set ${e.params.set})` : ''}, so it is not undone — check the employee, then use replace with the archived photo if needed.`,
  'photo.archive_missing': (e) =>
    `The archived copy of the old photo is missing or damaged${e.detail ? ` (${e.detail})` : ''} — nothing was changed.`,
  'photo.archive_unprotected': () =>
    'No key to seal the archive of old photos with (the photo cache is kept in memory), so nothing was changed — set FEISHU_CACHE_KEY or let the CLI keep its key file beside the cache.',
  'remind.bot_disabled': () =>
    "The app cannot send messages: its bot capability is off — enable it in the developer console (Features → Bot), add the scopes im:message:send_as_bot and im:message:send_multi_users, and publish a new version.",
  'remind.confirm_required': () => 'Nothing was sent: reminders go to real people, so confirm with --yes when stdin is not a terminal (or try --dry-run first).',
  'remind.declined': () => 'Nothing was sent.',
  'net.unreachable': () =>
    'Cannot reach the Feishu Open API — check the network, the proxy (HTTPS_PROXY) and FEISHU_BASE_URL.',
  'net.timeout': () => 'Feishu did not answer in time — check the network or proxy and run the export again.',
  'fs.not_writable': (e) =>
    `Cannot write to the folder${e.detail ? ` ${e.detail}` : ''} — pass an existing folder you can write to with --out.`,
  'fs.disk_full': () => 'The disk is full — free some space and run the export again (saved photos are skipped).',
  'fs.path_escape': () => 'A file name from the template would leave the export folder — simplify --template.',
  'input.invalid': (e) => `${e.message}${e.detail ? ` (${e.detail})` : ''} — see --help.`,
  'export.cancelled': () => 'The export was cancelled; the manifest lists what was saved so far — run it again to continue.',
  'export.busy': () => 'Another export is already running — wait for it to finish.',
  'export.folder_locked': (e) =>
    `Another export is writing to ${e.detail ?? 'this folder'} right now — wait for it to finish or pass another --out (a lock left by a crashed run is taken over automatically).`,
  'export.not_found': () => 'That export job does not exist any more — start a new export.',
  'vault.encryption_unavailable': () => 'The system cannot encrypt the secret — it is kept for this run only.',
  'ipc.forbidden': () => 'Request refused.',
  internal: () => 'Something went wrong inside the tool — run it again; if it persists, report it.',
};

/** The one-line message for an error, plus Feishu's log id for support when there is one. */
export function describeError(e: AppError): string {
  const sentence = SENTENCES[e.code](e);
  const support: string[] = [];
  if (e.feishuCode !== undefined && e.code !== 'feishu.error') support.push(`Feishu code ${e.feishuCode}`);
  if (e.logId) support.push(`log id ${e.logId}`);
  return oneLine(support.length > 0 ? `${sentence} [${support.join(', ')}]` : sentence);
}

/** Said when a run answers from the directory an earlier run remembered instead of reading it again. */
export function rememberedNote(takenAt: number, now: number = Date.now()): string {
  const d = new Date(takenAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const minutes = Math.max(0, Math.round((now - takenAt) / 60_000));
  const age = minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
  return `Using the directory read at ${when} (${age}); --refresh reads it again, --max-age sets how old it may be.`;
}

/** Keeps a message on one line whatever came in (a Feishu msg may carry newlines). */
export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The project's one redactor: registered secrets, tokens, Bearer values and secret-like fields. */
export { redact } from '../../shared/redact';
