// Settings: language and theme switch at once, survive a reload, and "system" follows the OS.
import type { Page } from '@playwright/test';
import { expect, openDemo, test } from './fixtures';

async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

test('switch language and theme', async ({ page, env }) => {
  await openDemo(page, env);
  await expect(page.getByText('人脸照片管理').first()).toBeVisible();

  await page.getByTestId('settings-open').click();
  await pick(page, 'settings-language', 'English');
  await expect(page.getByText('Face Photo Admin').first()).toBeVisible();
  await expect(page.getByRole('dialog').getByText('Language')).toBeVisible();
  await expect(page.getByTestId('coverage')).toContainText('enrolled');

  await pick(page, 'settings-theme', 'Dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The page itself turns dark, not just the antd components.
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(20, 20, 20)');

  // Both choices are remembered.
  await page.reload();
  await expect(page.getByText('Face Photo Admin').first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  // "Follow the system" follows prefers-color-scheme.
  await page.getByTestId('settings-open').click();
  await pick(page, 'settings-theme', 'Follow the system');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await pick(page, 'settings-language', '简体中文');
  await expect(page.getByText('人脸照片管理').first()).toBeVisible();
});

test('an English system gets English, a Chinese one Chinese', async ({ browser, env }) => {
  const en = await browser.newPage({ locale: 'en-US' });
  await en.goto(env.harness.url);
  await expect(en.getByTestId('connect-demo')).toHaveText(/Try the demo tenant/);
  await en.close();
  const zh = await browser.newPage({ locale: 'zh-TW' });
  await zh.goto(env.harness.url);
  await expect(zh.getByTestId('connect-demo')).toHaveText(/试用演示租户/);
  await zh.close();
});

test.describe('en-US', () => {
  test.use({ locale: 'en-US' });

  test('the photo cache limit is saved when the admin is done typing, not on every keystroke', async ({ page, env }) => {
    await openDemo(page, env);
    await page.getByTestId('settings-open').click();
    const usage = page.getByTestId('settings-cache');
    await expect(usage).toContainText('limit 500 MB');
    const box = page.locator('input[data-testid="settings-cache-limit"], [data-testid="settings-cache-limit"] input').first();
    await box.selectText();
    await page.keyboard.type('2000', { delay: 80 });
    // Typing passed through 200; nothing may have been saved yet.
    await page.waitForTimeout(300);
    expect(env.harness.settings().cacheMaxMB).toBe(500);
    await page.keyboard.press('Tab');
    await expect(usage).toContainText('limit 2 GB');
    expect(env.harness.settings().cacheMaxMB).toBe(2000);
  });
});
