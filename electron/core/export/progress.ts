// The export's progress meter: counts by outcome, the save rate and the ETA, sent to a listener at most every
// PROGRESS_MS (phase changes and the last event are forced through).
import type { ExportProgress, ManifestRow } from '../../../shared/model';
import { SlidingWindow } from '../../util/sliding-window';

const PROGRESS_MS = 100;
const RATE_WINDOW_MS = 5000;

/**
 * rate: photos saved (downloaded and written) per second over the last RATE_WINDOW_MS; rows settled before the
 * work started (no photo) and instant up-to-date checks do not inflate it. ETA: the employees still to handle,
 * divided by how fast employees of any outcome were handled over the same window.
 */
export class ProgressMeter {
  readonly counts = { done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0 };
  private readonly savedAt = new SlidingWindow(RATE_WINDOW_MS);
  private readonly handledAt = new SlidingWindow(RATE_WINDOW_MS);
  private startedAt: number | null = null;
  private lastEmit = -Infinity;
  phase: ExportProgress['phase'] = 'preparing';

  constructor(
    private readonly jobId: string,
    private readonly total: number,
    private readonly now: () => number,
    private readonly listener?: (p: ExportProgress) => void,
  ) {}

  /** The work starts: rates are measured from here. */
  start(): void {
    this.startedAt = this.now();
  }

  /** live=false for rows settled while planning (no photo), which took no time to produce. */
  count(status: ManifestRow['status'], live = true): void {
    this.counts.done++;
    if (status === 'saved') this.counts.saved++;
    else if (status === 'up_to_date') this.counts.upToDate++;
    else if (status === 'no_photo') this.counts.noPhoto++;
    else if (status === 'failed') this.counts.failed++;
    if (!live) return;
    const t = this.now();
    this.handledAt.add(t);
    if (status === 'saved') this.savedAt.add(t);
  }

  snapshot(): ExportProgress {
    const t = this.now();
    const left = this.total - this.counts.done;
    let rate = 0;
    let throughput = 0;
    if (this.startedAt !== null) {
      // Over the window, or over the time since the start when that is shorter (at least a second, so the
      // first photo does not read as a thousand per second).
      const span = Math.max(Math.min(t - this.startedAt, RATE_WINDOW_MS), 1000) / 1000;
      rate = this.savedAt.count(t) / span;
      throughput = this.handledAt.count(t) / span;
    }
    return {
      jobId: this.jobId,
      phase: this.phase,
      total: this.total,
      ...this.counts,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: left === 0 ? 0 : throughput > 0 ? Math.round(left / throughput) : null,
    };
  }

  /** Sends a snapshot, at most every PROGRESS_MS unless forced. */
  emit(force = false): void {
    if (!this.listener) return;
    const t = this.now();
    if (!force && t - this.lastEmit < PROGRESS_MS) return;
    this.lastEmit = t;
    try {
      this.listener(this.snapshot());
    } catch {
      // A broken listener must not break the export.
    }
  }

  /** A new phase, announced at once. */
  enter(phase: ExportProgress['phase']): void {
    this.phase = phase;
    this.emit(true);
  }
}
