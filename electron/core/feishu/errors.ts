// Feishu answers → stable app error codes (docs/feishu-api.md §5), plus the retry classification.
// Both the HTTP status and the envelope `code` are checked: token errors also arrive with HTTP 200.
import { AppFailure, appError, type AppError, type ErrorCode } from '../../../shared/errors';
import { redact } from '../../../shared/redact';
import { EnvelopeSchema } from './schemas';

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Codes meaning "this tenant token is no good": drop it, refresh once, retry once. */
export const TOKEN_INVALID_CODES: ReadonlySet<number> = new Set([99991663, 99991664, 99991671, 1220002]);
export const RATE_LIMIT_CODE = 99991400;
/** Server-side failures worth retrying with backoff (attendance 12250xx/12270xx/1227500, contact 40003 "internal"). */
export const SERVER_CODES: ReadonlySet<number> = new Set([1225000, 1227000, 1227500, 40003]);
/** Contact: fetch_child=true refused on a very large tree ("big dept forbid recursion"). */
export const BIG_DEPT_CODE = 43010;
const SCOPE_CODES: ReadonlySet<number> = new Set([99991672, 99991676]);

const CODE_TABLE: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [99991401, 'net.ip_denied'],
  [99991672, 'scope.missing'],
  [99991676, 'scope.missing'],
  [40004, 'range.contact'],
  [41050, 'range.contact'],
  [40014, 'range.contact'],
  [1220004, 'range.attendance'],
  [1220005, 'range.attendance'],
  [1220001, 'feishu.param_invalid'],
  [40011, 'feishu.param_invalid'],
  [40012, 'feishu.param_invalid'],
  [10003, 'feishu.param_invalid'],
  [99991400, 'rate.limited'],
  [1225000, 'feishu.server'],
  [1227000, 'feishu.server'],
  [1227500, 'feishu.server'],
  [40003, 'feishu.server'],
  [99991543, 'auth.bad_secret'],
  [10014, 'auth.bad_secret'],
  [99991662, 'auth.app_unavailable'],
  [99991673, 'auth.app_unavailable'],
  // Contact: tenant invalid (HTTP 401).
  [42008, 'auth.app_unavailable'],
  [99991663, 'auth.token_invalid'],
  [99991664, 'auth.token_invalid'],
  [99991671, 'auth.token_invalid'],
  [1220002, 'auth.token_invalid'],
  // Authorization header missing: only happens when our own token handling failed.
  [99991661, 'auth.token_invalid'],
]);

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  'net.ip_denied': "The request was refused by the app's IP allow-list",
  'scope.missing': 'The app has not been granted a required API scope',
  'range.contact': "The department or employee is outside the app's contact data range",
  'range.attendance': "The employee is outside the attendance admin's data-permission range",
  'feishu.param_invalid': 'Feishu rejected a request parameter',
  'rate.limited': 'Feishu kept answering "too many requests"',
  'feishu.server': 'Feishu had a server error',
  'auth.bad_secret': 'The App ID or App Secret is wrong',
  'auth.app_unavailable': 'The app is disabled or not installed in this tenant',
  'auth.token_invalid': 'Feishu rejected the access token even after a refresh',
  'feishu.bad_response': 'Feishu sent an answer that could not be read',
  'feishu.not_found': 'Not found in Feishu',
  'feishu.error': 'Feishu returned an error',
};

export interface FeishuEnvelope {
  code: number;
  msg?: string;
  data?: unknown;
  error?: { log_id?: string; permission_violations?: { subject?: string }[] };
  [k: string]: unknown;
}

export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(v)) return v[0];
  return v;
}

/** Accepts a parsed object, a JSON string or raw bytes; returns the envelope when it has a numeric code. */
export function parseEnvelope(body: unknown): FeishuEnvelope | undefined {
  let value = body;
  if (value instanceof Uint8Array) value = new TextDecoder().decode(value);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const env = EnvelopeSchema.safeParse(value);
  return env.success ? (env.data as FeishuEnvelope) : undefined;
}

function logIdOf(env: FeishuEnvelope | undefined, headers: HeaderBag | undefined): string | undefined {
  const fromBody = env?.error?.log_id;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  return headerValue(headers, 'x-tt-logid') ?? headerValue(headers, 'x-request-id');
}

function scopesOf(env: FeishuEnvelope): string[] {
  const list = env.error?.permission_violations;
  if (!Array.isArray(list)) return [];
  const names = list.map((v) => v?.subject).filter((s): s is string => typeof s === 'string' && s.length > 0);
  return [...new Set(names)];
}

/**
 * Maps one failed Feishu answer to an AppFailure with a stable code.
 * `body` may be the parsed JSON, its text, or its bytes. Feishu's msg can echo the request (the
 * Authorization header, the app secret): every text kept is redacted, `secrets` (the app secret, the
 * tokens in use) included, so no consumer of the error can leak them.
 */
export function mapFeishuError(httpStatus: number, body: unknown, headers?: HeaderBag, secrets: readonly string[] = []): AppFailure {
  return redactFailure(mapAnswer(httpStatus, body, headers), secrets);
}

function mapAnswer(httpStatus: number, body: unknown, headers?: HeaderBag): AppFailure {
  const env = parseEnvelope(body);
  const logId = logIdOf(env, headers);
  const extra: Omit<AppError, 'code' | 'message'> = { httpStatus };
  if (logId) extra.logId = logId;

  if (!env) {
    if (httpStatus === 429) return appError('rate.limited', MESSAGES['rate.limited']!, extra);
    if (httpStatus >= 500) return appError('feishu.server', `${MESSAGES['feishu.server']} (HTTP ${httpStatus})`, extra);
    // Feishu's own "not found" answers carry an envelope; a bare 404 page means a wrong base URL.
    if (httpStatus === 404)
      return appError('feishu.bad_response', 'The base URL does not look like a Feishu Open API (HTTP 404 without a Feishu answer)', extra);
    return appError('feishu.bad_response', `${MESSAGES['feishu.bad_response']} (HTTP ${httpStatus})`, extra);
  }

  extra.feishuCode = env.code;
  if (typeof env.msg === 'string') extra.feishuMsg = env.msg;

  let code: ErrorCode | undefined = CODE_TABLE.get(env.code);
  if (!code) {
    if (env.code === 0) {
      // code 0 on a failed status: judge by the status alone.
      if (httpStatus === 429) code = 'rate.limited';
      else if (httpStatus >= 500) code = 'feishu.server';
      else if (httpStatus === 404) code = 'feishu.not_found';
      else code = 'feishu.bad_response';
    } else if (httpStatus === 429) code = 'rate.limited';
    else if (httpStatus >= 500) code = 'feishu.server';
    else if (httpStatus === 404) code = 'feishu.not_found';
    else code = 'feishu.error';
  }
  if (SCOPE_CODES.has(env.code)) {
    const scopes = scopesOf(env);
    if (scopes.length) extra.scopes = scopes;
    const message = scopes.length ? `${MESSAGES['scope.missing']}: ${scopes.join(', ')}` : MESSAGES['scope.missing']!;
    return appError(code, message, extra);
  }
  const base = MESSAGES[code] ?? MESSAGES['feishu.error']!;
  const message = code === 'feishu.error' && env.msg ? `${base}: ${env.code} ${env.msg}` : base;
  return appError(code, message, extra);
}

/**
 * The token endpoint's own mapping: any non-zero answer is a credential or configuration failure,
 * except the app-availability codes, the IP allow-list and the transient kinds (which retry first).
 */
export function mapTokenError(httpStatus: number, body: unknown, headers?: HeaderBag, secrets: readonly string[] = []): AppFailure {
  const general = mapFeishuError(httpStatus, body, headers, secrets);
  const keep: ErrorCode[] = ['auth.app_unavailable', 'net.ip_denied', 'rate.limited', 'feishu.server', 'feishu.bad_response'];
  if (keep.includes(general.info.code)) return general;
  return new AppFailure({ ...general.info, code: 'auth.bad_secret', message: MESSAGES['auth.bad_secret']! });
}

const TEXT_FIELDS = ['message', 'feishuMsg', 'logId', 'detail'] as const;

/**
 * The same failure with tokens, Bearer values, secret-like fields and `secrets` blanked in every text
 * it keeps (a new AppFailure, so the Error's own message and stack are clean too).
 */
export function redactFailure(f: AppFailure, secrets: readonly string[] = []): AppFailure {
  const info: AppError = { ...f.info };
  let changed = false;
  for (const k of TEXT_FIELDS) {
    const v = info[k];
    if (v === undefined) continue;
    const clean = redact(v, secrets);
    if (clean !== v) {
      info[k] = clean;
      changed = true;
    }
  }
  if (info.scopes) {
    const scopes = info.scopes.map((s) => redact(s, secrets));
    if (scopes.some((s, i) => s !== info.scopes![i])) {
      info.scopes = scopes;
      changed = true;
    }
  }
  return changed ? new AppFailure(info) : f;
}

/** What to do with a failed answer. */
export type FailureKind = 'token' | 'rate' | 'transient' | 'final';

export function classifyAnswer(httpStatus: number, env: FeishuEnvelope | undefined): FailureKind {
  const code = env?.code;
  if (code !== undefined && TOKEN_INVALID_CODES.has(code)) return 'token';
  if (httpStatus === 429 || code === RATE_LIMIT_CODE) return 'rate';
  if (code !== undefined && SERVER_CODES.has(code)) return 'transient';
  if (httpStatus >= 500 && (code === undefined || code === 0 || !CODE_TABLE.has(code) || CODE_TABLE.get(code) === 'feishu.server'))
    return 'transient';
  return 'final';
}

/** Seconds to wait from `x-ogw-ratelimit-reset` (default 1 s when missing or unreadable). */
export function rateLimitResetMs(headers: HeaderBag | undefined): number {
  const raw = headerValue(headers, 'x-ogw-ratelimit-reset');
  const n = raw === undefined ? NaN : Number(raw);
  if (!Number.isFinite(n) || n < 0) return 1000;
  // Bound a silly header so one answer cannot stall the app for hours.
  return Math.min(n, 60) * 1000;
}

// ---------------------------------------------------------------------------
// Network failures

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export type NetKind = 'timeout' | 'reset' | 'unreachable';

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a thrown network error: timeouts and resets are retried; the rest (DNS, bad URL) are not. */
export function classifyNetworkError(e: unknown): NetKind {
  const name = e && typeof e === 'object' ? (e as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') return 'timeout';
  const code = errCode(e);
  if (code && TIMEOUT_CODES.has(code)) return 'timeout';
  if (code && RESET_CODES.has(code)) return 'reset';
  if (e instanceof Error && /socket|closed|reset|other side/i.test(e.message)) return 'reset';
  return 'unreachable';
}

export function networkFailure(kind: NetKind, endpoint: string, e: unknown): AppFailure {
  const detail = errCode(e);
  const extra = detail ? { detail } : {};
  if (kind === 'timeout') return appError('net.timeout', `Feishu did not answer in time (${endpoint})`, extra);
  return appError('net.unreachable', `Feishu could not be reached (${endpoint})`, extra);
}

export function cancelled(): AppFailure {
  return appError('export.cancelled', 'Cancelled');
}
