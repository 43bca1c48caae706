import { Button, Empty } from 'antd';
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
