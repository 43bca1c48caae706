// The one logger type (types only). Core takes a single `log` function (LogFn); the app's logger
// (electron/app/redact.ts) implements Logger, whose `log` is that same function, so it can be handed to core.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

/** Core's `log` option: a redacted diagnostic line (never given secrets or tokens). */
export type LogFn = (level: LogLevel, message: string, fields?: LogFields) => void;

/** A logger with one method per level, plus the LogFn core takes. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  log: LogFn;
}

