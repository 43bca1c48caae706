// What the CLI prints: a progress bar for people at a terminal, NDJSON for scripts (--json),
// and a summary either way. Progress and warnings go to stderr in text mode so stdout stays
// the result; in --json mode stdout carries only JSON lines.
import cliProgress from 'cli-progress';
import type { AppError } from '../../shared/errors';
import type { ExportProgress, ExportSummary } from '../../shared/model';
import { redact } from '../../shared/redact';
import { describeError, oneLine } from './messages';

export interface Writers {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal, so a live bar makes sense. */
  tty: boolean;
}

export const processWriters = (): Writers => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  tty: Boolean(process.stderr.isTTY),
});

const FAILURES_SHOWN = 20;
const JSON_PROGRESS_EVERY_MS = 250;

export class Reporter {
  private bar: cliProgress.SingleBar | null = null;
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
    this.w.err(this.clean(`warning: ${oneLine(message)}\n`));
  }

  info(message: string): void {
    if (this.json) return;
    this.w.err(this.clean(`${message}\n`));
  }

  progress(p: ExportProgress): void {
    if (this.json) {
      const now = Date.now();
      const last = p.done === p.total || p.phase === 'done' || p.phase === 'cancelled';
      if (!last && now - this.lastJsonProgress < JSON_PROGRESS_EVERY_MS) return;
      this.lastJsonProgress = now;
      this.emit({ type: 'progress', ...p });
      return;
    }
    if (!this.w.tty || p.phase === 'preparing') return;
    const payload = {
      rate: p.rate.toFixed(1),
      etaText: p.etaSeconds === null ? '--' : formatSeconds(p.etaSeconds),
      failed: p.failed,
      phase: p.phase,
    };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: ' {bar} {value}/{total} employees | {rate} photos/s | ETA {etaText} | failed {failed} | {phase}',
          // The real terminal stream: cli-progress moves the cursor with it.
          stream: process.stderr,
          noTTYOutput: false,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.total, p.done, payload);
    } else {
      this.bar.setTotal(p.total);
      this.bar.update(p.done, payload);
    }
  }

  stopProgress(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
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

  summary(s: ExportSummary, exitCode: number): void {
    this.stopProgress();
    if (this.json) {
      this.emit({
        type: 'summary',
        exitCode,
        ...s,
        failures: s.failures.map((f) => ({ ...f, message: describeError(f.error) })),
      });
      return;
    }
    const lines: string[] = [];
    const head = s.cancelled ? 'Export cancelled' : 'Export finished';
    lines.push(`${head} in ${formatSeconds(s.durationMs / 1000)}: ${s.total} employee(s) into ${s.outDir}`);
    lines.push(`  saved        ${s.saved}`);
    lines.push(`  up to date   ${s.upToDate}`);
    lines.push(`  no photo     ${s.noPhoto}`);
    lines.push(`  failed       ${s.failed}`);
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

export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec)) return '--';
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
