// Accessibility: axe-core on every screen and state, in both languages and both themes (WCAG 2.1 AA, issue #15).
// A critical or serious violation anywhere fails the test, with the rule, its help text and the elements.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { type Finding, report, scan } from './axe';
import { closeSettings, expect, listFiles, openExportDialog, selectFirstRows, test } from './fixtures';

const SHOTS = 'e2e-artifacts/screenshots';

for (const lang of ['zh-CN', 'en-US'] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${lang} ${scheme}`, () => {
      // The theme setting defaults to "system", which follows the browser's colour scheme.
      test.use({ locale: lang, colorScheme: scheme, simOptions: { seed: 5, employees: 240 } });

      test(`axe: every screen passes (${lang}, ${scheme})`, async ({ page, env }) => {
        test.setTimeout(300_000);
        const findings: Finding[] = [];
        const check = async (screen: string, ...scope: string[]) => findings.push(...(await scan(page, screen, scope)));

        await page.goto(env.harness.url);
        await expect(page.getByTestId('connect-demo')).toBeVisible();
        await check('connect');
        // A failed sign-in (empty form) shows the field errors.
        await page.getByTestId('connect-submit').click();
        await expect(page.locator('.ant-form-item-explain-error').first()).toBeVisible();
        await check('connect-errors');

        await page.getByTestId('connect-demo').click();
        await expect(page.getByTestId('employee-row').first()).toBeVisible();
        await page.getByTestId('row-select').nth(1).click();
        await check('browse-table');

        await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
        await expect.poll(() => page.locator('[data-testid="photo-tile"] img').count()).toBeGreaterThan(8);
        // The icon-only toggle's tooltip (a transient popup outside the landmarks) closes when the pointer leaves.
        await page.mouse.move(700, 500);
        await expect(page.locator('.ant-tooltip:not(.ant-tooltip-hidden)')).toHaveCount(0);
        await check('browse-grid');

        await page.getByTestId('photo-tile').first().click();
        await expect(page.getByTestId('employee-detail')).toBeVisible();
        await expect(page.getByTestId('employee-detail').locator('img').first()).toBeVisible();
        await check('detail', '.fa-detail');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('employee-detail')).toHaveCount(0);
        await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(0).click();

        await page.getByTestId('lookup-input').fill('E0000');
        await expect(page.getByTestId('lookup-option').first()).toBeVisible();
        await check('header-lookup', 'header');
        await page.getByTestId('lookup-input').fill('nobody-by-this-name');
        await expect(page.getByTestId('lookup-none')).toBeVisible();
        await check('header-lookup-none', 'header');
        // After the scan's wait: the previous query's list takes a moment to fade out.
        await page.screenshot({ path: join(SHOTS, `a11y-${lang}-${scheme}-lookup-none.png`), clip: { x: 0, y: 0, width: 1280, height: 240 } });
        await page.getByTestId('lookup-input').fill('');
        await page.keyboard.press('Escape');

        await page.getByTestId('settings-open').click();
        await expect(page.getByTestId('settings-cache')).not.toContainText(/…/);
        await check('settings', '.ant-drawer', 'header');
        // Photos seen in the grid are cached and would not be downloaded: clear them, so the export below is slow
        // enough to be scanned mid-way and the injected failure really happens.
        await page.getByTestId('settings-clear-cache').click();
        await expect(page.getByTestId('settings-cache')).toContainText(/ 0 |0 张/);
        await closeSettings(page);

        await page.getByTestId('selection-clear').click();
        await selectFirstRows(page, 12);
        await openExportDialog(page);
        await check('export-dialog', '.ant-modal-wrap', 'header');

        // Slow enough that the progress panel is scanned mid-way; one download fails, for the summary's failures.
        const firstUser = await page.getByTestId('employee-row').first().getAttribute('data-user-id');
        const failingFaceKeys = [env.harness.sim.tenant.faces.get(firstUser!)?.face_key].filter(Boolean);
        await env.simPatch({ latencyMs: 2500, failingFaceKeys });
        await page.getByTestId('export-start').click();
        await expect(page.getByTestId('export-progress')).toBeVisible();
        await check('export-progress', '.ant-modal-wrap', 'header');
        await env.simPatch({ latencyMs: 0 });
        await expect(page.getByTestId('export-summary')).toBeVisible({ timeout: 90_000 });
        await check('export-summary', '.ant-modal-wrap', 'header');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('export-summary')).toHaveCount(0);

        // The screens later issues added: the coverage view, the audit log, the import wizard.
        await page.locator('[data-testid="screen-coverage"]:visible').click();
        await expect(page.getByTestId('coverage-summary')).toBeVisible();
        await expect(page.locator('[data-testid="coverage-screen"] .ant-table-row').first()).toBeVisible();
        await check('coverage');
        // The reminder dialog (issue #14) from a coverage row: compose, preview, result.
        await page.getByTestId('coverage-remind-row').first().click();
        await expect(page.getByTestId('remind-text')).toBeVisible();
        await check('remind-compose', '.ant-modal-wrap', 'header');
        await page.getByTestId('remind-next').click();
        await expect(page.getByTestId('remind-preview')).toBeVisible();
        await check('remind-preview', '.ant-modal-wrap', 'header');
        await page.getByTestId('remind-confirm').click();
        await expect(page.getByTestId('remind-result')).toBeVisible({ timeout: 30_000 });
        await check('remind-result', '.ant-modal-wrap', 'header');
        await page.getByTestId('remind-close').click();
        await expect(page.getByTestId('remind-dialog')).toHaveCount(0);
        await page.locator('[data-testid="screen-browse"]:visible').click();
        await expect(page.getByTestId('employee-row').first()).toBeVisible();

        await page.getByTestId('settings-open').click();
        await page.getByTestId('settings-audit-open').click();
        await expect(page.getByTestId('audit-chain')).toBeVisible();
        await check('audit-log', '.ant-modal-wrap', 'header');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('audit-log')).toHaveCount(0);
        await closeSettings(page);

        await page.getByTestId('import-open').click();
        await expect(page.getByTestId('import-wizard')).toBeVisible();
        await check('import-wizard', '.ant-modal-wrap', 'header');
        await page.keyboard.press('Escape');


        // The report (not the array) is compared, so a failure reads as a list of rules, screens and elements.
        expect(report(findings)).toBe('');
      });
    });
  }
}

/** The data-testid of the focused element (or of its nearest ancestor that has one). */
async function focusedTestId(page: Page): Promise<string> {
  const focused = page.locator(':focus');
  if ((await focused.count()) === 0) return 'body';
  return focused.first().evaluate((el) => el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName);
}

/** Presses Tab (or Shift+Tab) until the element with this test id has the focus; fails after `max` presses. */
async function tabTo(page: Page, testId: string, { back = false, max = 60 } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    const now = await focusedTestId(page);
    if (now === testId) return;
    seen.push(now);
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${testId} never got the focus; the focus went through: ${seen.join(' → ')}`);
}

test.describe('keyboard only', () => {
  test.use({ locale: 'zh-CN', simOptions: { seed: 5, employees: 240 } });

  test('from the demo sign-in to a finished export of three selected employees, without the mouse', async ({ page, env }) => {
    test.setTimeout(120_000);
    await page.goto(env.harness.url);
    await expect(page.getByTestId('connect-demo')).toBeVisible();
    await tabTo(page, 'connect-demo');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('employee-row').first()).toBeVisible();

    // Into the list; the arrows move, Space selects, and the grid says which rows are selected.
    await tabTo(page, 'employee-table');
    const rows = page.getByTestId('employee-row');
    const picked: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      picked.push((await rows.nth(i).getAttribute('data-user-id'))!);
      await expect(rows.nth(i)).toHaveAttribute('aria-selected', 'true');
    }
    await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '3');
    const active = await page.getByTestId('employee-table').getAttribute('aria-activedescendant');
    await expect(page.locator(`[id="${active}"]`)).toHaveAttribute('data-user-id', picked[2]!);
    // The last row, far out of the DOM a moment ago, knows its place among all of them.
    const table = page.getByTestId('employee-table');
    await page.keyboard.press('End');
    const rowCount = await table.getAttribute('aria-rowcount');
    // (The active descendant exists once the last page of rows has been read and drawn.)
    const activeRowIndex = async () => {
      const id = await table.getAttribute('aria-activedescendant');
      return id ? page.locator(`[id="${id}"]`).getAttribute('aria-rowindex', { timeout: 1000 }).catch(() => null) : null;
    };
    await expect.poll(activeRowIndex, { timeout: 20_000 }).toBe(rowCount);
    await page.keyboard.press('Home');

    // Back up to "Export…", then the dialog: choose the folder, start.
    await tabTo(page, 'export-open', { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, 'export-choose-folder');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('export-folder')).not.toHaveValue('');
    await tabTo(page, 'export-start');
    await page.keyboard.press('Enter');

    // The end is announced politely; nothing failed, so nothing is said assertively.
    await expect(page.getByTestId('export-summary')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('announce-polite')).toContainText('导出完成');
    await expect(page.getByTestId('announce-polite')).toContainText('3 / 3');
    await expect(page.getByTestId('announce-assertive')).toHaveText('');
    const manifest = readFileSync(join(env.exportDir, 'manifest.csv'), 'utf8');
    for (const id of picked) expect(manifest).toContain(id);
    expect(listFiles(env.exportDir).filter((f) => f.endsWith('.jpg')).length).toBeLessThanOrEqual(3);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('export-summary')).toHaveCount(0);
  });
});

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`focus states ${scheme}`, () => {
    test.use({ locale: 'zh-CN', colorScheme: scheme, simOptions: { seed: 5, employees: 240 } });

    test(`the focused list and its current row or tile are outlined (${scheme})`, async ({ page, env }) => {
      mkdirSync(SHOTS, { recursive: true });
      await page.goto(env.harness.url);
      await tabTo(page, 'connect-demo');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('employee-row').first()).toBeVisible();
      const table = page.getByTestId('employee-table');
      await tabTo(page, 'employee-table');
      // The list itself shows that it has the focus, before any row is current.
      await expect(table).toHaveCSS('outline-style', 'solid');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      const row = page.locator('[data-testid="employee-row"][data-focused]');
      await expect(row).toHaveCSS('outline-style', 'solid');
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/focus-table-${scheme}.png`, clip: { x: 280, y: 56, width: 1120, height: 420 } });

      await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
      await expect.poll(() => page.locator('[data-testid="photo-tile"] img').count()).toBeGreaterThan(8);
      await tabTo(page, 'photo-grid');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('photo-grid')).toHaveCSS('outline-style', 'solid');
      await expect(page.locator('[data-testid="photo-tile"][data-focused]')).toHaveCSS('outline-width', '3px');
      // A tile is named for a screen reader: name, 工号, status and since when.
      await expect(page.locator('[data-testid="photo-tile"][data-focused]')).toHaveAttribute('aria-label', /^\S+ E\d{5}，已录入 \d{4}年\d{1,2}月\d{1,2}日$/);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/focus-grid-${scheme}.png`, clip: { x: 280, y: 56, width: 1120, height: 520 } });
    });
  });
}
