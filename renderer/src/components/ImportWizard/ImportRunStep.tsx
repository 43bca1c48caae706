// The import running (polled: done/total, rate, ETA, cancel) and its summary with the failures listed. When it
// ends, the browse view and any open employee read afresh.
import { useEffect } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Progress, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportJobView } from '../../../../shared/photo-change-model';
import { api, unwrap } from '../../lib/api';
import { formatDuration } from '../../lib/format';
import { errorMessage } from '../../i18n';
import { useInvalidateAfterChange } from '../ReplacePhoto';

type Failure = NonNullable<ImportJobView['summary']>['failed'][number];

export function ImportRunStep({ jobId, notImportable, onFinished }: { jobId: string; notImportable: string[]; onFinished: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateAfterChange();
  const job = useQuery({
    queryKey: ['import-current', jobId],
    queryFn: () => unwrap(api.importCurrent()),
    refetchInterval: (q) => (q.state.data?.summary ? false : 400),
  });
  const cancel = useMutation({ mutationFn: () => unwrap(api.importCancel({ jobId })) });
  const view = job.data?.jobId === jobId ? job.data : null;
  const summary = view?.summary ?? null;
  useEffect(() => {
    if (!summary) return;
    invalidate(null);
    onFinished();
    // Once per finished job.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summary !== null]);
  if (!view) return null;
  const p = view.progress;
  if (!summary)
    return (
      <Space orientation="vertical" style={{ width: '100%' }} data-testid="import-progress">
        <Typography.Text strong>{t('importWizard.running')}</Typography.Text>
        <Progress aria-label={t('a11y.importProgress')} percent={p.total ? Math.floor((p.done / p.total) * 100) : 0} />
        <Space split="·">
          <span>{t('importWizard.counts', { done: p.done, total: p.total, failed: p.failed })}</span>
          <span>{t('progress.rate', { rate: p.rate.toFixed(1) })}</span>
          {p.etaSeconds !== null && <span>{t('progress.eta', { time: formatDuration(p.etaSeconds) })}</span>}
        </Space>
        <Button danger loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="import-cancel">
          {t('importWizard.cancel')}
        </Button>
      </Space>
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="import-summary">
      <Alert
        type={summary.failed.length || summary.cancelled ? 'warning' : 'success'}
        showIcon
        title={
          summary.cancelled
            ? t('importWizard.summaryCancelled', { enrolled: summary.enrolled, replaced: summary.replaced, notStarted: summary.notStarted })
            : t('importWizard.summaryDone', { time: formatDuration(summary.durationMs / 1000), enrolled: summary.enrolled, replaced: summary.replaced, failed: summary.failed.length })
        }
      />
      {summary.failed.length > 0 && (
        <Table<Failure>
          size="small"
          rowKey={(f) => `${f.file}:${f.userId}`}
          pagination={false}
          title={() => t('importWizard.failures')}
          dataSource={summary.failed}
          data-testid="import-failures"
          columns={[
            { title: t('importWizard.file'), dataIndex: 'file' },
            { title: t('importWizard.employee'), dataIndex: 'name' },
            { title: t('importWizard.reason'), render: (_, f) => errorMessage(t, f.error) },
          ]}
        />
      )}
      {notImportable.length > 0 && (
        <div data-testid="import-not-importable">
          <Typography.Text>{t('importWizard.notImportable', { count: notImportable.length })}</Typography.Text>
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true }} style={{ margin: 0 }}>
            {notImportable.join('、')}
          </Typography.Paragraph>
        </div>
      )}
      <Typography.Text type="secondary">{t('importWizard.undoHint')}</Typography.Text>
    </Space>
  );
}
