// What the CLI prints: a progress bar for people at a terminal, NDJSON for scripts (--json),
// and a summary either way. Progress and warnings go to stderr in text mode so stdout stays
// the result; in --json mode stdout carries only JSON lines.
import type { AppError } from '../../shared/errors';
import type { ExportProgress, ExportSummary } from '../../shared/model';
import { redact } from '../../shared/redact';
import { describeError, oneLine } from './messages';
import { formatProgressLine, formatSeconds, handledCount } from './progress-line';

export { formatSeconds };

export interface Writers {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal, so a live bar makes sense. */
  tty: boolean;
  /** The terminal's width now (it may change while the bar runs); 80 when not given. */
  columns?: () => number;
}

export const processWriters = (): Writers => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  tty: Boolean(process.stderr.isTTY),
  // The bar is drawn on stderr; stdout may be a pipe or a file.
  columns: () => process.stderr.columns || process.stdout.columns || 80,
});

/** "1 employee", "238 employees". */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const FAILURES_SHOWN = 20;
const JSON_PROGRESS_EVERY_MS = 250;

export class Reporter {
  private barShown = false;
  private lastJsonProgress = 0;
  private readonly secrets: string[] = [];

  constructor(
    readonly json: boolean,
    private readonly w: Writers = processWriters(),
  ) {}

  /** Registers text that must never be printed (the app secret). */
  hide(secret: string): void {
    if (secret) this.secrets.push(secret);
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }

  private emit(obj: Record<string, unknown>): void {
    this.w.out(this.clean(JSON.stringify(obj)) + '\n');
  }

  warn(message: string): void {
    this.stopProgress(); // on a line of its own, not glued to the bar
    this.w.err(this.clean(`warning: ${oneLine(message)}\n`));
  }

  info(message: string): void {
    if (this.json) return;
    this.w.err(this.clean(`${message}\n`));
  }

  progress(p: ExportProgress): void {
    // A cancelled employee was not handled: done counts only what happened, in the bar and in the NDJSON.
    const done = handledCount(p);
    if (this.json) {
      const now = Date.now();
      const last = p.done === p.total || p.phase === 'done' || p.phase === 'cancelled';
      if (!last && now - this.lastJsonProgress < JSON_PROGRESS_EVERY_MS) return;
      this.lastJsonProgress = now;
      this.emit({ type: 'progress', ...p, done });
      return;
    }
    if (!this.w.tty || p.phase === 'preparing') return;
    // Back to the line's start, the line, then clear what a longer earlier line left to its right.
    this.w.err(`\r${formatProgressLine(p, this.w.columns?.() ?? 80)}\x1b[K`);
    this.barShown = true;
  }

  stopProgress(): void {
    if (this.barShown) {
      this.w.err('\n');
      this.barShown = false;
    }
  }

  error(e: AppError): void {
    this.stopProgress();
    const message = this.clean(describeError(e));
    if (this.json) {
      this.emit({
        type: 'error',
        code: e.code,
        message,
        ...(e.scopes ? { scopes: e.scopes } : {}),
        ...(e.feishuCode !== undefined ? { feishuCode: e.feishuCode } : {}),
        ...(e.logId ? { logId: e.logId } : {}),
        ...(e.detail ? { detail: this.clean(e.detail) } : {}),
      });
    } else {
      this.w.err(`error: ${message}\n`);
    }
  }

  /** Ctrl+C before the export itself began (e.g. while reading the directory): nothing was written. */
  cancelledEarly(): void {
    this.stopProgress();
    const message = 'Cancelled before anything was saved.';
    if (this.json) this.emit({ type: 'error', code: 'export.cancelled', message });
    else this.w.err(`${message}\n`);
  }

  /** scope: what was selected, after the count ("(whole company)", "in attendance group …"). */
  summary(s: ExportSummary, exitCode: number, scope = ''): void {
    this.stopProgress();
    // Every employee the run did not reach: the manifest's `cancelled` rows.
    const cancelledCount = s.total - handledCount(s);
    if (this.json) {
      this.emit({
        type: 'summary',
        exitCode,
        ...s,
        cancelledCount,
        failures: s.failures.map((f) => ({ ...f, message: describeError(f.error) })),
      });
      return;
    }
    const lines: string[] = [];
    const took = formatSeconds(s.durationMs / 1000);
    const what = `${countOf(s.total, 'employee')}${scope ? ` ${scope}` : ''}`;
    lines.push(s.cancelled ? `Export cancelled after ${took}: ${what} into ${s.outDir}` : `Export finished in ${took}: ${what} into ${s.outDir}`);
    lines.push(`  saved        ${s.saved}`);
    lines.push(`  up to date   ${s.upToDate}`);
    lines.push(`  no photo     ${s.noPhoto}`);
    lines.push(`  failed       ${s.failed}`);
    if (cancelledCount > 0) lines.push(`  cancelled    ${cancelledCount} (not reached; run the same command again to finish)`);
    for (const f of s.failures.slice(0, FAILURES_SHOWN)) {
      const who = [f.name || '(no name)', f.employeeNo ? `#${f.employeeNo}` : '', `user_id ${f.userId}`].filter(Boolean).join(' ');
      lines.push(`    - ${who}: ${f.error.code} — ${describeError(f.error)}`);
    }
    if (s.failures.length > FAILURES_SHOWN) lines.push(`    … and ${s.failures.length - FAILURES_SHOWN} more (see the manifest)`);
    const m = s.manifestTotals;
    // A retry or a partial re-run keeps the rows of earlier runs: say what the folder holds as a whole too.
    if (m && m.rows !== s.total) {
      lines.push(`  manifest lists ${m.rows} employee(s): ${m.photos} with a photo, ${m.noPhoto} no photo, ${m.failed} failed, ${m.notProcessed} not processed`);
    }
    if (s.manifestError) lines.push(`Manifest: NOT written — ${describeError(s.manifestError)}`);
    else lines.push(`Manifest: ${s.manifestPath}`);
    if (s.zipPath) lines.push(`Zip: ${s.zipPath}`);
    this.w.out(this.clean(lines.join('\n') + '\n'));
  }

  /** Free-form result (check command). */
  result(text: string, obj: Record<string, unknown>): void {
    if (this.json) this.emit(obj);
    else this.w.out(this.clean(text.endsWith('\n') ? text : text + '\n'));
  }
}
