// One browser harness per test (real core + simulated tenant on loopback), with its own export folder.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { startHarness, type Harness } from '../../electron/app/harness';
import { HARNESS_KEY_HEADER } from '../../electron/app/harness-access';
import type { SimulatorOptions } from '../../electron/simulator/types';
import { createLogger } from '../../electron/app/redact';

export interface TestEnv {
  /** harness.url is the address to open (it carries the run's key); harness.origin builds request URLs. */
  harness: Harness;
  exportDir: string;
  /** A request to the harness (e.g. '/__test/info') from the test itself, with the run's key. */
  testFetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** Flip simulator switches through the harness's test endpoint. */
  simPatch: (patch: Record<string, unknown>) => Promise<void>;
}

export const test = base.extend<{
  simOptions: SimulatorOptions;
  encryption: 'available' | 'basic_text' | 'unavailable';
  /** 'first': the tenant has not exported yet, so the first export shows the notice (audit.spec). */
  exportNotice: 'seen' | 'first';
  env: TestEnv;
}>({
  simOptions: [{ seed: 11, employees: 240 }, { option: true }],
  encryption: ['available', { option: true }],
  exportNotice: ['seen', { option: true }],
  env: async ({ simOptions, encryption, exportNotice }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'fa-e2e-'));
    const exportDir = join(dir, 'export');
    const harness = await startHarness({
      port: 0,
      distDir: 'dist',
      exportDir,
      cacheDir: join(dir, 'cache'),
      simulator: simOptions,
      testEndpoints: true,
      encryption,
      exportNoticeSeen: exportNotice === 'seen',
      log: createLogger({ sink: (line) => process.stderr.write(`${line}\n`), level: 'error' }),
    });
    const testFetch = (path: string, init: RequestInit = {}) =>
      fetch(`${harness.origin}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), [HARNESS_KEY_HEADER]: harness.key } });
    const simPatch = async (patch: Record<string, unknown>) => {
      const res = await testFetch('/__test/sim', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      expect(res.ok, 'simulator patch accepted').toBe(true);
    };
    try {
      await use({ harness, exportDir, testFetch, simPatch });
    } finally {
      await harness.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

export { expect };

/** Opens the app and enters the demo tenant (the harness's simulator). */
export async function openDemo(page: Page, env: TestEnv): Promise<void> {
  await page.goto(env.harness.url);
  await page.getByTestId('connect-demo').click();
  await expect(page.getByTestId('employee-row').first()).toBeVisible();
  // And the directory read to its end: the list re-renders when it completes, and a click or key sent in that moment
  // was lost in CI three times (a selection, Ctrl+K, an ArrowDown).
  await expect(page.getByTestId('directory-loading')).toHaveCount(0, { timeout: 60_000 });
}

/** Every file under dir, '/'-separated relative paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Selects the first n rows of the table: click the first checkbox, move down, shift+space. */
export async function selectFirstRows(page: Page, n: number): Promise<void> {
  await page.getByTestId('row-select').first().click();
  const table = page.getByTestId('employee-table');
  await table.focus();
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Space');
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', String(n));
}

/**
 * Opens the export dialog for the selection and picks the folder (the harness answers with its export folder).
 * "Choose folder…" is clicked again if the first click was lost, which happened once on a loaded machine while
 * the dialog was still zooming in.
 */
export async function openExportDialog(page: Page): Promise<void> {
  await page.getByTestId('export-open').click();
  await expect(async () => {
    await page.getByTestId('export-choose-folder').click();
    await expect(page.getByTestId('export-folder')).not.toHaveValue('', { timeout: 3000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId('export-preview-name').first()).toBeVisible();
}

/**
 * Closes the settings drawer with its own close button and waits until it has gone. Escape is not enough: after
 * "clear cache" or a closed modal the focus can sit on <body>, where the drawer never sees the key (CI once waited
 * three minutes on a drawer that stayed open), and a drawer still sliding out takes the next click.
 */
export async function closeSettings(page: Page): Promise<void> {
  await page.locator('.ant-drawer-open .ant-drawer-close').click();
  await expect(page.locator('.ant-drawer-open')).toHaveCount(0);
}
