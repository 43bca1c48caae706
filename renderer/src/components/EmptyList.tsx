// What the list frame shows when there is nothing to list, and while the first rows load.
import { Button, Empty, Progress, Result, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EmployeePage } from '../../../shared/model';
import type { PhotoFilter } from '../hooks/useEmployeeFilter';

export interface EmptyListProps {
  /** The search, photo filter or "include resigned" narrows the list. */
  filtered: boolean;
  photo: PhotoFilter;
  /** The scope's coverage (before the photo filter). */
  coverage: EmployeePage['coverage'];
  onClear: () => void;
}

/**
 * Nothing to list. A photo filter that leaves nobody because everyone (or nobody) is enrolled is good (or plain)
 * news about the scope, not a failed search: it says so instead of "no employee matches".
 */
export function EmptyList({ filtered, photo, coverage, onClear }: EmptyListProps) {
  const { t } = useTranslation();
  // A number, not a string: i18next formats it in the UI language (see i18n/index.ts) and picks the plural.
  const count = coverage.total;
  if (photo === 'without' && coverage.total > 0 && coverage.enrolled === coverage.total)
    return <PhotoFilterResult status="success" title={t('browse.emptyAllEnrolled', { count })} onClear={onClear} />;
  if (photo === 'with' && coverage.total > 0 && coverage.enrolled === 0)
    return <PhotoFilterResult status="info" title={t('browse.emptyNoneEnrolled', { count })} onClear={onClear} />;
  return (
    <div style={{ height: '100%', display: 'grid', placeItems: 'center' }} data-testid="employee-empty">
      <Empty description={filtered ? t('browse.emptyFiltered') : t('browse.emptyTitle')}>
        {filtered && <Button onClick={onClear}>{t('browse.clearFilters')}</Button>}
      </Empty>
    </div>
  );
}

function PhotoFilterResult({ status, title, onClear }: { status: 'success' | 'info'; title: string; onClear: () => void }) {
  const { t } = useTranslation();
  return (
    <div style={{ height: '100%', display: 'grid', placeItems: 'center' }} data-testid="employee-empty" data-reason={status === 'success' ? 'all-enrolled' : 'none-enrolled'}>
      <Result status={status} title={title} extra={<Button onClick={onClear}>{t('browse.showEveryone')}</Button>} />
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
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: inline ? 0 : 12, minWidth: 0 }} data-testid="directory-loading">
      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {progress.total
          ? t('browse.directoryLoading', { done: progress.done, total: progress.total })
          : t('browse.directoryLoadingStart')}
      </Typography.Text>
      <Progress aria-label={t('a11y.directoryProgress')} style={{ width: inline ? 72 : 160, margin: 0, flex: 'none' }} size="small" percent={percent} showInfo={false} status="active" />
    </div>
  );
}
