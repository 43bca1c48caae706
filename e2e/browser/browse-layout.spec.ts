// The browse screen at 1280×720 and 1440×900: department counts that match their rows, the coverage under a
// photo filter, the missing-工号-scope notice, one-line toolbars (also while the directory loads), two grid rows;
// and screenshots of it in both languages and themes (e2e-artifacts/screenshots/browse-*).
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, openDemo, test } from './fixtures';

const OUT = 'e2e-artifacts/screenshots';
mkdirSync(OUT, { recursive: true });
const EMPLOYEE_NO_SCOPE = 'contact:user.employee_number:read';

const height = (l: Locator) => l.evaluate((el) => el.getBoundingClientRect().height);
/** The filter bar is the first row of the main pane that holds the list filter. */
const filterBar = (page: Page) => page.getByTestId('employee-search').locator('xpath=..');
const selectionBar = (page: Page) => page.getByTestId('selection-count').locator('xpath=..');
/** The element is drawn whole: inside the window and inside the filter bar, which does not overflow. */
async function expectWhole(page: Page, l: Locator): Promise<void> {
  const box = (await l.boundingBox())!;
  const bar = await filterBar(page).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, overflow: el.scrollWidth - el.clientWidth };
  });
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  expect(box.x + box.width).toBeLessThanOrEqual(bar.right + 0.5);
  expect(box.x).toBeGreaterThanOrEqual(bar.left);
  expect(bar.overflow, 'filter bar content wider than the bar').toBeLessThanOrEqual(0);
}
// aria-rowcount counts the grid's header row too.
const rowCount = async (page: Page) => Number(await page.getByTestId('employee-table').getAttribute('aria-rowcount')) - 1;

test.describe('1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });

  test('one-line toolbars while and after the directory loads; two grid rows', async ({ page, env }) => {
    // A slow tenant: the first page shows while main is still reading departments.
    await env.simPatch({ latencyMs: 250 });
    await page.goto(env.harness.url);
    await page.getByTestId('connect-demo').click();
    await expect(page.getByTestId('directory-loading')).toBeVisible({ timeout: 30_000 });
    const oneLine = await height(page.getByTestId('view-toggle'));
    expect(await height(filterBar(page))).toBeLessThanOrEqual(oneLine + 1);
    await env.simPatch({ latencyMs: 0 });
    await expect(page.getByTestId('coverage')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('directory-loading')).toHaveCount(0);
    expect(await height(filterBar(page))).toBeLessThanOrEqual(oneLine + 1);

    // The English selection bar with a selection and "select all" stays on one line.
    await page.getByTestId('row-select').first().click();
    await expect(page.getByTestId('selection-clear')).toBeVisible();
    expect(await height(selectionBar(page))).toBeLessThanOrEqual(44);

    // The grid shows at least two whole rows of tiles, whatever the thumbnail size.
    await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
    for (const size of [2, 1, 0]) {
      await page.getByTestId('thumb-size').locator('.ant-segmented-item').nth(size).click();
      expect(await height(filterBar(page))).toBeLessThanOrEqual(oneLine + 1);
      const grid = await page.getByTestId('photo-grid').boundingBox();
      const tops = await page.getByTestId('photo-tile').evaluateAll((els) =>
        els.map((el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }),
      );
      const whole = new Set(tops.filter((t) => t.top >= grid!.y && t.bottom <= grid!.y + grid!.height).map((t) => Math.round(t.top)));
      expect(whole.size, `whole tile rows at size ${size}`).toBeGreaterThanOrEqual(2);
    }
  });

  test('photo grid: the view toggle stays whole on screen, and every tag is whole inside its tile under the missing-scope notice', async ({ page, env }) => {
    // The widest bar: English, the grid's size control, and the directory progress while a slow tenant loads.
    await env.simPatch({ latencyMs: 250, missingScopes: [EMPLOYEE_NO_SCOPE] });
    await page.goto(env.harness.url);
    await page.getByTestId('connect-demo').click();
    await expect(page.getByTestId('directory-loading')).toBeVisible({ timeout: 30_000 });
    // Icon-only, but named for screen readers and on hover.
    const toggle = page.getByTestId('view-toggle');
    await expect(page.getByRole('radiogroup', { name: 'View' })).toBeVisible();
    await toggle.locator('.ant-segmented-item').nth(1).click();
    await expect(toggle.getByRole('radio', { name: 'Photos' })).toBeChecked();
    await expect(page.getByTestId('thumb-size')).toBeVisible();
    await expectWhole(page, toggle);
    await toggle.locator('.ant-segmented-item').nth(1).hover();
    await expect(page.getByRole('tooltip', { name: 'Photos' })).toBeVisible();

    await env.simPatch({ latencyMs: 0 });
    await expect(page.getByTestId('directory-loading')).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId('missing-scope-notice')).toBeVisible();
    await expectWhole(page, toggle);
    // The notice takes two lines at most, so the tiles keep room for their caption.
    expect(await height(page.getByTestId('missing-scope-notice'))).toBeLessThanOrEqual(72);
    for (const size of [0, 1, 2]) {
      await page.getByTestId('thumb-size').locator('.ant-segmented-item').nth(size).click();
      await expectWhole(page, toggle);
      const tags = page.locator('[data-testid="photo-tile"]:has(.ant-tag)');
      await expect(tags.first()).toBeVisible();
      const outside = await tags.evaluateAll((tiles) =>
        tiles.filter((tile) => {
          const box = tile.getBoundingClientRect();
          const tag = tile.querySelector('.ant-tag')!.getBoundingClientRect();
          return tag.left < box.left || tag.right > box.right;
        }).length,
      );
      expect(outside, `tags outside their tile at size ${size}`).toBe(0);
      // And whole: "Not enrolled", never "Not enroll…".
      const cut = await tags.evaluateAll((tiles) =>
        tiles.filter((tile) => {
          const tag = tile.querySelector('.ant-tag')!;
          return tag.scrollWidth > tag.clientWidth + 1;
        }).length,
      );
      expect(cut, `tags cut short at size ${size}`).toBe(0);
    }
  });

  test('the thumbnail size is remembered', async ({ page, env }) => {
    await openDemo(page, env);
    await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
    await page.getByTestId('thumb-size').locator('.ant-segmented-item').nth(2).click();
    const wide = (await page.getByTestId('photo-tile').first().boundingBox())!.width;
    await page.reload();
    await expect(page.getByTestId('employee-row').first().or(page.getByTestId('connect-demo'))).toBeVisible();
    if (await page.getByTestId('connect-demo').isVisible()) await page.getByTestId('connect-demo').click();
    await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
    await expect(page.getByTestId('thumb-size').locator('.ant-segmented-item-selected')).toHaveText('L');
    expect((await page.getByTestId('photo-tile').first().boundingBox())!.width).toBeCloseTo(wide, 0);
  });
});

test.describe('counts and coverage', () => {
  test.use({ locale: 'zh-CN' });

  test("a department's count equals its rows, with and without resigned staff", async ({ page, env }) => {
    await openDemo(page, env);
    const counted = page.getByTestId('department-node').filter({ has: page.getByTestId('department-count') });
    await expect(counted.first()).toBeVisible({ timeout: 30_000 });
    // A top-level department with resigned staff below it, where Feishu's member_count and the list used to differ.
    const { departments, users } = env.harness.sim.tenant;
    const parent = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
    const topOf = (id: string): string => (parent.get(id) && parent.get(id) !== '0' ? topOf(parent.get(id)!) : id);
    const resignedDept = topOf(users.find((u) => u.status.is_resigned && u.department_ids.length)!.department_ids[0]!);
    const node = page.locator(`[data-testid="department-node"][data-department-id="${resignedDept}"]`);
    await expect(node).toBeVisible();
    await node.click();
    const count = () => node.getByTestId('department-count').innerText().then(Number);
    await expect.poll(() => rowCount(page)).toBe(await count());
    await page.getByTestId('include-resigned').click();
    await expect.poll(() => rowCount(page)).toBeGreaterThan(0);
    await expect.poll(async () => (await rowCount(page)) === (await count())).toBe(true);
    expect(await count()).toBeGreaterThan(0);
  });

  test('"no photo" keeps the real coverage, and a fully enrolled group says so', async ({ page, env }) => {
    await openDemo(page, env);
    const coverage = page.getByTestId('coverage');
    const before = await coverage.innerText();
    await page.getByTestId('photo-filter').getByText('未录入').click();
    await expect(page.getByTestId('employee-row').first()).toBeVisible();
    await expect(coverage).toHaveText(before);
    // Enrol everyone in the first department with members, then look at it under "no photo".
    const search = page.getByTestId('employee-search').locator('input');
    const enrolled = env.harness.sim.tenant.users.find((u) => env.harness.sim.tenant.faces.has(u.user_id) && !u.status.is_resigned)!;
    await search.fill(enrolled.employee_no);
    await expect(page.getByTestId('employee-empty')).toHaveAttribute('data-reason', 'all-enrolled');
    await expect(page.getByTestId('employee-empty')).toContainText('都已录入');
  });
});

test.describe('numbers on a German system', () => {
  // The UI is English (a system that is not Chinese), but the system writes 1.234: every count must still read 1,234.
  test.use({ locale: 'de-DE', simOptions: { seed: 11, employees: 1_200 } });

  test('coverage, selection and "select all" write counts the one way, in the UI language', async ({ page, env }) => {
    await openDemo(page, env);
    await expect(page.getByTestId('coverage')).toHaveText(/^\d,\d{3} of \d,\d{3} enrolled$/);
    await expect(page.getByTestId('select-all-filter')).toHaveText(/^Select all \d,\d{3} in this filter$/);
    await page.getByTestId('employee-table').focus();
    await page.keyboard.press('Control+a');
    await expect(page.getByTestId('selection-count')).toHaveText(/^\d,\d{3} selected$/);
  });
});

test.describe('missing employee-number scope', () => {
  test.use({ locale: 'en-US' });

  test('says once, in the main pane, which scope is missing and what it costs', async ({ page, env }) => {
    await env.simPatch({ missingScopes: [EMPLOYEE_NO_SCOPE] });
    await openDemo(page, env);
    const notice = page.getByTestId('missing-scope-notice');
    await expect(notice).toHaveCount(1);
    await expect(notice).toContainText(EMPLOYEE_NO_SCOPE);
    await expect(notice).toContainText(/no employee numbers/i);
    await expect(page.getByTestId('panel-unavailable')).toHaveCount(0);
    await notice.locator('.ant-alert-close-icon').click();
    await expect(notice).toHaveCount(0);
    await page.getByTestId('department-node').nth(1).click();
    await expect(page.getByTestId('employee-row').first()).toBeVisible();
    await expect(notice).toHaveCount(0);
  });
});

// Screenshots for people to look at: table and grid, with and without the notice, both sizes, languages, themes.
for (const lang of ['zh-CN', 'en-US'] as const) {
  test.describe(`screenshots ${lang}`, () => {
    test.use({ locale: lang });
    for (const scheme of ['light', 'dark'] as const) {
      for (const [w, h] of [[1440, 900], [1280, 720]] as const) {
        for (const notice of [false, true]) {
          test(`${scheme} ${w}×${h}${notice ? ' missing scope' : ''}`, async ({ page, env }) => {
            test.setTimeout(120_000);
            await page.emulateMedia({ colorScheme: scheme });
            await page.setViewportSize({ width: w, height: h });
            if (notice) await env.simPatch({ missingScopes: [EMPLOYEE_NO_SCOPE] });
            const name = (what: string) => `${OUT}/browse-${lang}-${scheme}-${w}x${h}-${what}${notice ? '-missing-scope' : ''}.png`;
            const settle = () => page.waitForTimeout(400);
            await openDemo(page, env);
            await expect(page.getByTestId('coverage')).toBeVisible();
            if (notice) await expect(page.getByTestId('missing-scope-notice')).toBeVisible();
            await expect(page.getByTestId('department-count').first()).toBeVisible();
            await settle();
            await page.screenshot({ path: name('table') });
            await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
            await expect.poll(() => page.locator('[data-testid="photo-tile"] img').count()).toBeGreaterThan(4);
            // The pointer leaves the toggle, or its tooltip would cover the notice's close button in the picture.
            await page.mouse.move(w / 2, h - 10);
            await settle();
            await page.screenshot({ path: name('grid') });
          });
        }
      }
    }
  });
}
