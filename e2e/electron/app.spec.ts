// The real desktop app (unpackaged build) driven by Playwright's Electron support: sign in to a
// simulated tenant with a custom base URL, preview a face photo, export three employees.
// Needs the Electron binary, which cannot be downloaded on the project's build machines: there
// the test is skipped with the reason. Run with `npm run test:electron` where Electron is present.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, type Page, _electron as electron, expect, test } from '@playwright/test';
import { readManifest } from '../../electron/core/manifest';
import { startSimulator } from '../../electron/simulator/index';
import type { Simulator } from '../../electron/simulator/types';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Electron executable, found without calling require('electron') (which would try to download it). */
function electronBinary(): string | null {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const full = override ? join(override, name || 'electron') : name ? join(pkgDir, 'dist', name) : '';
    return full && existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const built = existsSync(join(root, 'dist-electron', 'main.js')) && existsSync(join(root, 'dist-electron', 'preload.cjs')) && existsSync(join(root, 'dist', 'index.html'));

// Electron needs a display server on Linux; on a headless machine run under Xvfb (`xvfb-run npm run test:electron`).
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !binary
  ? 'The Electron binary is not installed (node_modules/electron has no dist/): it cannot be downloaded on this machine. Run where Electron is present.'
  : !built
    ? 'The app is not built: run `npm run build` first (dist/ and dist-electron/).'
    : headlessLinux
      ? 'No display on this Linux machine (DISPLAY and WAYLAND_DISPLAY are unset): run under Xvfb, e.g. `xvfb-run -a npm run test:electron`.'
      : null;
test.skip(skipReason !== null, skipReason ?? '');

let sim: Simulator;
let app: ElectronApplication;
let page: Page;
let userData: string;
let exportDir: string;

test.beforeAll(async () => {
  sim = await startSimulator({ seed: 7, employees: 40, enrolledShare: 1 });
  userData = mkdtempSync(join(tmpdir(), 'fa-e2e-userdata-'));
  exportDir = mkdtempSync(join(tmpdir(), 'fa-e2e-export-'));
  app = await electron.launch({
    executablePath: binary!,
    // The project folder: its package.json points at dist-electron/main.js and app.getAppPath() at dist/.
    // --no-sandbox only on Linux, where CI containers lack the user namespaces Chromium's sandbox
    // needs; macOS and Windows keep the sandbox.
    args: process.platform === 'linux' ? [root, '--no-sandbox'] : [root],
    env: { ...process.env, FACE_ADMIN_USER_DATA: userData, FACE_ADMIN_QUIET: '1' } as Record<string, string>,
  });
  page = await app.firstWindow();
});

test.afterAll(async () => {
  await app?.close();
  await sim?.close();
  rmSync(userData, { recursive: true, force: true });
  rmSync(exportDir, { recursive: true, force: true });
});

test('signs in with a custom base URL, previews a photo and exports three employees', async () => {
  // The window is locked down: no Node in the page, only window.api.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { api?: unknown }).api)).toBe('object');

  await page.getByTestId('connect-base-url-custom').click();
  await page.getByTestId('connect-custom-url').fill(sim.url);
  await page.getByTestId('connect-app-id').fill(sim.appId);
  await page.getByTestId('connect-app-secret').fill(sim.appSecret);
  await page.getByTestId('connect-submit').click();

  const rows = page.getByTestId('employee-row');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });

  // Preview: the detail photo is an image decoded from bytes sent over IPC.
  await rows.first().click();
  const photo = page.getByTestId('detail-photo').locator('img').or(page.locator('img[data-testid="detail-photo"]')).first();
  await expect(photo).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(await photo.getAttribute('src')).toMatch(/^blob:/);

  // Stub the native folder dialog in main: it would block the test.
  await app.evaluate(({ dialog }, dir) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [dir] })) as typeof dialog.showOpenDialog;
  }, exportDir);

  // Select the first three rows: first checkbox, then keyboard range selection.
  await page.getByTestId('row-select').first().click();
  await page.getByTestId('employee-table').focus();
  for (let i = 1; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Space');
  await expect(page.getByTestId('selection-count')).toHaveAttribute('data-count', '3');
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-choose-folder').click();
  await expect(page.getByTestId('export-folder')).toHaveValue(exportDir);
  await page.getByTestId('export-start').click();
  // A fresh profile: the first export of this tenant shows the lawful-basis notice once.
  await page.getByTestId('export-purpose').fill('e2e');
  await page.getByTestId('export-notice-confirm').click();
  await expect(page.getByTestId('export-summary')).toBeVisible({ timeout: 60_000 });

  const manifest = await readManifest(exportDir);
  expect(manifest.size).toBe(3);
  for (const row of manifest.values()) {
    expect(row.status).toBe('saved');
    const file = join(exportDir, ...row.file.split('/'));
    expect(existsSync(file), row.file).toBe(true);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(sim.photoBytes(row.face_key)!))).toBe(true);
  }
});
