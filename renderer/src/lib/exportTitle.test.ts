import { describe, expect, it } from 'vitest';
import { initI18n } from '../i18n';
import { exportSummaryTitle } from './exportTitle';

const base = { total: 238, saved: 0, upToDate: 0, noPhoto: 0, failed: 0, cancelled: false };

async function titleIn(lang: 'zh-CN' | 'en-US', s: typeof base): Promise<string> {
  const i18n = initI18n(lang);
  await i18n.changeLanguage(lang);
  const title = exportSummaryTitle(s);
  return i18n.t(title.key, title);
}

describe('export summary title', () => {
  it('says how many failed instead of "complete" when some photos were not saved', async () => {
    const s = { ...base, saved: 200, noPhoto: 26, failed: 12 };
    expect(await titleIn('zh-CN', s)).toBe('导出结束，12 人失败');
    expect(await titleIn('en-US', s)).toBe('Export finished: 12 failed');
  });

  it('says "complete" only when everything went through', async () => {
    const s = { ...base, saved: 212, noPhoto: 26 };
    expect(await titleIn('zh-CN', s)).toBe('导出完成');
    expect(await titleIn('en-US', s)).toBe('Export complete');
  });

  it('says cancelled with how far it got, and the failures if any', async () => {
    expect(await titleIn('zh-CN', { ...base, saved: 100, noPhoto: 17, cancelled: true })).toBe('导出已取消：已处理 117 / 238 人');
    expect(await titleIn('en-US', { ...base, saved: 100, noPhoto: 15, failed: 2, cancelled: true })).toBe('Export cancelled: 117 of 238 processed, 2 failed');
  });
});
