// Browsing the directory: departments, search, filters, detail, header lookup, grid and keyboard.
import { expect, openDemo, test } from './fixtures';

test('browse a department, search, and filter by photo', async ({ page, env }) => {
  await openDemo(page, env);
  const coverage = page.getByTestId('coverage');
  const everyone = await coverage.innerText();

  // A department with members narrows the list and the coverage.
  const node = page.getByTestId('department-node').nth(1);
  const deptName = (await node.innerText()).replace(/\s*\d+$/, '').trim();
  await node.click();
  await expect(coverage).not.toHaveText(everyone);
  await expect(page.getByTestId('employee-row').first()).toBeVisible();

  // Search: the name of a visible employee finds them.
  await page.getByTestId('department-node').first().click();
  const firstName = (await page.getByTestId('employee-row').nth(3).locator('.fa-cell').first().innerText()).trim();
  await page.getByTestId('employee-search').locator('input').fill(firstName);
  await expect(page.getByTestId('employee-row').first()).toContainText(firstName);
  const rows = await page.getByTestId('employee-row').count();
  expect(rows).toBeLessThan(10);

  // No photo: every row says so.
  await page.getByTestId('employee-search').locator('input').fill('');
  await page.getByTestId('photo-filter').getByText('未录入').click();
  await expect(page.getByTestId('employee-row').first()).toBeVisible();
  const statuses = await page.getByTestId('employee-row').locator('.ant-tag').allInnerTexts();
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.every((s) => s.includes('未录入') || s.includes('已离职'))).toBe(true);
  expect(deptName.length).toBeGreaterThan(0);
});

test('open an employee: photo visible, ids copyable, Esc closes', async ({ page, env }) => {
  await openDemo(page, env);
  await page.getByTestId('photo-filter').getByText('已录入').click();
  const row = page.getByTestId('employee-row').first();
  const userId = await row.getAttribute('data-user-id');
  await row.click();
  const detail = page.getByTestId('employee-detail');
  await expect(detail).toHaveAttribute('data-user-id', userId!);
  const img = page.getByTestId('detail-photo').locator('img').or(page.locator('img[data-testid="detail-photo"]')).first();
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  expect(await img.getAttribute('src')).toMatch(/^blob:/);
  await expect(detail).toContainText(userId!);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
});

test('check one employee from the header lookup (Ctrl+K)', async ({ page, env }) => {
  await openDemo(page, env);
  const target = env.harness.sim.tenant.users.find((u) => !u.status.is_resigned)!;
  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('lookup-input')).toBeFocused();
  await page.keyboard.type(target.employee_no);
  const option = page.getByTestId('lookup-option').filter({ hasText: target.name }).first();
  await expect(option).toBeVisible();
  await option.click();
  await expect(page.getByTestId('employee-detail')).toHaveAttribute('data-user-id', target.user_id);
  await expect(page.getByTestId('detail-name')).toHaveText(target.name);
});

test('a department is shown by its full path in the row tooltip and the detail', async ({ page, env }) => {
  const { departments, users } = env.harness.sim.tenant;
  const parentOf = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const nameOf = new Map(departments.map((d) => [d.open_department_id, d.name]));
  const pathOf = (id: string): string[] => (id === '0' || !nameOf.has(id) ? [] : [...pathOf(parentOf.get(id)!), nameOf.get(id)!]);
  // Someone in a sub-department: a bare name would not say where it sits (two may be called 一组).
  const target = users.find((u) => !u.status.is_resigned && u.department_ids.length === 1 && pathOf(u.department_ids[0]!).length >= 2)!;
  const full = pathOf(target.department_ids[0]!).join('/');

  await openDemo(page, env);
  await page.getByTestId('employee-search').locator('input').fill(target.employee_no);
  const row = page.locator(`[data-testid="employee-row"][data-user-id="${target.user_id}"]`);
  await expect(row.locator('.fa-cell[title]')).toHaveAttribute('title', full);
  await row.click();
  await expect(page.getByTestId('employee-detail')).toContainText(full);
});

test('photo grid loads thumbnails; keyboard selects and opens', async ({ page, env }) => {
  await openDemo(page, env);
  // Keyboard in the table: move, select with space, open with Enter — each key seen (the row outlined) before the
  // next, as a person pressing them would (CI once lost the first to a re-render right after the rows appeared).
  const table = page.getByTestId('employee-table');
  const active = async () => Number(/-r(\d+)$/.exec((await table.getAttribute('aria-activedescendant')) ?? '')?.[1] ?? -1);
  await table.focus();
  await expect(async () => {
    await table.focus();
    await page.keyboard.press('Home');
    expect(await active()).toBe(0);
  }).toPass({ timeout: 10_000 });
  await page.keyboard.press('ArrowDown');
  await expect.poll(active).toBe(1);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '1');
  const second = await page.getByTestId('employee-row').nth(1).getAttribute('data-user-id');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('employee-detail')).toHaveAttribute('data-user-id', second!);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('employee-detail')).toHaveCount(0);
  // Keys faster than the page re-renders (a held key, a busy machine) each count: three downs in one go.
  await table.focus();
  const before = await active();
  expect(before).toBeGreaterThanOrEqual(0);
  // The e2e code is type-checked without the DOM library: the page's KeyboardEvent is reached through its window.
  await table.evaluate((el) => {
    type KeyEvent = new (type: string, init: { key: string; bubbles: boolean; cancelable: boolean }) => Event;
    const KeyboardEvent = (globalThis as unknown as { KeyboardEvent: KeyEvent }).KeyboardEvent;
    for (let i = 0; i < 3; i++) el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
  });
  await expect.poll(active).toBe(before + 3);

  // Shift-click extends from the last clicked checkbox.
  await page.getByTestId('selection-clear').click();
  await page.getByTestId('row-select').nth(0).click();
  await page.getByTestId('row-select').nth(5).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '6');

  // Ctrl+A selects everyone in the filter.
  await page.getByTestId('employee-table').focus();
  await page.keyboard.press('Control+a');
  const total = env.harness.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', String(total));

  // The toggle is icon-only; its items carry the words for screen readers.
  await page.getByTestId('view-toggle').locator('.ant-segmented-item', { hasText: '照片' }).click();
  const tiles = page.getByTestId('photo-tile');
  await expect(tiles.first()).toBeVisible();
  await expect.poll(() => page.locator('[data-testid="photo-tile"] img').count()).toBeGreaterThan(4);
  // Only visible tiles are in the page, not all employees.
  expect(await tiles.count()).toBeLessThan(total);
  const live = () => page.evaluate(() => (globalThis as unknown as { __faceAdminDebug: { liveBlobUrls: number } }).__faceAdminDebug.liveBlobUrls);
  expect(await live()).toBeGreaterThan(0);
  // Leaving the grid frees every photo URL it made (no memory leak over a day of browsing).
  await page.getByTestId('view-toggle').locator('.ant-segmented-item', { hasText: '列表' }).click();
  await expect(page.getByTestId('employee-row').first()).toBeVisible();
  await expect.poll(live).toBe(0);
});

for (const lang of ['zh-CN', 'en-US'] as const) {
  test.describe(lang, () => {
    test.use({ locale: lang });

    test(`an employee Feishu refuses (1220004) reads as not visible, with the reason, never as not enrolled (${lang})`, async ({ page, env }) => {
      const sim = env.harness.sim;
      const target = sim.tenant.users.find((u) => !u.status.is_resigned && sim.tenant.faces.has(u.user_id))!;
      sim.switches.unknownUserMode = 'error';
      sim.switches.outOfRangeUserIds.add(target.user_id);
      const [label, hint] = lang === 'zh-CN' ? ['无权查看', '考勤数据权限范围'] : ['Not visible', 'attendance data-permission range'];

      await openDemo(page, env);
      await page.getByTestId('employee-search').locator('input').fill(target.employee_no);
      const row = page.locator(`[data-testid="employee-row"][data-user-id="${target.user_id}"]`);
      await expect(row).toContainText(label);
      // The tag's tooltip says why (hover again if the list re-rendered under the pointer).
      await expect(async () => {
        await row.locator('.ant-tag', { hasText: label }).hover();
        await expect(page.getByRole('tooltip')).toContainText(hint, { timeout: 1500 });
      }).toPass({ timeout: 15_000 });
      await page.waitForTimeout(300); // the tooltip's fade-in
      await page.screenshot({ path: `e2e-artifacts/screenshots/${lang}-out-of-range-table.png` });

      await row.click();
      const detail = page.getByTestId('employee-detail');
      await expect(page.getByTestId('detail-status')).toHaveText(label);
      await expect(detail).toContainText(hint);
      await expect(page.getByTestId('detail-save')).toBeDisabled();
      await expect(page.getByTestId('detail-no-photo')).toHaveText(lang === 'zh-CN' ? '本应用无权查看' : 'Not visible to this app');
      await page.waitForTimeout(400); // the drawer's opening animation
      await page.screenshot({ path: `e2e-artifacts/screenshots/${lang}-out-of-range-detail.png` });
    });
  });
}

test.describe('on a Mac', () => {
  test.use({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36' });

  test('shortcut hints say ⌘, and ⌘K opens the lookup', async ({ page, env }) => {
    await openDemo(page, env);
    await expect(page.getByText('⌘A 全选')).toBeVisible();
    // The shortcut is part of the lookup's placeholder ("查员工（⌘K）"), which sets it apart from the list filter.
    await expect(page.getByTestId('lookup-input')).toHaveAttribute('placeholder', /⌘K/);
    await expect(page.getByText(/Ctrl/)).toHaveCount(0);
    await page.keyboard.press('Meta+k');
    await expect(page.getByTestId('lookup-input')).toBeFocused();
  });
});
