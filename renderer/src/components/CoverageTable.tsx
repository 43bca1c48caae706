// One coverage table: the department tree (whole company on top, expandable) or the attendance groups, each row
// with enrolled / total, a share bar in the theme's colours, and the not enrolled, not visible and old counts.
import { useState } from 'react';
import { Button, Progress, Table, Tooltip, Typography, theme, type TableColumnsType } from 'antd';
import { BellOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { shareOf, type CoverageCounts, type CoverageScope, type DepartmentCoverage, type GroupCoverage } from '../../../shared/coverage';
import type { EmployeeFilter, Scope } from '../../../shared/model';
import { formatCount } from '../lib/format';

export interface CoverageRowData {
  key: string;
  kind: 'department' | 'group';
  id: string;
  name: string;
  counts: CoverageCounts;
  children?: CoverageRowData[];
}

/** The tree as table rows; the whole company is called by its name in the UI language (companyName). */
export function departmentRows(d: DepartmentCoverage, companyName: string): CoverageRowData {
  const children = d.children.map((c) => departmentRows(c, companyName));
  return { key: d.id, kind: 'department', id: d.id, name: d.id === '0' ? companyName : d.name, counts: d.counts, ...(children.length ? { children } : {}) };
}

export function groupRows(groups: readonly GroupCoverage[]): CoverageRowData[] {
  return groups.map((g) => ({ key: g.id, kind: 'group', id: g.id, name: g.name, counts: g.counts }));
}

/** The browse scope of a row: the whole company is "all", a department includes its sub-departments. */
export function browseScopeOf(r: CoverageRowData): Scope {
  if (r.kind === 'group') return { kind: 'group', id: r.id };
  return r.id === '0' ? { kind: 'all' } : { kind: 'department', id: r.id, recursive: true };
}

export function listScopeOf(r: CoverageRowData): CoverageScope {
  if (r.kind === 'group') return { kind: 'group', id: r.id };
  return r.id === '0' ? { kind: 'all' } : { kind: 'department', id: r.id };
}

function ShareBar({ counts }: { counts: CoverageCounts }) {
  const { token } = theme.useToken();
  const { t } = useTranslation();
  const share = shareOf(counts);
  if (share === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const color = share >= 0.9 ? token.colorSuccess : share >= 0.7 ? token.colorWarning : token.colorError;
  return (
    <Progress
      data-testid="coverage-bar"
      aria-label={t('a11y.coverage')}
      data-share={share.toFixed(3)}
      percent={Math.round(share * 1000) / 10}
      strokeColor={color}
      trailColor={token.colorFillSecondary}
      size="small"
      style={{ width: 180, margin: 0 }}
      format={(p) => `${(p ?? 0).toFixed(1)}%`}
    />
  );
}

export interface CoverageTableProps {
  rows: CoverageRowData[];
  kind: 'department' | 'group';
  onOpen: (scope: Scope, photo: EmployeeFilter['photo']) => void;
  onExport: (row: CoverageRowData) => void;
  exporting: boolean;
  /** "Remind" for a row with employees not enrolled. */
  onRemind?: (row: CoverageRowData) => void;
}

export function CoverageTable({ rows, kind, onOpen, onExport, exporting, onRemind }: CoverageTableProps) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatCount(v, i18n.language);
  const [expanded, setExpanded] = useState<readonly React.Key[]>(['0']);
  const columns: TableColumnsType<CoverageRowData> = [
    {
      title: kind === 'department' ? t('coverage.department') : t('coverage.group'),
      key: 'name',
      render: (_, r) => (
        <Tooltip title={t('coverage.openInBrowse')}>
          <Typography.Link data-testid="coverage-open" onClick={() => onOpen(browseScopeOf(r), 'all')} strong={r.id === '0'}>
            {r.name}
          </Typography.Link>
        </Tooltip>
      ),
    },
    { title: t('coverage.enrolledOfTotal'), key: 'of', width: 130, align: 'right', render: (_, r) => <span data-testid="coverage-of">{`${n(r.counts.enrolled)} / ${n(r.counts.total)}`}</span> },
    { title: t('coverage.share'), key: 'share', width: 210, render: (_, r) => <ShareBar counts={r.counts} /> },
    {
      title: t('coverage.notEnrolled'),
      key: 'missing',
      width: 100,
      align: 'right',
      render: (_, r) =>
        r.counts.notEnrolled > 0 ? (
          <Tooltip title={t('coverage.openMissing')}>
            <Typography.Link data-testid="coverage-missing" onClick={() => onOpen(browseScopeOf(r), 'without')}>
              {n(r.counts.notEnrolled)}
            </Typography.Link>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">0</Typography.Text>
        ),
    },
    {
      title: <Tooltip title={t('coverage.notVisibleHint')}>{t('coverage.notVisible')}</Tooltip>,
      key: 'hidden',
      width: 100,
      align: 'right',
      render: (_, r) => <Typography.Text type={r.counts.notVisible ? 'warning' : 'secondary'}>{n(r.counts.notVisible)}</Typography.Text>,
    },
    { title: t('coverage.stale'), key: 'stale', width: 100, align: 'right', render: (_, r) => <Typography.Text type={r.counts.stale ? undefined : 'secondary'}>{n(r.counts.stale)}</Typography.Text> },
    {
      key: 'export',
      width: onRemind ? 88 : 56,
      render: (_, r) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          <Tooltip title={t('coverage.exportRow', { name: r.name })}>
            <Button type="text" size="small" icon={<DownloadOutlined />} aria-label={t('coverage.exportRow', { name: r.name })} data-testid="coverage-export-row" disabled={exporting} onClick={() => onExport(r)} />
          </Tooltip>
          {onRemind && r.counts.notEnrolled > 0 && (
            <Tooltip title={t('remind.buttonRow', { name: r.name })}>
              <Button type="text" size="small" icon={<BellOutlined />} aria-label={t('remind.buttonRow', { name: r.name })} data-testid="coverage-remind-row" onClick={() => onRemind(r)} />
            </Tooltip>
          )}
        </span>
      ),
    },
  ];
  return (
    <Table<CoverageRowData>
      data-testid={`coverage-table-${kind}`}
      size="small"
      rowKey="key"
      columns={columns}
      dataSource={rows}
      pagination={false}
      sticky
      expandable={kind === 'department' ? { expandedRowKeys: expanded, onExpandedRowsChange: setExpanded, indentSize: 20 } : undefined}
      onRow={(r) => ({ 'data-testid': 'coverage-row', 'data-id': r.id, 'data-total': r.counts.total, 'data-enrolled': r.counts.enrolled }) as React.HTMLAttributes<HTMLElement>}
    />
  );
}
