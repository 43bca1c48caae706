// Issue #12, "Detail, export, settings": what the admin reads in the export summary title, the file-name
// template field, the detail of an employee without a photo and Settings in the demo, in both languages and
// both themes, with a screenshot of each screen (e2e-artifacts/screenshots/uix-*).
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, openDemo, openExportDialog, selectFirstRows, test } from './fixtures';

const OUT = 'e2e-artifacts/screenshots';
mkdirSync(OUT, { recursive: true });

const text = {
  'zh-CN': {
    failedTitle: '导出结束，2 人失败',
    unknownToken: '未知字段 {foo}',
    validTokens: ['姓名 {name}', '工号 {employee_no}', '考勤组 {group}', '更新日期 {updated}'],
    readsAs: '姓名',
    enrolHint: '工作台 → 考勤打卡 → 设置 → 人脸识别',
    demoTenant: '演示租户（模拟数据）',
    leaveDemo: '退出演示',
  },
  'en-US': {
    failedTitle: 'Export finished: 2 failed',
    unknownToken: 'Unknown field {foo}',
    validTokens: ['Name {name}', 'Employee no. {employee_no}', 'Attendance group {group}'],
    readsAs: 'Name',
    enrolHint: 'Workplace → Attendance → Settings → Face recognition',
    demoTenant: 'Demo tenant (simulated data)',
    leaveDemo: 'Leave the demo',
  },
} as const;

for (const lang of ['zh-CN', 'en-US'] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`${lang} ${colorScheme}`, () => {
      // Theme "follow the system" is the default, so the emulated colour scheme picks light or dark.
      test.use({ locale: lang, colorScheme, simOptions: { seed: 5, employees: 240 } });
      const x = text[lang];

      test(`detail, export and settings say what happened (${lang}, ${colorScheme})`, async ({ page, env }) => {
        test.setTimeout(180_000);
        const shot = async (name: string) => {
          await page.waitForTimeout(400); // let antd's open/close animations finish
          await page.screenshot({ path: `${OUT}/uix-${lang}-${colorScheme}-${name}.png` });
        };
        await openDemo(page, env);

        // An employee without a photo: the detail says how they get enrolled.
        await page.getByTestId('photo-filter').locator('.ant-segmented-item').nth(2).click();
        const notEnrolled = page.getByTestId('employee-row').filter({ has: page.locator('.ant-tag', { hasText: lang === 'zh-CN' ? '未录入' : 'Not enrolled' }) });
        await notEnrolled.first().click();
        await expect(page.getByTestId('detail-no-photo')).toBeVisible();
        await expect(page.getByTestId('detail-enrol-hint')).toContainText(x.enrolHint);
        await shot('detail-no-photo');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('employee-detail')).toHaveCount(0);
        await page.getByTestId('photo-filter').locator('.ant-segmented-item').nth(0).click();

        // The template field: an unknown token is named, and the valid ones are listed with their labels.
        await selectFirstRows(page, 8);
        await openExportDialog(page);
        const template = page.getByTestId('export-template');
        await template.fill('{foo}_{name}');
        const field = page.getByTestId('export-dialog').locator('.ant-form-item').filter({ has: template });
        await expect(field.locator('.ant-form-item-explain')).toContainText(x.unknownToken);
        for (const valid of x.validTokens) await expect(field.locator('.ant-form-item-explain')).toContainText(valid);
        await expect(page.getByTestId('export-start')).toBeDisabled();
        await shot('export-template-error');
        // A chip inserts its token at the cursor; the template reads back in labels.
        await template.fill('_x');
        await template.press('Home');
        await page.getByTestId('export-token-name').click();
        await expect(template).toHaveValue('{name}_x');
        await expect(page.getByTestId('export-template-reading')).toContainText(x.readsAs);
        await shot('export-template');

        // Two downloads fail: the summary's title says so instead of "complete".
        const rows = page.getByTestId('employee-row');
        const users = await Promise.all([...Array(8).keys()].map((i) => rows.nth(i).getAttribute('data-user-id')));
        const failingFaceKeys = users
          .map((u) => env.harness.sim.tenant.faces.get(u!))
          .filter((f) => !!f?.face_key)
          .map((f) => f!.face_key)
          .slice(0, 2);
        expect(failingFaceKeys).toHaveLength(2);
        await env.simPatch({ failingFaceKeys });
        await page.getByTestId('export-start').click();
        await expect(page.getByTestId('export-summary')).toHaveAttribute('data-failed', '2', { timeout: 90_000 });
        await expect(page.getByTestId('export-summary-title')).toHaveText(x.failedTitle);
        await shot('export-summary-failures');
        await page.keyboard.press('Escape');

        // Settings in the demo: the tenant, no App ID line, and leaving asks nothing about a saved secret.
        await page.getByTestId('settings-open').click();
        const drawer = page.locator('.ant-drawer-body').filter({ has: page.getByTestId('settings-tenant') });
        await expect(page.getByTestId('settings-tenant')).toHaveText(x.demoTenant);
        await expect(drawer).not.toContainText('App ID');
        await expect(drawer).not.toContainText('App Secret');
        await expect(page.getByTestId('settings-sign-out')).toHaveText(x.leaveDemo);
        await shot('settings-demo');
        await leaveDemo(page);
      });
    });
  }
}

/** One click leaves the demo: no confirmation about a secret that was never saved. */
async function leaveDemo(page: Page) {
  await page.getByTestId('settings-sign-out').click();
  await expect(page.locator('.ant-popover, .ant-popconfirm')).toHaveCount(0);
  await expect(page.getByTestId('connect-demo')).toBeVisible();
}
