// The one notice before the first export of a tenant: what is exported, and that the company needs a lawful
// basis (e.g. separate consent) for face data; with an optional purpose that goes into the audit entry.
// Main remembers per tenant that it was shown (when the export starts), so it does not come back.
import { useState } from 'react';
import { Alert, Button, Input, Modal, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export interface ExportNoticeProps {
  open: boolean;
  count: number;
  loading: boolean;
  onConfirm: (purpose: string) => void;
  onCancel: () => void;
}

export const PURPOSE_MAX = 500;

export function ExportNotice({ open, count, loading, onConfirm, onCancel }: ExportNoticeProps) {
  const { t } = useTranslation();
  const [purpose, setPurpose] = useState('');
  return (
    <Modal
      open={open}
      onCancel={onCancel}
      title={
        <span>
          <SafetyCertificateOutlined style={{ marginRight: 8 }} />
          {t('exportNotice.title')}
        </span>
      }
      width={560}
      footer={[
        <Button key="cancel" onClick={onCancel}>
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" loading={loading} onClick={() => onConfirm(purpose.trim())} data-testid="export-notice-confirm">
          {t('exportNotice.confirm')}
        </Button>,
      ]}
    >
      <div data-testid="export-notice">
        <Typography.Paragraph>{t('exportNotice.what', { count })}</Typography.Paragraph>
        <Alert type="warning" showIcon title={t('exportNotice.lawful')} style={{ marginBottom: 16 }} />
        <label htmlFor="export-purpose" style={{ display: 'block', marginBottom: 6 }}>
          {t('exportNotice.purpose')}
        </label>
        <Input.TextArea
          id="export-purpose"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          maxLength={PURPOSE_MAX}
          autoSize={{ minRows: 2, maxRows: 4 }}
          placeholder={t('exportNotice.purposePlaceholder')}
          data-testid="export-purpose"
        />
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
          {t('exportNotice.once')}
        </Typography.Text>
      </div>
    </Modal>
  );
}
