// The directory remembered between starts: the second start of the app shows the directory the first one read,
// with its age, before the (slow) background read ends; the admin's selection and open detail survive the update.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../electron/app/harness';
import { createLogger } from '../../electron/app/redact';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A harness over this cache folder: the same folder twice is the same computer started twice. */
function start(dir: string): Promise<Harness> {
  return startHarness({
    port: 0,
    distDir: 'dist',
    exportDir: join(dir, 'export'),
    cacheDir: join(dir, 'cache'),
    simulator: { seed: 11, employees: 240 },
    testEndpoints: true,
    log: createLogger({ sink: (line) => process.stderr.write(`${line}\n`), level: 'error' }),
  });
}

/**
 * A first start that reads the directory and remembers it, then a second start on a slow network (every answer of
 * the tenant takes 1.5 s): the remembered directory shows while the background read runs.
 */
async function secondStart(page: Page, dir: string): Promise<{ harness: Harness; total: number }> {
  const first = await start(dir);
  const total = first.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
  try {
    await page.goto(first.url);
    await page.getByTestId('connect-demo').click();
    await expect(page.getByTestId('employee-row').first()).toBeVisible();
    await expect(page.getByTestId('directory-age')).toHaveCount(0); // read just now: nothing remembered to show
    await expect(page.getByTestId('coverage')).toContainText(`/ ${total.toLocaleString('en-US')}`);
  } finally {
    await first.close();
  }

  const harness = await start(dir);
  harness.sim.switches.latencyMs = 1500;
  await page.goto(harness.url);
  await page.getByTestId('connect-demo').click();
  const age = page.getByTestId('directory-age');
  await expect(age).toBeVisible({ timeout: 30_000 });
  await expect(age).toHaveAttribute('data-refreshing', 'true');
  return { harness, total };
}

test('second start shows the remembered directory at once and keeps the selection through the refresh', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'fa-e2e-snapshot-'));
  let harness: Harness | null = null;
  try {
    // First start: the directory is read from the tenant and remembered; second start on a slow network.
    let total: number;
    ({ harness, total } = await secondStart(page, dir));
    const age = page.getByTestId('directory-age');
    await expect(age).toContainText(/通讯录更新于 \d\d:\d\d · 正在刷新…/);
    // The whole remembered directory, not a first batch: coverage counts everyone.
    await expect(page.getByTestId('coverage')).toContainText(`/ ${total.toLocaleString('en-US')}`);
    // Much slower while the admin works (under the client's timeout), so the refresh cannot end before they are done.
    harness.sim.switches.latencyMs = 12_000;

    // The admin selects two employees and opens one while the refresh runs.
    const rows = page.getByTestId('employee-row');
    const picked = [await rows.nth(1).getAttribute('data-user-id'), await rows.nth(4).getAttribute('data-user-id')];
    await rows.nth(1).getByTestId('row-select').click();
    await rows.nth(4).getByTestId('row-select').click();
    await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '2');
    await expect(age).toHaveAttribute('data-refreshing', 'true'); // selected before the refresh ended
    await rows.nth(4).click();
    await expect(page.getByTestId('employee-detail')).toHaveAttribute('data-user-id', picked[1]!);

    // The network recovers: the refresh ends, the age line goes, and nothing the admin had is lost.
    harness.sim.switches.latencyMs = 0;
    await expect(age).toHaveCount(0, { timeout: 90_000 });
    await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '2');
    for (const id of picked) await expect(page.locator(`[data-testid="employee-row"][data-user-id="${id}"]`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('employee-detail')).toHaveAttribute('data-user-id', picked[1]!);
  } finally {
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a second start, someone who has left is found once the refresh ends, and "no match" says so meanwhile', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'fa-e2e-snapshot-'));
  let harness: Harness | null = null;
  try {
    ({ harness } = await secondStart(page, dir));
    harness.sim.switches.latencyMs = 12_000; // the refresh cannot end while the admin searches
    // The remembered directory keeps no one who has left (data minimisation): searched by name (answered from the
    // directory alone), they are not found yet, and the panel says why.
    const users = harness.sim.tenant.users;
    const leaver = users.find((u) => u.status.is_resigned && users.filter((o) => o.name.includes(u.name)).length === 1)!;
    await page.getByTestId('lookup-input').fill(leaver.name);
    const none = page.getByTestId('lookup-none');
    await expect(none).toHaveAttribute('data-refreshing', 'true');
    await expect(none).toContainText('已离职员工在刷新完成后才能查到');

    // The refresh ends: the same search, still in the box, is asked again and finds them, marked as resigned.
    harness.sim.switches.latencyMs = 0;
    await expect(page.getByTestId('directory-age')).toHaveCount(0, { timeout: 90_000 });
    const option = page.getByTestId('lookup-option');
    await expect(option).toContainText(leaver.name, { timeout: 30_000 });
    await expect(option).toContainText('已离职');
    await expect(none).toHaveCount(0);
  } finally {
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
