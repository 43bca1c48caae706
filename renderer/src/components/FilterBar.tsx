// The bar above the selection bar: the list filter, photo filter, "include resigned", directory progress or
// coverage, and the table / photo grid toggle (with the thumbnail size in the grid). One line at any width:
// the filter box and the progress text shrink instead of wrapping.
import { Checkbox, Input, Progress, Segmented, Space, Tooltip, Typography } from 'antd';
import { AppstoreOutlined, FilterOutlined, TableOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EmployeePage, Settings } from '../../../shared/model';
import type { EmployeeFilterState, PhotoFilter } from '../hooks/useEmployeeFilter';
import { DirectoryAge } from './DirectoryAge';
import { DirectoryProgress } from './EmptyList';
import { filterBarStyles as s } from './workspaceStyles';

export type ListView = 'table' | 'grid';
export type ThumbSize = Settings['thumbSize'];

export interface FilterBarProps {
  filter: EmployeeFilterState;
  /** The current filter's first page (or the previous one's while it loads): total and coverage. */
  page: EmployeePage | undefined;
  /** The first page of this very filter, once loaded: its directory-loading progress. */
  firstPage: EmployeePage | undefined;
  view: ListView;
  onView: (view: ListView) => void;
  thumbSize: ThumbSize;
  onThumbSize: (size: ThumbSize) => void;
}

export function FilterBar({ filter: f, page, firstPage, view, onView, thumbSize, onThumbSize }: FilterBarProps) {
  const { t } = useTranslation();
  return (
    <div style={s.bar}>
      {/* A filter of the list below (funnel, "filter the list"), unlike the header's "check one employee". */}
      <span data-testid="employee-search" style={s.search}>
        <Input
          prefix={<FilterOutlined />}
          aria-label={t('browse.searchLabel')}
          title={t('browse.searchLabel')}
          placeholder={t('browse.searchPlaceholder')}
          allowClear
          value={f.searchText}
          onChange={(e) => f.setSearchText(e.target.value)}
          onPressEnter={() => f.submitSearch(f.searchText)}
          maxLength={200}
        />
      </span>
      <Segmented
        style={s.noShrink}
        data-testid="photo-filter"
        value={f.filter.photo}
        onChange={(v) => f.setPhoto(v as PhotoFilter)}
        options={[
          { value: 'all', label: t('browse.photoAll') },
          { value: 'with', label: t('browse.photoWith') },
          { value: 'without', label: t('browse.photoWithout') },
        ]}
      />
      <Checkbox style={s.noShrink} checked={f.filter.includeResigned} onChange={(e) => f.setIncludeResigned(e.target.checked)} data-testid="include-resigned">
        {t('browse.includeResigned')}
      </Checkbox>
      <div style={s.spacer} />
      {firstPage?.remembered && <DirectoryAge remembered={firstPage.remembered} />}
      {/* While main reads the directory its progress stands where the coverage goes (both would not fit). */}
      {firstPage?.loading && firstPage.total > 0 ? <DirectoryProgress inline progress={firstPage.loading} /> : page && <Coverage page={page} bar={view === 'table'} />}
      {view === 'grid' && (
        <Tooltip title={t('browse.thumbSize')}>
          <Segmented
            data-testid="thumb-size"
            aria-label={t('browse.thumbSize')}
            style={s.noShrink}
            value={thumbSize}
            onChange={(v) => onThumbSize(v as ThumbSize)}
            options={[
              { value: 'small', label: t('browse.thumbSmall') },
              { value: 'medium', label: t('browse.thumbMedium') },
              { value: 'large', label: t('browse.thumbLarge') },
            ]}
          />
        </Tooltip>
      )}
      {/* Icons only (with the words in English the bar ran out of room at 1280 px and clipped this toggle):
          the words are each item's accessible name and its tooltip. */}
      <Segmented
        style={s.noShrink}
        data-testid="view-toggle"
        aria-label={t('browse.view')}
        value={view}
        onChange={(v) => onView(v as ListView)}
        options={[
          { value: 'table', icon: <TableOutlined aria-hidden />, label: <span className="fa-sr-only">{t('browse.viewTable')}</span>, tooltip: t('browse.viewTable') },
          { value: 'grid', icon: <AppstoreOutlined aria-hidden />, label: <span className="fa-sr-only">{t('browse.viewGrid')}</span>, tooltip: t('browse.viewGrid') },
        ]}
      />
    </div>
  );
}

/** Enrolled of all in the scope, as a small bar (not in the grid, where the size control needs its room). */
function Coverage({ page, bar }: { page: EmployeePage; bar: boolean }) {
  const { t } = useTranslation();
  const { coverage } = page;
  return (
    <Tooltip title={t('browse.matching', { count: page.total })}>
      <Space size={8} data-testid="coverage" style={s.noShrink}>
        {bar && <Progress aria-label={t('a11y.coverage')} style={s.coverageBar} size="small" status="normal" percent={coverage.total ? Math.round((coverage.enrolled / coverage.total) * 100) : 0} showInfo={false} />}
        <Typography.Text>{t('browse.coverage', { enrolled: coverage.enrolled, total: coverage.total })}</Typography.Text>
      </Space>
    </Tooltip>
  );
}
