// App shell: loads settings and sign-in state, applies language and theme, picks the screen.
import { lazy, Suspense, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { type QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin, type ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { useAppInfo, useCredentials, useSettings } from './lib/settings';
import { prefetchWorkspace } from './lib/employees';
import { createAppQueryClient } from './lib/startup';
import { languageFor, type UiLanguage } from './i18n';
import { ErrorState } from './components/ErrorState';
import { appTheme } from './lib/theme';

// Each screen is its own chunk. The workspace is what an admin opens every day, so its chunk is
// fetched and parsed while the sign-in state is still being read; the connect screen only on demand.
export const mainChunk = import('./screens/Main');
// A failed load surfaces through lazy() when the screen renders; this only keeps it from being "unhandled".
mainChunk.catch(() => undefined);
const MainScreen = lazy(() => mainChunk.then((m) => ({ default: m.MainScreen })));
// lazy() suspends on its first render even when the chunk is already in: a spinner committed and painted, then the
// workspace rendered again. Once loaded (main.tsx waits for it when signed in), the screen is rendered directly.
let loadedMainScreen: (typeof import('./screens/Main'))['MainScreen'] | undefined;
mainChunk.then((m) => (loadedMainScreen = m.MainScreen), () => undefined);
const ConnectScreen = lazy(() => import('./screens/Connect').then((m) => ({ default: m.ConnectScreen })));

/** client: the one main.tsx already started the first reads on (startup.ts); tests let Root make its own. */
export function Root({ client: given }: { client?: QueryClient }) {
  const [client] = useState(() => given ?? createAppQueryClient());
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
    document.title = i18n.t('app.title', { lng: language });
  }, [i18n, language]);

  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    document.body.style.background = dark ? '#141414' : '#f5f6f8';
  }, [dark]);

  // One theme object per light/dark: a new object each render makes antd hash every token again.
  const themeConfig = useMemo<ThemeConfig>(() => appTheme(dark), [dark]);

  return (
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={themeConfig}>
      <AntApp style={{ height: '100%' }}>
        <Screens settingsError={settings.error} onRetry={() => void settings.refetch()} ready={!!settings.data} />
      </AntApp>
    </ConfigProvider>
  );
}

function Screens({ ready, settingsError, onRetry }: { ready: boolean; settingsError: unknown; onRetry: () => void }) {
  // Chosen once: a screen whose type changed between renders would mount again.
  const [Workspace] = useState(() => loadedMainScreen ?? MainScreen);
  const credentials = useCredentials();
  const qc = useQueryClient();
  const signedIn = !!credentials.data?.configured;
  useEffect(() => {
    if (signedIn) void prefetchWorkspace(qc);
  }, [signedIn, qc]);
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
  // The same mark as the first paint in index.html, so the window does not flash from one to the other.
  const spinner = (
    <div className="fa-splash" data-testid="splash">
      <img src="./favicon.svg" alt="" width={56} height={56} />
      <Spin size="large" />
    </div>
  );
  if (!ready || !credentials.data) return spinner;
  return <Suspense fallback={spinner}>{credentials.data.configured ? <Workspace status={credentials.data} /> : <ConnectScreen />}</Suspense>;
}
