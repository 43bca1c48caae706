// The one redactor of the project: core scrubs Feishu's answers with it before they become errors,
// the logger scrubs every line, the CLI every printed line. Pure TypeScript (renderer-safe too).

export const REDACTED = '***';

/** Tenant / user access tokens as Feishu issues them ("t-…", "u-…"). */
const TOKEN_RE = /\b([tu])-[A-Za-z0-9_]{10,}/g;
/** Whatever follows "Bearer", whatever the token looks like (a gateway may use its own format). */
const BEARER_RE = /\b(Bearer)\s+[^\s"',;\\]+/gi;
const SECRET_KEYS = '(?:app_?|client_?)?secret|appSecret|tenant_access_token|user_access_token|app_access_token|access_token|refresh_token|authorization|password';
/**
 * `key: value`, `key=value`, `"key":"value"`, and the same inside a JSON string that was stringified
 * again (`\"key\":\"value\"`), as a Feishu msg echoing a request body is once we serialise it.
 */
const SECRET_FIELD_RE = new RegExp(
  `((?:\\\\?")?(?:${SECRET_KEYS})(?:\\\\?")?\\s*[:=]\\s*)(\\\\?"(?:[^"\\\\]|\\\\[^"])*\\\\?"|'[^']*'|[^\\s,;}&]+)`,
  'gi',
);
/** Object keys whose values are blanked whole in structured data (log fields). */
const SENSITIVE_KEY_RE = /secret|token|authorization|password|cookie/i;
/**
 * Known secrets shorter than this are not searched for: they would blank ordinary words. Real app
 * secrets and tokens are far longer; the patterns above catch the usual shapes anyway.
 */
const MIN_SECRET_LENGTH = 4;

/** Blanks the given known secrets (app secret, current tokens), tokens, Bearer values and secret-like fields. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= MIN_SECRET_LENGTH) out = out.split(s).join(REDACTED);
  }
  return out
    .replace(BEARER_RE, `$1 ${REDACTED}`)
    // "Authorization: Bearer ***" stays readable: its token is already blanked.
    .replace(SECRET_FIELD_RE, (_m, key: string, value: string) => `${key}${/^Bearer$/i.test(value) ? value : REDACTED}`)
    .replace(TOKEN_RE, `$1-${REDACTED}`);
}

export interface RedactValueOptions {
  /**
   * Items kept of each list (default 50: a diagnostic log line stays short). The audit log keeps every item
   * (Infinity): an export's list of user IDs is the record itself.
   */
  maxItems?: number;
}

/** Deep copy of structured data (log fields) with sensitive keys blanked and every string redacted. */
export function redactValue(value: unknown, secrets: Iterable<string | undefined> = [], opts: RedactValueOptions = {}): unknown {
  return redactDeep(value, [...secrets], opts.maxItems ?? 50, 0);
}

function redactDeep(value: unknown, secrets: readonly (string | undefined)[], maxItems: number, depth: number): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Error) return { name: value.name, message: redact(value.message, secrets) };
  if (Array.isArray(value)) return value.slice(0, maxItems).map((v) => redactDeep(v, secrets, maxItems, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_KEY_RE.test(k) ? REDACTED : redactDeep(v, secrets, maxItems, depth + 1);
  }
  return out;
}
