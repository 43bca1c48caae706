// Exporting: 50 selected employees to disk with a manifest; cancel and resume; failures and retry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../electron/core/manifest';
import { expect, listFiles, openDemo, openExportDialog, selectFirstRows, test, type TestEnv } from './fixtures';

// Everyone enrolled, so 50 selected employees means 50 photo files.
test.use({ simOptions: { seed: 21, employees: 240, enrolledShare: 1 } });

/** Photo files written (not the manifest, no temp files), each byte-identical to the tenant's photo. */
async function checkFiles(env: TestEnv, expected: number) {
  const files = listFiles(env.exportDir);
  expect(files.filter((f) => f.includes('.part-')), 'no partial files left').toEqual([]);
  const photos = files.filter((f) => f !== 'manifest.csv');
  expect(photos).toHaveLength(expected);
  expect(files).toContain('manifest.csv');
  const manifest = await readManifest(env.exportDir);
  expect(manifest.size).toBe(expected);
  for (const row of manifest.values()) {
    expect(['saved', 'up_to_date']).toContain(row.status);
    const bytes = readFileSync(join(env.exportDir, row.file));
    expect(bytes.equals(Buffer.from(env.harness.sim.photoBytes(row.face_key)!)), `${row.file} is the whole photo`).toBe(true);
  }
}

test('select 50 employees and export them with a manifest', async ({ page, env }) => {
  await openDemo(page, env);
  await selectFirstRows(page, 50);
  await openExportDialog(page);
  // The preview follows the template as it is typed.
  await page.getByTestId('export-template').fill('{employee_no}-{name}');
  await expect(page.getByTestId('export-preview-name').first()).toHaveText(/^E\d+-.*\.jpg$/);
  await page.getByTestId('export-start').click();
  const summary = page.getByTestId('export-summary');
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary).toHaveAttribute('data-failed', '0');
  await expect(page.getByTestId('count-saved')).toContainText('50');
  await checkFiles(env, 50);
  expect(listFiles(env.exportDir).filter((f) => f !== 'manifest.csv' && !/^E\d+-.*\.(jpg|png)$/.test(f)), 'every file named by the template').toEqual([]);
});

test('cancel an export midway, then resume it', async ({ page, env }) => {
  await openDemo(page, env);
  await selectFirstRows(page, 50);
  // Slow tenant whose answers come back spread over 0.1–5.9 s: the cancel lands midway even on a busy machine (with
  // one fixed latency, all 50 downloads were in flight together and could all finish before the click).
  await env.simPatch({ latencyMs: 3000, latencyJitterMs: 2900 });
  await openExportDialog(page);
  await page.getByTestId('export-start').click();
  const progress = page.getByTestId('export-progress');
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('export-cancel').click();
  const summary = page.getByTestId('export-summary');
  await expect(summary).toHaveAttribute('data-cancelled', 'true', { timeout: 30_000 });
  const savedBefore = listFiles(env.exportDir).filter((f) => f !== 'manifest.csv' && !f.includes('.part-')).length;
  expect(savedBefore).toBeLessThan(50);

  await env.simPatch({ latencyMs: 0, latencyJitterMs: 0 });
  await page.getByTestId('export-resume').click();
  await expect(page.getByTestId('export-summary')).not.toHaveAttribute('data-cancelled', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('export-summary')).toHaveAttribute('data-failed', '0');
  // Photos saved before the cancel were skipped, not downloaded again.
  await expect(page.getByTestId('count-up-to-date')).toContainText(String(savedBefore));
  await checkFiles(env, 50);
});

test('failed photos are explained and retried after the fault clears', async ({ page, env }) => {
  await openDemo(page, env);
  const rows = page.getByTestId('employee-row');
  const failingUsers = await Promise.all([0, 2, 4].map((i) => rows.nth(i).getAttribute('data-user-id')));
  const failingFaceKeys = failingUsers.map((u) => env.harness.sim.tenant.faces.get(u!)!.face_key);
  await env.simPatch({ failingFaceKeys });
  await selectFirstRows(page, 10);
  await openExportDialog(page);
  await page.getByTestId('export-start').click();
  const summary = page.getByTestId('export-summary');
  await expect(summary).toHaveAttribute('data-failed', '3', { timeout: 60_000 });
  const failures = page.getByTestId('export-failures');
  await expect(failures.locator('tbody tr')).toHaveCount(3);
  // Each failure has a translated reason that says what to do, not a code.
  await expect(failures).toContainText('飞书服务器出错');

  await env.simPatch({ failingFaceKeys: [] });
  await page.getByTestId('export-retry-failed').click();
  await expect(page.getByTestId('export-summary')).toHaveAttribute('data-failed', '0', { timeout: 60_000 });
  const manifest = await readManifest(env.exportDir);
  for (const u of failingUsers) expect(manifest.get(u!)?.status).toBe('saved');
  expect(listFiles(env.exportDir).filter((f) => f !== 'manifest.csv')).toHaveLength(10);
});
