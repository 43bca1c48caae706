// Settings → privacy: the one-line summary (cached photos, employees processed, oldest cached photo), the
// audit log, and "Erase all local data" behind two confirmations.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Popconfirm, Space, Typography, type ButtonProps } from 'antd';
import { AuditOutlined, DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorInfo, unwrap } from '../lib/api';
import { queryKeys } from '../lib/queryKeys';
import { formatUpdateTime } from '../lib/format';
import { errorMessage } from '../i18n';
import { AuditLog } from './AuditLog';

export function PrivacySettings() {
  const { t } = useTranslation();
  const [auditOpen, setAuditOpen] = useState(false);
  return (
    <div data-testid="settings-privacy">
      <Typography.Text strong>{t('privacy.title')}</Typography.Text>
      <PrivacySummaryLine />
      <Space wrap>
        <Button icon={<AuditOutlined />} onClick={() => setAuditOpen(true)} data-testid="settings-audit-open">
          {t('privacy.auditOpen')}
        </Button>
        <EraseButton />
      </Space>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '6px 0 0' }}>
        {t('privacy.eraseHint')}
      </Typography.Paragraph>
      <AuditLog open={auditOpen} onClose={() => setAuditOpen(false)} />
    </div>
  );
}

function PrivacySummaryLine() {
  const { t, i18n } = useTranslation();
  const summary = useQuery({ queryKey: queryKeys.privacySummary, queryFn: () => unwrap(api.privacySummary()), staleTime: 0 });
  const s = summary.data;
  return (
    <div style={{ margin: '8px 0' }} data-testid="settings-privacy-summary">
      <Typography.Text type="secondary">
        {s
          ? t('privacy.summary', {
              photos: s.cachedPhotos,
              employees: s.employees,
              oldest: s.oldestCachedAt === null ? t('privacy.noPhotos') : formatUpdateTime(s.oldestCachedAt / 1000, i18n.language),
            })
          : summary.error
            ? errorMessage(t, errorInfo(summary.error))
            : t('common.loading')}
      </Typography.Text>
    </div>
  );
}

/** Two confirmations: the first says what goes, the second that the audit log goes too. */
function EraseButton() {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const erase = useMutation({
    mutationFn: () => unwrap(api.dataErase({ confirm: true })),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: queryKeys.cacheInfo });
      void qc.invalidateQueries({ queryKey: queryKeys.privacySummary });
      void qc.invalidateQueries({ queryKey: queryKeys.auditLog });
      void qc.invalidateQueries({ queryKey: queryKeys.exportNotice });
      qc.removeQueries({ queryKey: queryKeys.photos });
      if (r.failed.length) void message.warning(t('privacy.erasedPartly', { folders: r.failed.join(', ') }));
      else void message.success(t('privacy.erased'));
    },
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
  const second = () =>
    modal.confirm({
      title: t('privacy.eraseTitle2'),
      content: <span data-testid="erase-confirm-2">{t('privacy.eraseText2')}</span>,
      okText: t('privacy.eraseNow'),
      okButtonProps: { danger: true, 'data-testid': 'erase-now' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () => erase.mutateAsync(),
    });
  return (
    <Popconfirm
      title={t('privacy.eraseTitle1')}
      description={<div style={{ maxWidth: 300 }}>{t('privacy.eraseText1')}</div>}
      okText={t('privacy.eraseContinue')}
      okButtonProps={{ danger: true, 'data-testid': 'erase-continue' } as ButtonProps}
      cancelText={t('common.cancel')}
      // Not returned: the second dialog is thenable, and the first one would wait for it, open behind it.
      onConfirm={() => {
        second();
      }}
    >
      <Button danger icon={<DeleteOutlined />} loading={erase.isPending} data-testid="settings-erase">
        {t('privacy.erase')}
      </Button>
    </Popconfirm>
  );
}
