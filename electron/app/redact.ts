// A small line logger. Every log line in main, the harness and the CLI passes through the
// project's one redactor (shared/redact.ts), so a secret or token that slips into a message or
// field never reaches disk.
import { redact, redactValue } from '../../shared/redact';

export { REDACTED, redact, redactValue } from '../../shared/redact';

import type { Logger as BaseLogger, LogLevel } from '../util/logger';

export type { LogLevel } from '../util/logger';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger extends BaseLogger {
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
