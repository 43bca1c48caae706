// The first paint: on a cold start the window shows the app's mark (index.html) before any script has run,
// in the system's light or dark, and the app replaces it with its screen.
import { expect, test } from './fixtures';

test('the app mark shows before the scripts have run, then the connect screen replaces it', async ({ page, env }) => {
  // Every script held back: what shows now is what a cold start shows while they load and run.
  await page.route('**/*.js', (route) => route.abort());
  await page.goto(env.harness.url);
  const splash = page.getByTestId('splash');
  await expect(splash.locator('svg')).toBeVisible();
  const box = (await splash.locator('svg').boundingBox())!;
  const viewport = page.viewportSize()!;
  // Centred in the window, at its full size.
  expect(Math.abs(box.x + box.width / 2 - viewport.width / 2)).toBeLessThan(2);
  expect(box.width).toBe(56);

  await page.unroute('**/*.js');
  await page.reload();
  await expect(page.getByTestId('connect-demo')).toBeVisible();
  await expect(page.getByTestId('splash')).toHaveCount(0);
});

test('in a dark system the first paint is dark, not a white flash', async ({ page, env }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.route('**/*.js', (route) => route.abort());
  await page.goto(env.harness.url);
  await expect(page.getByTestId('splash').locator('svg')).toBeVisible();
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(20, 20, 20)');
});
