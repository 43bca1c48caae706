// 录入情况 / Coverage: who has a face photo, department by department (with sub-departments) and group by group,
// with "export list" for any row or the whole company. A row opens Browse with the matching filter.
import { useState, type ReactNode } from 'react';
import { Button, InputNumber, Segmented, Space, Tabs, Typography, theme } from 'antd';
import { BellOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DEFAULT_STALE_MONTHS } from '../../../shared/coverage';
import type { EmployeeFilter, Scope } from '../../../shared/model';
import { CoverageTable, departmentRows, groupRows, listScopeOf, type CoverageRowData } from '../components/CoverageTable';
import { ErrorState } from '../components/ErrorState';
import { ListLoading } from '../components/EmptyList';
import { RemindDialog } from '../components/RemindDialog';
import type { RemindSelection } from '../../../shared/remind';
import { useCoverage, useExportList, type ListFormat } from '../lib/coverage';
import { formatCount } from '../lib/format';

export interface CoverageScreenProps {
  /** The Browse / Coverage switch, shown at the top like on the browse screen. */
  switcher: ReactNode;
  onOpen: (scope: Scope, photo: EmployeeFilter['photo']) => void;
}

export function CoverageScreen({ switcher, onOpen }: CoverageScreenProps) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const [staleMonths, setStaleMonths] = useState(DEFAULT_STALE_MONTHS);
  const [tab, setTab] = useState<'department' | 'group'>('department');
  const [format, setFormat] = useState<ListFormat>('xlsx');
  const coverage = useCoverage(staleMonths);
  const exportList = useExportList(staleMonths, format);
  const onExport = (r: CoverageRowData) => exportList.mutate({ scope: listScopeOf(r), by: tab });
  const [remind, setRemind] = useState<{ selection: RemindSelection; label: string } | null>(null);
  const onRemind = (r: CoverageRowData) => setRemind({ selection: { scope: listScopeOf(r) }, label: r.name });
  const c = coverage.data?.company.counts;
  const n = (v: number) => formatCount(v, i18n.language);

  return (
    <main data-testid="coverage-screen" style={{ display: 'flex', flexDirection: 'column', gap: 12, padding: 16, minHeight: 0, flex: 1, overflow: 'auto' }}>
      {switcher}
      <div style={{ display: 'flex', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('coverage.title')}
        </Typography.Title>
        {c && (
          <Typography.Text data-testid="coverage-summary" style={{ color: token.colorTextSecondary }}>
            {t('coverage.summary', { enrolled: c.enrolled, total: c.total })} · {t('coverage.notEnrolled')} {n(c.notEnrolled)} · {t('coverage.notVisible')} {n(c.notVisible)} ·{' '}
            {t('coverage.stale')} {n(c.stale)}
          </Typography.Text>
        )}
        <span style={{ flex: 1 }} />
        <Space>
          <span title={t('coverage.staleHint')}>
            {t('coverage.staleMonths')}{' '}
            <InputNumber data-testid="coverage-stale-months" aria-label={t('coverage.staleHint')} size="small" min={1} max={240} value={staleMonths} onChange={(v) => v && setStaleMonths(Math.round(v))} style={{ width: 64 }} />{' '}
            {t('coverage.months')}
          </span>
          <Segmented<ListFormat> aria-label={t('coverage.format')} size="small" value={format} onChange={setFormat} options={[{ value: 'xlsx', label: 'XLSX' }, { value: 'csv', label: 'CSV' }]} />
          <Button data-testid="coverage-remind-all" icon={<BellOutlined />} disabled={!c || c.notEnrolled === 0} onClick={() => setRemind({ selection: { scope: { kind: 'all' } }, label: t('coverage.company') })}>
            {t('remind.button')}
          </Button>
          <Button data-testid="coverage-export-all" icon={<DownloadOutlined />} loading={exportList.isPending} onClick={() => exportList.mutate({ scope: { kind: 'all' }, by: tab })}>
            {t('coverage.exportAll')}
          </Button>
        </Space>
      </div>
      {coverage.error ? (
        <ErrorState error={coverage.error} onRetry={() => void coverage.refetch()} />
      ) : !coverage.data ? (
        <ListLoading />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as 'department' | 'group')}
          items={[
            {
              key: 'department',
              label: <span data-testid="coverage-tab-department">{t('coverage.byDepartment')}</span>,
              children: <CoverageTable kind="department" rows={[departmentRows(coverage.data.company, t('coverage.company'))]} onOpen={onOpen} onExport={onExport} exporting={exportList.isPending} onRemind={onRemind} />,
            },
            {
              key: 'group',
              label: <span data-testid="coverage-tab-group">{t('coverage.byGroup')}</span>,
              children: <CoverageTable kind="group" rows={groupRows(coverage.data.groups)} onOpen={onOpen} onExport={onExport} exporting={exportList.isPending} onRemind={onRemind} />,
            },
          ]}
        />
      )}
      {remind && <RemindDialog selection={remind.selection} label={remind.label} onClose={() => setRemind(null)} />}
    </main>
  );
}
