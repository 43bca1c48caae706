// The directory remembered between starts: the second start of the app shows the directory the first one read,
// with its age, before the (slow) background read ends; the admin's selection and open detail survive the update.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../electron/app/harness';
import { createLogger } from '../../electron/app/redact';
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

test('second start shows the remembered directory at once and keeps the selection through the refresh', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'fa-e2e-snapshot-'));
  let harness: Harness | null = null;
  try {
    // First start: the directory is read from the tenant and remembered.
    harness = await start(dir);
    await page.goto(harness.url);
    await page.getByTestId('connect-demo').click();
    await expect(page.getByTestId('employee-row').first()).toBeVisible();
    await expect(page.getByTestId('directory-age')).toHaveCount(0); // read just now: nothing remembered to show
    const total = harness.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    await expect(page.getByTestId('coverage')).toContainText(`/ ${total.toLocaleString('en-US')}`);
    await harness.close();
    harness = null;

    // Second start, on a slow network: every answer of the tenant takes 1.5 s, so the background read is slow.
    harness = await start(dir);
    harness.sim.switches.latencyMs = 1500;
    await page.goto(harness.url);
    await page.getByTestId('connect-demo').click();
    const age = page.getByTestId('directory-age');
    await expect(age).toBeVisible({ timeout: 30_000 });
    await expect(age).toHaveAttribute('data-refreshing', 'true');
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
