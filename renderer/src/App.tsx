// App shell: loads settings and sign-in state, applies language and theme, picks the screen.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin, theme as antTheme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import type { Settings, SettingsPatch } from '../../shared/model';
import { isTransient } from '../../shared/errors';
import { api, errorInfo, unwrap } from './lib/api';
import { queryKeys, staleTimes } from './lib/queryKeys';
import { languageFor, type UiLanguage } from './i18n';
import { ConnectScreen } from './screens/Connect';
import { MainScreen } from './screens/Main';
import { ErrorState } from './components/ErrorState';

export function Root() {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Only transient failures are worth an automatic second try; a missing scope stays missing.
            retry: (count, e) => count < 1 && isTransient(errorInfo(e).code),
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <Shell />
    </QueryClientProvider>
  );
}

const darkQuery = '(prefers-color-scheme: dark)';
function subscribeDark(cb: () => void) {
  const m = window.matchMedia(darkQuery);
  m.addEventListener('change', cb);
  return () => m.removeEventListener('change', cb);
}
function useSystemDark(): boolean {
  return useSyncExternalStore(subscribeDark, () => window.matchMedia(darkQuery).matches);
}

export function useSettings() {
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => unwrap(api.settingsGet()), staleTime: staleTimes.settings });
}

export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    // Send every setting, not just the change: the patch schema fills absent keys with defaults,
    // so a lone {theme} would reset the language.
    mutationFn: (patch: SettingsPatch) => {
      const current = qc.getQueryData<Settings>(queryKeys.settings);
      const full: SettingsPatch = current
        ? { language: current.language, theme: current.theme, template: current.template, subfolders: current.subfolders, zip: current.zip, cacheMaxMB: current.cacheMaxMB }
        : {};
      return unwrap(api.settingsSet({ ...full, ...patch }));
    },
    onSuccess: (s: Settings) => qc.setQueryData(queryKeys.settings, s),
  });
}

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => unwrap(api.appInfo()), staleTime: staleTimes.appInfo });
}

export function useCredentials() {
  return useQuery({
    queryKey: queryKeys.credentials,
    queryFn: () => unwrap(api.credentialsStatus()),
    staleTime: staleTimes.credentials,
  });
}

function Shell() {
  const { i18n } = useTranslation();
  const settings = useSettings();
  const info = useAppInfo();
  const systemDark = useSystemDark();
  // The browser harness has no OS of its own to ask: there the browser's language is the system's.
  const systemLocale = info.data && !info.data.harness ? info.data.systemLocale : navigator.language;
  const language: UiLanguage = languageFor(settings.data?.language ?? 'system', systemLocale);
  const themeSetting = settings.data?.theme ?? 'system';
  const dark = themeSetting === 'dark' || (themeSetting === 'system' && systemDark);

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    document.body.style.background = dark ? '#141414' : '#f5f6f8';
  }, [dark]);

  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{
        algorithm: dark ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm,
        token: { colorPrimary: '#3370ff', borderRadius: 6 },
      }}
    >
      <AntApp style={{ height: '100%' }}>
        <Screens settingsError={settings.error} onRetry={() => void settings.refetch()} ready={!!settings.data} />
      </AntApp>
    </ConfigProvider>
  );
}

function Screens({ ready, settingsError, onRetry }: { ready: boolean; settingsError: unknown; onRetry: () => void }) {
  const credentials = useCredentials();
  if (settingsError || credentials.error) {
    return (
      <div style={{ maxWidth: 560, margin: '15vh auto' }}>
        <ErrorState
          error={settingsError ?? credentials.error}
          onRetry={() => {
            onRetry();
            void credentials.refetch();
          }}
        />
      </div>
    );
  }
  if (!ready || !credentials.data) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', height: '100%' }}>
        <Spin size="large" />
      </div>
    );
  }
  return credentials.data.configured ? <MainScreen status={credentials.data} /> : <ConnectScreen />;
}
