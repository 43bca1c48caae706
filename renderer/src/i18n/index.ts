// i18next set-up: Simplified Chinese by default, English, chosen from the system or Settings.
import i18n, { type FormatterModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { AppError } from '../../../shared/errors';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';
import { formatCount } from '../lib/format';

export type UiLanguage = 'zh-CN' | 'en-US';

/** zh* follows to Simplified Chinese, anything else to English. */
export function languageFor(setting: 'system' | UiLanguage, systemLocale: string | undefined): UiLanguage {
  if (setting !== 'system') return setting;
  return (systemLocale ?? 'zh-CN').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

/**
 * Every number interpolated into a UI string ({{count}}, {{total}}, {{done}}…) is a count: format it in the
 * UI language with the app's one count format. Strings (ids, paths, a rate already rounded) pass through.
 */
const countFormatter: FormatterModule = {
  type: 'formatter',
  init: () => undefined,
  add: () => undefined,
  addCached: () => undefined,
  format: (value: unknown, _format, lng) => (typeof value === 'number' ? formatCount(value, lng ?? 'zh-CN') : (value as string)),
};

export function initI18n(initial: UiLanguage) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).use(countFormatter).init({
      resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
      lng: initial,
      fallbackLng: 'zh-CN',
      // React escapes already; alwaysFormat sends every value through countFormatter.
      interpolation: { escapeValue: false, alwaysFormat: true },
      returnNull: false,
    });
  }
  return i18n;
}

type TFn = (key: string, options?: Record<string, unknown>) => string;

/** The translated, actionable message for an AppError, with scopes and details filled in. */
export function errorMessage(t: TFn, error: AppError): string {
  const scopes = error.scopes?.length ? error.scopes.join(', ') : t('common.none');
  const detail = error.detail ? ` (${error.detail})` : '';
  return t(`errors.${error.code}`, { ...error.params, scopes, detail });
}
