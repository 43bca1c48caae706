// Stable error codes shared by core, main, CLI and renderer.
// The renderer and CLI translate a code into a message that says what to do;
// Feishu's own code/msg/log_id are kept for support but never replace the code.
import { z } from 'zod';

export const ERROR_CODES = [
  // credentials / sign-in
  'auth.bad_secret', // app_id / app_secret wrong (10014, 10003, 99991543, or any token-endpoint failure)
  'auth.app_unavailable', // app disabled / not installed in the tenant (99991662, 99991673)
  'auth.token_invalid', // token still rejected after one refresh (99991663/4/71, 1220002)
  'auth.not_configured', // no credentials stored and no demo tenant running
  'net.ip_denied', // IP allow-list (99991401)
  'scope.missing', // API scope not granted (99991672, 99991676); `scopes` names them
  'range.contact', // contact data range (40004, 41050, 40014)
  'range.attendance', // attendance data-permission range (1220004, 1220005)
  'rate.limited', // 429 / 99991400 still after bounded retries
  'feishu.param_invalid', // 1220001, 40011, 40012, 10003 on non-token endpoints
  'feishu.server', // 5xx / 1225000 / 1227000 / 1227500 after bounded retries
  'feishu.bad_response', // a response we cannot parse (e.g. JSON where an image was expected but no code)
  'feishu.not_found', // employee / department / group / photo does not exist
  'feishu.error', // any other non-zero Feishu code; feishuCode/feishuMsg say which
  'photo.corrupt', // a photo download that is not a complete image (cut short or garbled) after retries
  // photo changes (replace, import, restore; issue #11): refusals before anything is sent, and after
  'photo.format', // the file to upload is neither a JPEG nor a PNG
  'photo.damaged', // the file to upload is cut short, garbled or cannot be decoded
  'photo.too_large', // the file to upload is above the size limit (detail: the sizes)
  'photo.too_small', // the photo's shortest side is below the minimum resolution (detail: the sizes)
  'photo.rejected', // Feishu refused the photo (face quality, format or size it would not take); feishuCode/feishuMsg say why
  'photo.not_confirmed', // after the modify, user_settings/query does not show the new face_key
  'photo.confirm_required', // a change without --yes on a non-interactive stdin
  'photo.declined', // the admin answered no at the confirmation: nothing changed
  'photo.nothing_to_restore', // no change by this tool to undo for this employee (or it was a first enrolment)
  'photo.changed_since', // the photo was changed by someone else after this tool's change: undo refused
  'photo.archive_missing', // the archived copy of the old photo is missing or damaged
  'photo.archive_unprotected', // no key the OS protects (photo cache in memory): old photos cannot be archived sealed, so no change
  // reminders to enrol (issue #14)
  'remind.bot_disabled', // the app's bot capability is off (230006): no message can be sent
  'remind.confirm_required', // a real send without --yes on a non-interactive stdin
  'remind.declined', // the admin answered no at the confirmation: nothing was sent
  'net.unreachable', // DNS, refused, reset after retries
  'net.timeout', // request timed out after retries
  'fs.not_writable', // output folder missing or not writable
  'fs.disk_full', // ENOSPC
  'fs.path_escape', // a file name that would leave the export folder
  'input.invalid', // a request that failed schema validation or an id that does not parse
  'export.cancelled',
  'export.busy', // another export is already running
  'export.folder_locked', // another export (this or another process) is writing to the same folder
  'export.not_found', // unknown job id
  'vault.encryption_unavailable', // the OS cannot encrypt the secret; kept for this run only
  'ipc.forbidden', // a message from a sender that is not our window
  'internal', // a bug: logged in main, shown as "something went wrong"
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const AppErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  /** Short English detail for logs and the CLI; never contains a secret or token. */
  message: z.string(),
  feishuCode: z.number().int().optional(),
  feishuMsg: z.string().optional(),
  logId: z.string().optional(),
  httpStatus: z.number().int().optional(),
  /** Missing scopes named by Feishu's permission_violations. */
  scopes: z.array(z.string()).optional(),
  /** Extra detail for the message, e.g. the folder, the field or the IP. */
  detail: z.string().optional(),
  /**
   * Values the translated message is filled with (ids, never English prose), for messages that say more than
   * one thing; `context` picks the message's variant (i18next's `<key>_<context>`).
   */
  params: z.record(z.string(), z.string()).optional(),
});

export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError };

/** Thrown inside core and main; converted to a Result at the IPC boundary and to exit codes in the CLI. */
export class AppFailure extends Error {
  readonly info: AppError;
  constructor(info: AppError) {
    super(info.message);
    this.name = 'AppFailure';
    this.info = info;
  }
}

export function appError(code: ErrorCode, message: string, extra: Omit<AppError, 'code' | 'message'> = {}): AppFailure {
  return new AppFailure({ code, message, ...extra });
}

export function isAppFailure(e: unknown): e is AppFailure {
  return e instanceof AppFailure;
}

/** Turns anything thrown into an AppError without leaking a stack trace. */
export function toAppError(e: unknown): AppError {
  if (isAppFailure(e)) return e.info;
  if (e && typeof e === 'object' && 'code' in e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC') return { code: 'fs.disk_full', message: 'The disk is full' };
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'ENOTDIR')
      return { code: 'fs.not_writable', message: 'The folder cannot be written to' };
  }
  return { code: 'internal', message: 'Unexpected error' };
}

/** Errors worth retrying later (what "retry failed" can fix without the admin changing anything). */
export function isTransient(code: ErrorCode): boolean {
  return (
    code === 'rate.limited' || code === 'feishu.server' || code === 'photo.corrupt' || code === 'net.unreachable' || code === 'net.timeout'
  );
}
