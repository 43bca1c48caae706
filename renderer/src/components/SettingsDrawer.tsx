// Settings: language, theme, photo cache, account.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Descriptions, Divider, Drawer, InputNumber, Popconfirm, Select, Space, Typography } from 'antd';
import { DeleteOutlined, LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CredentialStatus, SettingsPatch } from '../../../shared/model';
import { api, errorInfo, unwrap } from '../lib/api';
import { queryKeys, staleTimes } from '../lib/queryKeys';
import { formatBytes } from '../lib/format';
import { errorMessage } from '../i18n';
import { useAppInfo, useSaveSettings, useSettings } from '../lib/settings';
import { ErrorState } from './ErrorState';
import { PrivacySettings } from './PrivacySettings';

export function SettingsDrawer({ open, onClose, status }: { open: boolean; onClose: () => void; status: CredentialStatus }) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} title={t('settings.title')} size={420} destroyOnHidden>
      {open && <SettingsBody status={status} />}
    </Drawer>
  );
}

function SettingsBody({ status }: { status: CredentialStatus }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const settings = useSettings();
  const info = useAppInfo();
  const save = useSaveSettings();
  const cache = useQuery({ queryKey: queryKeys.cacheInfo, queryFn: () => unwrap(api.cacheInfo()), staleTime: staleTimes.cacheInfo });
  const onError = (e: unknown) => void message.error(errorMessage(t, errorInfo(e)));
  const clear = useMutation({
    mutationFn: () => unwrap(api.cacheClear()),
    onSuccess: (c) => {
      qc.setQueryData(queryKeys.cacheInfo, c);
      void qc.invalidateQueries({ queryKey: queryKeys.privacySummary });
      void message.success(t('settings.cleared'));
    },
    onError,
  });
  const signOut = useMutation({
    mutationFn: () => unwrap(api.credentialsClear()),
    onSuccess: (s) => {
      // Nothing of this tenant (rows, photo bytes) stays in memory after signing out.
      qc.removeQueries({ queryKey: queryKeys.directory });
      qc.removeQueries({ queryKey: queryKeys.photos });
      qc.setQueryData(queryKeys.credentials, s);
    },
    onError,
  });
  const patch = (p: SettingsPatch) => save.mutate(p, { onError });

  if (settings.error) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  const locale = i18n.language;

  return (
    <Space orientation="vertical" size={20} style={{ width: '100%' }}>
      <div>
        <Typography.Text strong>{t('settings.language')}</Typography.Text>
        <Select
          data-testid="settings-language"
          aria-label={t('settings.language')}
          style={{ width: '100%', marginTop: 8 }}
          value={s?.language ?? 'system'}
          onChange={(language) => patch({ language })}
          options={[
            { value: 'system', label: t('settings.langSystem') },
            { value: 'zh-CN', label: '简体中文' },
            { value: 'en-US', label: 'English' },
          ]}
        />
      </div>
      <div>
        <Typography.Text strong>{t('settings.theme')}</Typography.Text>
        <Select
          data-testid="settings-theme"
          aria-label={t('settings.theme')}
          style={{ width: '100%', marginTop: 8 }}
          value={s?.theme ?? 'system'}
          onChange={(theme) => patch({ theme })}
          options={[
            { value: 'system', label: t('settings.themeSystem') },
            { value: 'light', label: t('settings.themeLight') },
            { value: 'dark', label: t('settings.themeDark') },
          ]}
        />
      </div>
      <Divider style={{ margin: 0 }} />
      <div>
        <Typography.Text strong>{t('settings.cache')}</Typography.Text>
        <div style={{ margin: '8px 0' }} data-testid="settings-cache">
          {cache.error ? (
            <ErrorState compact error={cache.error} onRetry={() => void cache.refetch()} />
          ) : cache.data ? (
            <Typography.Text type="secondary">
              {t('settings.cacheUsage', {
                size: formatBytes(cache.data.bytes, locale),
                files: cache.data.files,
                limit: formatBytes(cache.data.maxBytes, locale),
              })}
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
          )}
        </div>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="settings-cache-at-rest">
          {status.photoCacheInMemory ? t('settings.cacheInMemory') : t('settings.cacheEncrypted', { days: s?.cacheRetentionDays ?? 30 })}
        </Typography.Paragraph>
        <Space wrap>
          <span>{t('settings.cacheLimit')}</span>
          <CacheLimit
            value={s?.cacheMaxMB ?? 500}
            // The usage line shows the limit too (and the cache may have shrunk to it).
            onCommit={(cacheMaxMB) => save.mutate({ cacheMaxMB }, { onError, onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.cacheInfo }) })}
          />
          <Button icon={<DeleteOutlined />} loading={clear.isPending} onClick={() => clear.mutate()} data-testid="settings-clear-cache">
            {t('settings.clearCache')}
          </Button>
        </Space>
        <Space wrap style={{ marginTop: 8 }}>
          <span>{t('settings.cacheRetention')}</span>
          <RetentionDays
            value={s?.cacheRetentionDays ?? 30}
            onCommit={(cacheRetentionDays) => save.mutate({ cacheRetentionDays }, { onError, onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.cacheInfo }) })}
          />
        </Space>
      </div>
      <Divider style={{ margin: 0 }} />
      <PrivacySettings />
      <Divider style={{ margin: 0 }} />
      <div>
        <Typography.Text strong>{t('settings.account')}</Typography.Text>
        <Descriptions
          size="small"
          column={1}
          style={{ marginTop: 8 }}
          items={[
            status.demo
              ? { key: 'tenant', label: t('demoAccount.tenant'), children: <span data-testid="settings-tenant">{t('demoAccount.demoTenant')}</span> }
              : { key: 'app', label: t('settings.signedInAs'), children: <span data-testid="settings-app-id">{status.appIdMasked ?? '—'}</span> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {status.demo ? t('session.demo') : status.persisted ? t('settings.secretStored') : `${t('session.title')}. ${t(`session.${status.encryption}`)}`}
        </Typography.Paragraph>
        {hasSavedSecret(status) ? (
          <Popconfirm title={t('settings.signOutConfirm')} onConfirm={() => signOut.mutate()} okText={t('settings.signOut')} cancelText={t('common.cancel')}>
            <Button danger icon={<LogoutOutlined />} loading={signOut.isPending} data-testid="settings-sign-out">
              {t('settings.signOut')}
            </Button>
          </Popconfirm>
        ) : (
          <Button danger icon={<LogoutOutlined />} loading={signOut.isPending} onClick={() => signOut.mutate()} data-testid="settings-sign-out">
            {status.demo ? t('demoAccount.leave') : t('settings.signOut')}
          </Button>
        )}
      </div>
      {info.data && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('settings.version', { version: info.data.version })}
        </Typography.Text>
      )}
    </Space>
  );
}

/** Only a secret saved on this machine is worth a question before signing out (it is deleted); the demo has none. */
function hasSavedSecret(status: CredentialStatus): boolean {
  return !status.demo && status.persisted;
}

/**
 * The cache bound in MB. Saved when the admin leaves the box, presses Enter or uses the arrows, not per
 * keystroke: typing 2000 would otherwise pass through 200 and evict photos down to 200 MB on the way.
 */
function CacheLimit({ value, onCommit }: { value: number; onCommit: (mb: number) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<number | null>(null);
  const commit = (v: number | null) => {
    setDraft(null);
    if (typeof v === 'number' && v >= 50 && v <= 20000 && Math.round(v) !== value) onCommit(Math.round(v));
  };
  return (
    <InputNumber
      min={50}
      max={20000}
      step={50}
      value={draft ?? value}
      data-testid="settings-cache-limit"
      aria-label={t('settings.cacheLimit')}
      onChange={(v) => setDraft(typeof v === 'number' ? v : null)}
      onBlur={() => commit(draft)}
      onPressEnter={() => commit(draft)}
      onStep={(v) => commit(v)}
    />
  );
}

/** Days an unused cached photo is kept; saved like the cache limit (leaving the box, Enter, arrows), 1 to 3650. */
function RetentionDays({ value, onCommit }: { value: number; onCommit: (days: number) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<number | null>(null);
  const commit = (v: number | null) => {
    setDraft(null);
    if (typeof v === 'number' && v >= 1 && v <= 3650 && Math.round(v) !== value) onCommit(Math.round(v));
  };
  return (
    <InputNumber
      min={1}
      max={3650}
      value={draft ?? value}
      data-testid="settings-cache-retention"
      aria-label={t('settings.cacheRetention')}
      onChange={(v) => setDraft(typeof v === 'number' ? v : null)}
      onBlur={() => commit(draft)}
      onPressEnter={() => commit(draft)}
      onStep={(v) => commit(v)}
    />
  );
}
