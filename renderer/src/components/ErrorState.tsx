// One way to show a failure: the translated "what to do" message, plus Feishu's codes for support.
import { Alert, Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { errorInfo } from '../lib/api';
import { errorMessage } from '../i18n';
import type { AppError } from '../../../shared/errors';

export function supportLine(e: AppError): string | null {
  const parts: string[] = [];
  if (e.feishuCode != null) parts.push(`code ${e.feishuCode}`);
  if (e.logId) parts.push(`log_id ${e.logId}`);
  return parts.length ? parts.join(' · ') : null;
}

export function ErrorState({
  error,
  onRetry,
  compact,
  extra,
  testId,
}: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
  extra?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  const info = errorInfo(error);
  const support = supportLine(info);
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId ?? 'error-state'}
      data-error-code={info.code}
      title={errorMessage(t, info)}
      description={
        compact && !support && !extra ? undefined : (
          <>
            {extra}
            {support && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }} copyable={{ text: support }}>
                {t('common.details')}: {support}
              </Typography.Text>
            )}
          </>
        )
      }
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}
