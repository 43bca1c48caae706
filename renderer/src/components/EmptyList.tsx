import { Button, Empty, Progress, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export function EmptyList({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  const { t } = useTranslation();
  return (
    <div style={{ height: '100%', display: 'grid', placeItems: 'center' }} data-testid="employee-empty">
      <Empty description={filtered ? t('browse.emptyFiltered') : t('browse.emptyTitle')}>
        {filtered && <Button onClick={onClear}>{t('browse.clearFilters')}</Button>}
      </Empty>
    </div>
  );
}

/** While the first page of a new scope or filter loads: the table's shape, not a blank box. */
export function ListLoading({ progress }: { progress?: { done: number; total: number } | null }) {
  return (
    <div style={{ padding: '12px 16px' }} data-testid="employee-list-loading" aria-busy="true">
      {progress && <DirectoryProgress progress={progress} />}
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} active title={false} paragraph={{ rows: 1, width: '100%' }} style={{ marginBottom: 18 }} />
      ))}
    </div>
  );
}

/** Main is still reading a large directory: how far it got (departments read of all). */
export function DirectoryProgress({ progress, inline }: { progress: { done: number; total: number }; inline?: boolean }) {
  const { t } = useTranslation();
  const percent = progress.total ? Math.floor((progress.done / progress.total) * 100) : 0;
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: inline ? 0 : 12 }} data-testid="directory-loading">
      <Typography.Text type="secondary">
        {progress.total
          ? t('browse.directoryLoading', { done: progress.done, total: progress.total })
          : t('browse.directoryLoadingStart')}
      </Typography.Text>
      <Progress style={{ width: 160, margin: 0 }} size="small" percent={percent} showInfo={false} status="active" />
    </div>
  );
}
