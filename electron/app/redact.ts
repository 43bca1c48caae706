// Redaction and a small line logger. Every log line in main, the harness and the CLI passes
// through redact(), so a secret or token that slips into a message or field never reaches disk.

const TOKEN_RE = /\b([tu])-[A-Za-z0-9_]{10,}/g;
const BEARER_RE = /\b(Bearer)\s+[^\s"',;]+/gi;
const SECRET_FIELD_RE = /("?(?:app_?secret|appSecret|tenant_access_token|user_access_token|access_token|refresh_token|authorization|password)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,}&]+)/gi;
const SENSITIVE_KEY_RE = /secret|token|authorization|password|cookie/i;

export const REDACTED = '***';

/** Redacts tokens, Bearer headers, secret-ish fields and the given known secrets from a string. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    // Short strings would redact ordinary words; real secrets are long.
    if (s && s.length >= 6) out = out.split(s).join(REDACTED);
  }
  return out
    .replace(BEARER_RE, `$1 ${REDACTED}`)
    .replace(SECRET_FIELD_RE, `$1${REDACTED}`)
    .replace(TOKEN_RE, `$1-${REDACTED}`);
}

/** Deep copy of a log field value with sensitive keys blanked and strings redacted. */
export function redactValue(value: unknown, secrets: Iterable<string> = [], depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Error) return { name: value.name, message: redact(value.message, secrets) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_KEY_RE.test(k) ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Same signature as core's `log` option. */
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** Registers a secret (e.g. the app secret) so it is blanked wherever it appears. */
  addSecret(secret: string): void;
}

export interface LoggerOptions {
  /** Receives one finished, redacted line (no trailing newline). */
  sink: (line: string, level: LogLevel) => void;
  level?: LogLevel;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions): Logger {
  const secrets = new Set<string>();
  const min = LEVELS[opts.level ?? 'info'];
  const now = opts.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    let line = `${now().toISOString()} ${level.toUpperCase()} ${redact(String(message), secrets)}`;
    if (fields && Object.keys(fields).length > 0) {
      let json: string;
      try {
        json = JSON.stringify(redactValue(fields, secrets));
      } catch {
        json = '"[unserialisable fields]"';
      }
      // Redact the serialised form too: a secret could be split across a key and a value.
      line += ` ${redact(json, secrets)}`;
    }
    opts.sink(line, level);
  };
  return {
    log,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    addSecret: (s) => {
      if (s) secrets.add(s);
    },
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export function createSilentLogger(): Logger {
  return createLogger({ sink: () => {} });
}
