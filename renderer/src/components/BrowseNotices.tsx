// Notices above the list, in the main pane only: a field scope the app lacks (what it costs, dismissible), and
// the side panel's lists that could not be read (the panel itself only says "see the main pane").
import { useState } from 'react';
import { Alert, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorInfo } from '../lib/api';
import { departmentsOptions, groupsOptions } from '../lib/employees';
import { ErrorState } from './ErrorState';

/** The scope behind 工号 (employee_no); see EMPLOYEE_NO_SCOPE in core. */
const EMPLOYEE_NO_SCOPE = 'contact:user.employee_number:read';

/**
 * Once per run: a dismissed notice stays dismissed for that scope. One or two lines (what is missing, what it
 * costs, who can fix it), no description block: at 1280×720 a taller notice squeezed the photo grid's tiles.
 */
export function MissingScopeNotice({ scopes }: { scopes: readonly string[] }) {
  const { t } = useTranslation();
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const shown = scopes.filter((scope) => !dismissed.has(scope));
  if (!shown.length) return null;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {shown.map((scope) => (
        <Alert
          key={scope}
          type="warning"
          showIcon
          data-testid="missing-scope-notice"
          data-scope={scope}
          title={
            <span>
              {scope === EMPLOYEE_NO_SCOPE ? t('browse.missingScopeEmployeeNo') : t('browse.missingScope')}{' '}
              <Typography.Text code copyable>
                {scope}
              </Typography.Text>{' '}
              {t('browse.missingScopeFix')}
            </span>
          }
          closable={{ onClose: () => setDismissed((d) => new Set(d).add(scope)) }}
        />
      ))}
    </Space>
  );
}

/** Department or group read failures, unless the list itself failed the same way (then the list says it). */
export function PanelErrors({ listError }: { listError: unknown }) {
  const { t } = useTranslation();
  const departments = useQuery(departmentsOptions());
  const groups = useQuery(groupsOptions());
  const listCode = listError ? errorInfo(listError).code : null;
  const failed = [
    { key: 'departments', query: departments },
    { key: 'groups', query: groups },
  ].filter(({ query }) => query.error && errorInfo(query.error).code !== listCode);
  if (!failed.length) return null;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="panel-errors">
      {failed.map(({ key, query }) => (
        <ErrorState
          key={key}
          compact
          testId={`panel-error-${key}`}
          error={query.error}
          extra={<Typography.Text type="secondary">{t(`browse.panelError.${key}`)}</Typography.Text>}
          onRetry={() => void query.refetch()}
        />
      ))}
    </Space>
  );
}
