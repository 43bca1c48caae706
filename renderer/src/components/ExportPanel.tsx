// Export progress and its summary: bar, counts, rate, ETA, cancel; failures with reasons, retry, open results.
import { useMutation } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Modal, Progress, Result, Space, Statistic, Table, Typography, theme } from 'antd';
import { FileTextOutlined, FolderOpenOutlined, RedoOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ExportFailure, ExportProgress, ExportSummary } from '../../../shared/model';
import { api, errorInfo, unwrap } from '../lib/api';
import { useExportState } from '../lib/exportState';
import { formatDuration } from '../lib/format';
import { exportSummaryTitle } from '../lib/exportTitle';
import { errorMessage } from '../i18n';

export function ExportPanel() {
  const { t } = useTranslation();
  const s = useExportState();
  const summaryTitle = s.summary ? exportSummaryTitle(s.summary) : null;
  const title = summaryTitle ? <span data-testid="export-summary-title">{t(summaryTitle.key, summaryTitle)}</span> : t('progress.title');
  return (
    <Modal open={s.panelOpen} onCancel={() => s.setPanelOpen(false)} title={title} width={760} footer={null} destroyOnHidden>
      {s.summary ? <SummaryView summary={s.summary} /> : s.progress ? <ProgressView progress={s.progress} /> : null}
    </Modal>
  );
}

function Counts({ saved, upToDate, noPhoto, failed }: { saved: number; upToDate: number; noPhoto: number; failed: number }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: 12 }}>
      <Statistic title={t('progress.saved')} value={saved} data-testid="count-saved" />
      <Statistic title={t('progress.upToDate')} value={upToDate} data-testid="count-up-to-date" />
      <Statistic title={t('progress.noPhoto')} value={noPhoto} data-testid="count-no-photo" />
      <Statistic title={t('progress.failed')} value={failed} data-testid="count-failed" styles={{ content: failed ? { color: token.colorError } : undefined }} />
    </div>
  );
}

function ProgressView({ progress: p }: { progress: ExportProgress }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const cancel = useMutation({
    mutationFn: () => unwrap(api.exportCancel({ jobId: p.jobId })),
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const percent = p.total ? Math.floor((p.done / p.total) * 100) : 0;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="export-progress" data-done={p.done} data-total={p.total}>
      <Typography.Text strong>{t(`progress.${p.phase}`)}</Typography.Text>
      <Progress aria-label={t('a11y.exportProgress')} percent={percent} status={p.phase === 'cancelled' ? 'exception' : 'active'} />
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Text>{t('progress.counts', { done: p.done, total: p.total })}</Typography.Text>
        <Typography.Text type="secondary">
          {t('progress.rate', { rate: p.rate.toFixed(1) })}
          {p.etaSeconds != null && p.phase === 'downloading' ? ` · ${t('progress.eta', { time: formatDuration(p.etaSeconds) })}` : ''}
        </Typography.Text>
      </div>
      <Counts saved={p.saved} upToDate={p.upToDate} noPhoto={p.noPhoto} failed={p.failed} />
      <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button danger icon={<StopOutlined />} loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="export-cancel">
          {t('progress.cancel')}
        </Button>
      </div>
    </Space>
  );
}

/**
 * The whole folder, not only this run: a retry (or a run over part of the employees) keeps the rows of earlier
 * runs, so "all 4 processed" alone would hide the no-photo and other rows the manifest still lists.
 */
function ManifestState({ summary: s }: { summary: ExportSummary }) {
  const { t } = useTranslation();
  if (s.manifestError) {
    return <Alert type="error" showIcon data-testid="export-manifest-error" title={t('progress.manifestNotWritten', { reason: errorMessage(t, s.manifestError) })} />;
  }
  const m = s.manifestTotals;
  if (!m || m.rows === s.total) return null;
  return (
    <Typography.Text type="secondary" data-testid="export-manifest-totals">
      {t('progress.manifestTotals', m)}
    </Typography.Text>
  );
}

function SummaryView({ summary: s }: { summary: ExportSummary }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const state = useExportState();
  const onError = (e: unknown) => void message.error(errorMessage(t, errorInfo(e)));
  const retry = useMutation({
    mutationFn: () => unwrap(api.exportRetryFailed({ jobId: s.jobId })),
    onSuccess: ({ jobId }) => state.started(jobId, s.failed),
    onError,
  });
  const again = useMutation({
    mutationFn: async () => {
      const req = state.lastRequest;
      if (!req) throw new Error('no previous export');
      const r = await unwrap(api.exportStart(req));
      return { jobId: r.jobId, total: req.selection.kind === 'ids' ? req.selection.userIds.length : s.total };
    },
    onSuccess: ({ jobId, total }) => state.started(jobId, total),
    onError,
  });
  const showFolder = useMutation({ mutationFn: () => unwrap(api.exportShowInFolder({ jobId: s.jobId })), onError });
  const openManifest = useMutation({ mutationFn: () => unwrap(api.exportOpenManifest({ jobId: s.jobId })), onError });
  const processed = s.saved + s.upToDate + s.noPhoto + s.failed;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="export-summary" data-failed={s.failed} data-cancelled={s.cancelled || undefined}>
      <Result
        style={{ padding: '8px 0' }}
        status={s.cancelled ? 'warning' : s.failed ? 'warning' : 'success'}
        title={
          s.cancelled
            ? t('progress.summaryCancelled', { done: processed, total: s.total })
            : s.failed
              ? t('progress.summaryFailed', { failed: s.failed })
              : t('progress.summaryOk', { total: s.total, time: formatDuration(s.durationMs / 1000) })
        }
        subTitle={
          <Typography.Text type="secondary" copyable={{ text: s.outDir }} data-testid="export-folder-shown">
            {t('progress.folder')}: {s.outDir}
          </Typography.Text>
        }
      />
      <Counts saved={s.saved} upToDate={s.upToDate} noPhoto={s.noPhoto} failed={s.failed} />
      <ManifestState summary={s} />
      {s.failures.length > 0 && (
        <Table<ExportFailure>
          size="small"
          data-testid="export-failures"
          rowKey="userId"
          pagination={s.failures.length > 6 ? { pageSize: 6, size: 'small' } : false}
          title={() => <Typography.Text strong>{t('progress.failures')}</Typography.Text>}
          dataSource={s.failures}
          columns={[
            { key: 'employee', title: t('progress.employee'), width: 160, render: (_, f) => `${f.name} ${f.employeeNo}` },
            { key: 'reason', title: t('progress.reason'), render: (_, f) => errorMessage(t, f.error) },
          ]}
        />
      )}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <Button icon={<FolderOpenOutlined />} onClick={() => showFolder.mutate()} data-testid="export-show-folder">
          {t('progress.showInFolder')}
        </Button>
        <Button icon={<FileTextOutlined />} onClick={() => openManifest.mutate()} data-testid="export-open-manifest">
          {t('progress.openManifest')}
        </Button>
        <div style={{ flex: 1 }} />
        {state.lastRequest && (
          <Button icon={<RedoOutlined />} loading={again.isPending} onClick={() => again.mutate()} data-testid="export-resume" title={t('progress.resumeHint')}>
            {t('progress.resume')}
          </Button>
        )}
        {s.failed > 0 && (
          <Button type="primary" icon={<ReloadOutlined />} loading={retry.isPending} onClick={() => retry.mutate()} data-testid="export-retry-failed">
            {t('progress.retryFailed')}
          </Button>
        )}
      </div>
    </Space>
  );
}
