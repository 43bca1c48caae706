// Redacting logger writing to userData/logs/main.log (one old file kept).
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type LogLevel, type Logger, createLogger } from '../app/redact';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

export function createFileLogger(dir: string, level: LogLevel = 'info'): Logger {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'main.log');
  let checked = 0;
  return createLogger({
    level,
    sink: (line) => {
      try {
        // Sync on purpose: the lines that matter most are written just before a crash.
        if (checked++ % 200 === 0 && (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) {
          renameSync(file, join(dir, 'main.old.log'));
        }
        appendFileSync(file, `${line}\n`, { mode: 0o600 });
      } catch {
        // Logging must never take the app down.
      }
      if (!process.env.FACE_ADMIN_QUIET) process.stderr.write(`${line}\n`);
    },
  });
}
