// The bar above the selection bar: search, photo filter, "include resigned", directory progress, coverage
// and the table / photo grid toggle.
import { Checkbox, Input, Progress, Segmented, Space, Tooltip, Typography } from 'antd';
import { AppstoreOutlined, TableOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EmployeePage } from '../../../shared/model';
import type { EmployeeFilterState, PhotoFilter } from '../hooks/useEmployeeFilter';
import { DirectoryProgress } from './EmptyList';
import { filterBarStyles as s } from './workspaceStyles';

export type ListView = 'table' | 'grid';

export interface FilterBarProps {
  filter: EmployeeFilterState;
  /** The current filter's first page (or the previous one's while it loads): total and coverage. */
  page: EmployeePage | undefined;
  /** The first page of this very filter, once loaded: its directory-loading progress. */
  firstPage: EmployeePage | undefined;
  view: ListView;
  onView: (view: ListView) => void;
}

export function FilterBar({ filter: f, page, firstPage, view, onView }: FilterBarProps) {
  const { t } = useTranslation();
  return (
    <div style={s.bar}>
      <Input.Search
        data-testid="employee-search"
        placeholder={t('browse.searchPlaceholder')}
        allowClear
        value={f.searchText}
        onChange={(e) => f.setSearchText(e.target.value)}
        onSearch={f.submitSearch}
        style={s.search}
        maxLength={200}
      />
      <Segmented
        data-testid="photo-filter"
        value={f.filter.photo}
        onChange={(v) => f.setPhoto(v as PhotoFilter)}
        options={[
          { value: 'all', label: t('browse.photoAll') },
          { value: 'with', label: t('browse.photoWith') },
          { value: 'without', label: t('browse.photoWithout') },
        ]}
      />
      <Checkbox checked={f.filter.includeResigned} onChange={(e) => f.setIncludeResigned(e.target.checked)} data-testid="include-resigned">
        {t('browse.includeResigned')}
      </Checkbox>
      <div style={s.spacer} />
      {firstPage?.loading && firstPage.total > 0 && <DirectoryProgress inline progress={firstPage.loading} />}
      {page && <Coverage page={page} />}
      <Segmented
        data-testid="view-toggle"
        value={view}
        onChange={(v) => onView(v as ListView)}
        options={[
          { value: 'table', label: t('browse.viewTable'), icon: <TableOutlined /> },
          { value: 'grid', label: t('browse.viewGrid'), icon: <AppstoreOutlined /> },
        ]}
      />
    </div>
  );
}

/** Enrolled of all in the scope, as a small bar; the tooltip says how many match. */
function Coverage({ page }: { page: EmployeePage }) {
  const { t } = useTranslation();
  const { coverage } = page;
  return (
    <Tooltip title={t('browse.matching', { count: page.total })}>
      <Space size={8} data-testid="coverage">
        <Progress style={s.coverageBar} size="small" status="normal" percent={coverage.total ? Math.round((coverage.enrolled / coverage.total) * 100) : 0} showInfo={false} />
        <Typography.Text>{t('browse.coverage', { enrolled: coverage.enrolled.toLocaleString(), total: coverage.total.toLocaleString() })}</Typography.Text>
      </Space>
    </Tooltip>
  );
}
