// What a screen reader hears of an export, wherever the focus is and whether the export window is open:
// progress and the end through a polite live region, failures through an assertive one.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportProgress, ExportSummary } from '../../../shared/model';
import { useExportState } from '../lib/exportState';
import { exportSummaryTitle } from '../lib/exportTitle';
import { errorMessage } from '../i18n';

/** Progress is spoken at each phase and each tenth of the way, not per photo (it would never stop talking). */
function progressStep(p: ExportProgress): string {
  return `${p.jobId}:${p.phase}:${p.total ? Math.floor((p.done * 10) / p.total) : 0}`;
}

type TFn = (key: string, options?: Record<string, unknown>) => string;

function politeText(t: TFn, progress: ExportProgress | null, summary: ExportSummary | null): { step: string; text: string } {
  if (summary) {
    const title = exportSummaryTitle(summary);
    const counts = t('a11y.progressNow', { done: summary.saved + summary.upToDate + summary.noPhoto + summary.failed, total: summary.total });
    return { step: `end:${summary.jobId}`, text: `${t(title.key, title)}. ${counts}` };
  }
  if (!progress || progress.phase === 'done' || progress.phase === 'cancelled') return { step: '', text: '' };
  return { step: progressStep(progress), text: `${t(`progress.${progress.phase}`)} ${t('a11y.progressNow', { done: progress.done, total: progress.total })}` };
}

function assertiveText(t: TFn, summary: ExportSummary | null): string {
  if (!summary) return '';
  const parts = [];
  if (summary.failed) parts.push(t('progress.summaryFailed', { failed: summary.failed }));
  if (summary.manifestError) parts.push(t('progress.manifestNotWritten', { reason: errorMessage(t, summary.manifestError) }));
  return parts.join(' ');
}

export function ExportAnnouncer() {
  const { t } = useTranslation();
  const { progress, summary } = useExportState();
  const next = politeText(t, progress, summary);
  // The polite text changes only when the step does (state adjusted during render, React's pattern for it).
  const [said, setSaid] = useState(next);
  if (next.step !== said.step) setSaid(next);
  return (
    <>
      <div className="fa-sr-only" role="status" aria-live="polite" data-testid="announce-polite">
        {said.text}
      </div>
      <div className="fa-sr-only" role="alert" aria-live="assertive" data-testid="announce-assertive">
        {assertiveText(t, summary)}
      </div>
    </>
  );
}
