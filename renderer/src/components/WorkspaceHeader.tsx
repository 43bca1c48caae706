// The browse screen's header: app name (and demo badge), the "check one employee" lookup, the export
// progress button and settings; plus the banner for a sign-in kept for this run only.
import { useState } from 'react';
import { Alert, Badge, Button, Input, Layout, Progress, Space, Tag, Tooltip, Typography, theme } from 'antd';
import { CloudDownloadOutlined, ExportOutlined, SearchOutlined, SettingOutlined } from '@ant-design/icons';
import { shortcut } from '../lib/keys';
import { useTranslation } from 'react-i18next';
import type { CredentialStatus } from '../../../shared/model';
import { useExportState } from '../lib/exportState';
import { HeaderLookup } from './HeaderLookup';
import { ImportWizardButton } from './ImportWizard/ImportWizard';
import { headerStyles } from './workspaceStyles';

export interface WorkspaceHeaderProps {
  status: CredentialStatus;
  /** The lookup renders after the first rows (a disabled box stands in until then). */
  lookupReady: boolean;
  /** The directory shown is the remembered one, being read again (the lookup then cannot find who has left). */
  directoryRefreshing: boolean;
  onOpenEmployee: (userId: string) => void;
  onOpenSettings: () => void;
}

export function WorkspaceHeader({ status, lookupReady, directoryRefreshing, onOpenEmployee, onOpenSettings }: WorkspaceHeaderProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const s = headerStyles(token);
  return (
    <Layout.Header style={s.bar}>
      <Space size={8} style={s.brand}>
        <span style={s.logo}>
          <CloudDownloadOutlined />
        </span>
        {/* The screen's one h1 (the app's name), drawn as the header's title. */}
        <Typography.Title level={1} style={s.title}>
          {t('app.title')}
        </Typography.Title>
        {status.demo && <Tag color="purple">{t('app.demoBadge')}</Tag>}
      </Space>
      <div style={s.center}>
        {lookupReady ? <HeaderLookup onOpen={onOpenEmployee} directoryRefreshing={directoryRefreshing} /> : <Input style={s.lookupPlaceholder} disabled prefix={<SearchOutlined />} placeholder={t('header.lookupPlaceholder', { key: shortcut('K') })} />}
      </div>
      <Space>
        <ImportWizardButton />
        <ExportProgressButton />
        <Tooltip title={t('header.settings')}>
          <Button type="text" icon={<SettingOutlined />} onClick={onOpenSettings} data-testid="settings-open" aria-label={t('header.settings')} />
        </Tooltip>
      </Space>
    </Layout.Header>
  );
}

/** Once an export ran: its progress while running, then a dot if anything failed; opens the export panel. */
function ExportProgressButton() {
  const { t } = useTranslation();
  const exportState = useExportState();
  const p = exportState.progress;
  if (!p) return null;
  return (
    <Tooltip title={t('header.exports')}>
      <Button type="text" onClick={() => exportState.setPanelOpen(true)} data-testid="export-panel-open" aria-label={t('a11y.exportsButton')}>
        {exportState.running ? (
          <Progress aria-label={t('a11y.exportProgress')} type="circle" size={22} percent={p.total ? Math.floor((p.done / p.total) * 100) : 0} />
        ) : (
          <Badge dot={!!exportState.summary?.failed}>
            <ExportOutlined />
          </Badge>
        )}
      </Button>
    </Tooltip>
  );
}

/** The secret is kept for this run only (the OS cannot encrypt it); the demo tenant has none to keep. */
export function SessionOnlyNotice({ status }: { status: CredentialStatus }) {
  const { t } = useTranslation();
  const [closed, setClosed] = useState(false);
  if (status.persisted || status.demo || closed) return null;
  return (
    <Alert
      banner
      type="warning"
      data-testid="session-only"
      title={
        <span>
          <Typography.Text strong>{t('session.title')}</Typography.Text> — {t(`session.${status.encryption}`)}
        </span>
      }
      closable={{ onClose: () => setClosed(true) }}
    />
  );
}
