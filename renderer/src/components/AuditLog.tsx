// Settings → 审计日志 / Audit log: the entries newest first in a filterable table (time, action, details,
// employees), the chain check ("intact", or the first broken entry), and "Export CSV…" (main asks where).
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { ExportOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AuditCheck, AuditRow } from '../../../shared/audit-view';
import { api, errorInfo, unwrap } from '../lib/api';
import { queryKeys } from '../lib/queryKeys';
import { errorMessage } from '../i18n';
import { ErrorState } from './ErrorState';

type TFn = (key: string, options?: Record<string, unknown>) => string;

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** Local date and time to the second: two entries a few seconds apart must read differently. */
function formatAuditTime(iso: string, locale: string): string {
  let f = timeFormats.get(locale);
  if (!f) timeFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' })));
  return f.format(new Date(iso));
}

/** i18n keys cannot hold dots: session.sign_in is privacy.actions.session_sign_in. */
function actionLabel(t: TFn, action: string): string {
  const key = `privacy.actions.${action.replace(/\./g, '_')}`;
  const label = t(key);
  return label === key ? action : label;
}

function fieldLabel(t: TFn, name: string): string {
  const key = `privacy.fields.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

function valueText(t: TFn, v: AuditRow['details'][string]): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? t('privacy.yes') : t('privacy.no');
  return String(v);
}

/** Left out of the table (the CSV has them): the count has its own column, job ids and naming say little here. */
const HIDDEN_FIELDS = new Set(['employees', 'jobId', 'retryOf', 'template', 'subfolders']);
/** Shown first: why, then what. */
const FIRST_FIELDS = ['purpose', 'scope'];

function fieldValue(t: TFn, k: string, v: AuditRow['details'][string]): string {
  if (k === 'scope' && typeof v === 'string') {
    const key = `privacy.scopes.${v}`;
    const label = t(key);
    if (label !== key) return label;
  }
  return valueText(t, v);
}

/** "Purpose: …; Scope: …; Folder: …" in the UI language. */
function detailsText(t: TFn, row: AuditRow): string {
  const rank = (k: string) => (FIRST_FIELDS.includes(k) ? FIRST_FIELDS.indexOf(k) : FIRST_FIELDS.length);
  return Object.entries(row.details)
    .filter(([k, v]) => !HIDDEN_FIELDS.has(k) && v !== null && v !== '')
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${fieldLabel(t, k)}: ${fieldValue(t, k, v)}`)
    .join('; ');
}

function ChainCheck({ check }: { check: AuditCheck }) {
  const { t } = useTranslation();
  if (check.ok) return <Alert type="success" showIcon title={t('privacy.chainOk', { count: check.entries })} data-testid="audit-chain" data-ok="true" />;
  return (
    <Alert
      type="error"
      showIcon
      title={t('privacy.chainBroken', { seq: check.seq, line: check.line, reason: t(`privacy.reasons.${check.reason}`) })}
      data-testid="audit-chain"
      data-ok="false"
    />
  );
}

export function AuditLog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} onCancel={onClose} title={t('privacy.auditTitle')} width={1080} footer={null} destroyOnHidden>
      {open && <AuditBody />}
    </Modal>
  );
}

function AuditBody() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const log = useQuery({ queryKey: queryKeys.auditLog, queryFn: () => unwrap(api.auditLog()), staleTime: 0 });
  const [action, setAction] = useState<string>('');
  const [text, setText] = useState('');
  const csv = useMutation({
    mutationFn: () => unwrap(api.auditExportCsv()),
    onSuccess: (r) => {
      if (r) void message.success(t('privacy.csvSaved', { count: r.entries, path: r.path }));
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (log.data?.rows ?? []).filter((r) => {
      if (action && r.action !== action) return false;
      if (!needle) return true;
      return [r.actor, r.tenant, actionLabel(t, r.action), detailsText(t, r)].some((s) => s.toLowerCase().includes(needle));
    });
  }, [log.data, action, text, t]);
  const actions = useMemo(() => [...new Set((log.data?.rows ?? []).map((r) => r.action))].sort(), [log.data]);

  if (log.error) return <ErrorState error={log.error} onRetry={() => void log.refetch()} />;
  const data = log.data;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="audit-log">
      <Typography.Text type="secondary">{t('privacy.auditIntro')}</Typography.Text>
      {data && <ChainCheck check={data.check} />}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Select
          style={{ width: 220 }}
          value={action}
          onChange={setAction}
          data-testid="audit-filter-action"
          aria-label={t('privacy.colAction')}
          options={[{ value: '', label: t('privacy.allActions') }, ...actions.map((a) => ({ value: a, label: actionLabel(t, a) }))]}
        />
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('privacy.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ flex: 1, minWidth: 220 }}
          data-testid="audit-filter-text"
          aria-label={t('privacy.search')}
        />
        <Button icon={<ExportOutlined />} loading={csv.isPending} onClick={() => csv.mutate()} data-testid="audit-export-csv">
          {t('privacy.exportCsv')}
        </Button>
      </div>
      <Table<AuditRow>
        size="small"
        rowKey="seq"
        loading={log.isPending}
        dataSource={rows}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        scroll={{ y: 420 }}
        locale={{ emptyText: t('privacy.empty') }}
        onRow={(r) => ({ 'data-testid': 'audit-row', 'data-action': r.action }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'at', title: t('privacy.colTime'), width: 180, render: (_, r) => formatAuditTime(r.at, i18n.language) },
          { key: 'action', title: t('privacy.colAction'), width: 170, render: (_, r) => actionLabel(t, r.action) },
          {
            key: 'details',
            title: t('privacy.colDetails'),
            render: (_, r) => (
              <div style={{ wordBreak: 'break-word' }}>
                <div data-testid="audit-details">{detailsText(t, r) || '—'}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('privacy.by', { user: r.actor, tenant: r.tenant })}
                </Typography.Text>
              </div>
            ),
          },
          { key: 'count', title: t('privacy.colCount'), width: 120, align: 'right', render: (_, r) => (r.count === null ? '—' : r.count.toLocaleString(i18n.language)) },
        ]}
      />
      {data && data.rows.length < data.total && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('privacy.showing', { shown: data.rows.length, total: data.total })}
        </Typography.Text>
      )}
    </Space>
  );
}
