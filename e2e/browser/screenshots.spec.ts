// A screenshot of every screen in both languages, for people to look at (e2e-artifacts/screenshots).
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { closeSettings, expect, openExportDialog, selectFirstRows, test } from './fixtures';

const OUT = 'e2e-artifacts/screenshots';
mkdirSync(OUT, { recursive: true });

// Both languages, both themes, and the two window sizes the app must work in (a laptop and a common desktop).
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

for (const lang of ['zh-CN', 'en-US'] as const)
  for (const scheme of ['light', 'dark'] as const)
    for (const size of SIZES)
      describeScreens(lang, scheme, size);

function describeScreens(lang: 'zh-CN' | 'en-US', scheme: 'light' | 'dark', size: { width: number; height: number }): void {
  const tag = `${lang}-${scheme}-${size.width}x${size.height}`;
  test.describe(tag, () => {
    test.use({ locale: lang, colorScheme: scheme, viewport: size, simOptions: { seed: 5, employees: 240 } });

    test(`every screen (${tag})`, async ({ page, env }) => {
      test.setTimeout(180_000);
      const shot = (name: string) => page.screenshot({ path: `${OUT}/${tag}-${name}.png` });
      const settle = (p: Page) => p.waitForTimeout(400); // let antd's open/close animations finish

      await page.goto(env.harness.url);
      await expect(page.getByTestId('connect-demo')).toBeVisible();
      await settle(page);
      await shot('connect');

      await page.getByTestId('connect-demo').click();
      await expect(page.getByTestId('employee-row').first()).toBeVisible();
      await page.getByTestId('row-select').nth(1).click();
      await page.getByTestId('row-select').nth(3).click();
      await settle(page);
      await shot('browse-table');

      // The empty state: a search nobody matches, with the way back.
      const search = page.getByTestId('employee-search').locator('input');
      await search.fill('zz-nobody-matches');
      await expect(page.getByTestId('employee-empty')).toBeVisible();
      await settle(page);
      await shot('browse-empty');
      await search.fill('');
      await expect(page.getByTestId('employee-row').first()).toBeVisible();

      await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
      await expect.poll(() => page.locator('[data-testid="photo-tile"] img').count()).toBeGreaterThan(8);
      await settle(page);
      await shot('browse-grid');

      await page.getByTestId('photo-tile').first().click();
      await expect(page.getByTestId('employee-detail')).toBeVisible();
      await settle(page);
      await shot('detail');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('employee-detail')).toHaveCount(0);

      // Photos seen in the grid are cached and would not be downloaded again: clear the cache so the
      // injected download failures below really happen.
      await page.getByTestId('settings-open').click();
      // Clicked again if the first click was lost (CI once saw 26 photos stay, no "cleared" message: the click met the
      // drawer still sliding in). A second clear of an empty cache changes nothing.
      await expect(async () => {
        await page.getByTestId('settings-clear-cache').click({ timeout: 2000 });
        await expect(page.getByTestId('settings-cache')).toContainText(/ 0 |0 张/, { timeout: 3000 });
      }).toPass({ timeout: 20_000 });
      await closeSettings(page);
      await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(0).click();
      const rows = page.getByTestId('employee-row');
      const users = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => rows.nth(i).getAttribute('data-user-id')));
      // Two enrolled employees whose downloads fail, for the summary with failures.
      const failingFaceKeys = users
        .map((u) => env.harness.sim.tenant.faces.get(u!)?.face_key)
        .filter((k): k is string => !!k)
        .slice(0, 2);
      await page.getByTestId('selection-clear').click();
      await selectFirstRows(page, 30);
      await openExportDialog(page);
      await settle(page);
      await shot('export-dialog');

      // Slow enough that the progress panel can be photographed mid-way.
      await env.simPatch({ latencyMs: 3000, failingFaceKeys });
      await page.getByTestId('export-start').click();
      const progress = page.getByTestId('export-progress');
      await expect(progress).toBeVisible();
      // Employees without a photo are done at once; the photos themselves wait for the slow tenant.
      await expect.poll(async () => ((await progress.count()) ? Number(await progress.getAttribute('data-done')) : -1), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
      await shot('progress');
      await env.simPatch({ latencyMs: 0 });
      await expect(page.getByTestId('export-summary')).toHaveAttribute('data-failed', '2', { timeout: 90_000 });
      await settle(page);
      await shot('summary-failures');
      await page.keyboard.press('Escape');

      await page.getByTestId('settings-open').click();
      await expect(page.getByTestId('settings-language')).toBeVisible();
      await expect(page.getByTestId('settings-cache')).not.toContainText(/…/);
      await settle(page);
      await shot('settings');
    });

    test(`remind dialog (${tag})`, async ({ page, env }) => {
      test.setTimeout(120_000);
      const shot = (name: string) => page.screenshot({ path: `${OUT}/${tag}-${name}.png` });
      const settle = (p: Page) => p.waitForTimeout(400);
      await page.goto(env.harness.url);
      await page.getByTestId('connect-demo').click();
      await page.getByTestId('screen-coverage').click();
      await page.getByTestId('coverage-remind-row').first().click();
      await expect(page.getByTestId('remind-count')).toBeVisible();
      await page.getByTestId('remind-to').getByText(lang === 'zh-CN' ? '直属上级' : 'Their managers').click();
      await expect(page.getByTestId('remind-text')).toContainText(lang === 'zh-CN' ? '直属成员' : 'your team');
      await settle(page);
      await shot('remind-compose');
      await page.getByTestId('remind-next').click();
      await expect(page.getByTestId('remind-preview')).toBeVisible();
      await settle(page);
      await shot('remind-preview');
      // Slow answers for a moment, to catch the send half-way.
      env.harness.sim.switches.latencyMs = 2500;
      await page.getByTestId('remind-confirm').click();
      await expect(page.getByTestId('remind-progress')).toBeVisible();
      await settle(page);
      await shot('remind-sending');
      env.harness.sim.switches.latencyMs = 0;
      await expect(page.getByTestId('remind-result')).toBeVisible({ timeout: 30_000 });
      await settle(page);
      await shot('remind-result');
    });
  });
}
