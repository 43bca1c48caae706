import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { TEMPLATE_TOKENS } from '../../../shared/naming';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';
import { errorMessage, initI18n, languageFor } from './index';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('UI text', () => {
  it('has the same keys in Chinese and English, none empty', () => {
    expect(keys(zhCN).sort()).toEqual(keys(enUS).sort());
    const blanks = [...keys(zhCN), ...keys(enUS)].filter((k) => {
      const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], zhCN);
      return typeof v !== 'string' || v.trim() === '';
    });
    expect(blanks).toEqual([]);
  });

  it('explains every error code in both languages, naming missing scopes', async () => {
    const i18n = initI18n('zh-CN');
    for (const lang of ['zh-CN', 'en-US'] as const) {
      await i18n.changeLanguage(lang);
      const t = i18n.t.bind(i18n) as unknown as (k: string, o?: Record<string, unknown>) => string;
      for (const code of ERROR_CODES) {
        const text = errorMessage(t, { code, message: 'x' });
        expect(text, `${lang} ${code}`).not.toContain('errors.');
        expect(text.length, `${lang} ${code}`).toBeGreaterThan(8);
      }
      const scoped = errorMessage(t, { code: 'scope.missing', message: 'x', scopes: ['attendance:rule:readonly', 'contact:contact.base:readonly'] });
      expect(scoped).toContain('attendance:rule:readonly');
      expect(scoped).toContain('contact:contact.base:readonly');
      expect(errorMessage(t, { code: 'fs.not_writable', message: 'x', detail: '/mnt/photos' })).toContain('/mnt/photos');
      // params fill the message and pick its variant (an undo refused: restore-i18n.test.ts says why in each case).
      expect(errorMessage(t, { code: 'photo.changed_since', message: 'x', params: { now: 'fk_b', set: 'fk_a' } })).toMatch(/fk_b.*fk_a/);
      const first = errorMessage(t, { code: 'photo.nothing_to_restore', message: 'x', params: { context: 'first_enrolment' } });
      expect(first).toBe(t('errors.photo.nothing_to_restore_first_enrolment'));
      expect(first).not.toBe(errorMessage(t, { code: 'photo.nothing_to_restore', message: 'x' }));
    }
  });

  it('shows every count in a UI string with the one count format ("全部 19794 人" was unformatted)', async () => {
    const i18n = initI18n('zh-CN');
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('browse.matching', { count: 19794 })).toBe('共 19,794 名员工');
    expect(i18n.t('selection.selectAllFilter', { count: 17855 })).toContain('17,855');
    await i18n.changeLanguage('en-US');
    expect(i18n.t('browse.matching', { count: 19794 })).toBe('19,794 employees');
    // Text values (ids, paths, an already rounded rate) are left as they are.
    expect(i18n.t('progress.rate', { rate: '12.5' })).toBe('12.5 photos/s');
    expect(i18n.t('settings.version', { version: '0.1.0' })).toBe('Version 0.1.0');
  });

  it('labels every file-name token', () => {
    for (const tok of TEMPLATE_TOKENS) {
      expect(zhCN.tokens).toHaveProperty(tok);
      expect(enUS.tokens).toHaveProperty(tok);
    }
  });

  it('follows the system language: zh* is Chinese, anything else English, Settings wins', () => {
    expect(languageFor('system', 'zh-TW')).toBe('zh-CN');
    expect(languageFor('system', 'zh')).toBe('zh-CN');
    expect(languageFor('system', 'en-GB')).toBe('en-US');
    expect(languageFor('system', 'de-DE')).toBe('en-US');
    expect(languageFor('en-US', 'zh-CN')).toBe('en-US');
    expect(languageFor('zh-CN', 'fr-FR')).toBe('zh-CN');
  });
});
