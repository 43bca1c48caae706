// Settings → Photo cache says how photos are kept: encrypted on disk with the retention in days (which the admin
// can change), or in memory for the session where the OS cannot protect a key.
import { expect, openDemo, test } from './fixtures';

const SHOTS = 'e2e-artifacts/screenshots';

for (const [lang, encrypted, inMemory] of [
  ['zh-CN', '超过 30 天未使用', '仅缓存在内存中'],
  ['en-US', 'unused for 30 days are removed', 'cached in memory for this session only'],
] as const) {
  test.describe(lang, () => {
    test.use({ locale: lang });

    test('with a keyring: encrypted, kept 30 days, and a new retention is saved', async ({ page, env }) => {
      await openDemo(page, env);
      await page.getByTestId('settings-open').click();
      const note = page.getByTestId('settings-cache-at-rest');
      await expect(note).toContainText(encrypted);
      await page.waitForTimeout(400); // the drawer's slide-in, for the screenshot only
      await page.screenshot({ path: `${SHOTS}/${lang}-settings-cache-encrypted.png` });
      const box = page.locator('input[data-testid="settings-cache-retention"], [data-testid="settings-cache-retention"] input').first();
      await box.selectText();
      await page.keyboard.type('7');
      await page.keyboard.press('Tab');
      await expect(note).toContainText('7');
      expect(env.harness.settings().cacheRetentionDays).toBe(7);
    });

    test.describe('without a keyring', () => {
      test.use({ encryption: 'basic_text' });

      test('says photos are cached in memory for this session only', async ({ page, env }) => {
        await openDemo(page, env);
        await page.getByTestId('settings-open').click();
        await expect(page.getByTestId('settings-cache-at-rest')).toContainText(inMemory);
        await page.waitForTimeout(400); // the drawer's slide-in, for the screenshot only
        await page.screenshot({ path: `${SHOTS}/${lang}-settings-cache-in-memory.png` });
      });
    });
  });
}
