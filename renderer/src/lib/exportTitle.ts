// The title of the finished export's window: it says what happened, not just that the export stopped.
import type { ExportSummary } from '../../../shared/model';

export type ExportTitle =
  | { key: 'exportSummary.complete' }
  | { key: 'exportSummary.finishedWithFailures'; failed: number }
  | { key: 'exportSummary.cancelled' | 'exportSummary.cancelledWithFailures'; done: number; total: number; failed: number };

/** An i18n key and its counts: "complete" only when nothing failed and nothing was cancelled. */
export function exportSummaryTitle(s: Pick<ExportSummary, 'total' | 'saved' | 'upToDate' | 'noPhoto' | 'failed' | 'cancelled'>): ExportTitle {
  if (s.cancelled) {
    const done = s.saved + s.upToDate + s.noPhoto + s.failed;
    return { key: s.failed ? 'exportSummary.cancelledWithFailures' : 'exportSummary.cancelled', done, total: s.total, failed: s.failed };
  }
  if (s.failed) return { key: 'exportSummary.finishedWithFailures', failed: s.failed };
  return { key: 'exportSummary.complete' };
}
