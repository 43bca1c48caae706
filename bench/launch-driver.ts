// The browser side of the second-launch bench (bench/ui.ts runSecondLaunchBench), in a process of its own: the
// Playwright driver relays every protocol message and runs every wait, and in the harness's process it competed
// with the app it measures (the harness answered, the driver noticed up to a second later; issue #10).
// Forked with IPC: 'ready' once Chromium is up; { first: url, signedIn } → 'first-done'; { second: url, total, signedIn } →
// { complete: ms }, then { refreshed: ms }.
import { chromium, type Browser, type Page } from 'playwright-core';

// The callback passed to page.waitForFunction runs in the page; this Node project has no DOM lib.
declare const document: { querySelector(selector: string): { textContent: string | null; getClientRects(): { length: number } } | null };

/** signedIn: the page opens signed in (credentials kept from the earlier run), no connect screen to click through. */
type Order = { first: string; signedIn?: boolean } | { second: string; total: number; signedIn?: boolean };
type Report = 'ready' | 'first-done' | { complete: number } | { refreshed: number } | { failed: string };

const send = (r: Report) => process.send?.(r);

function openPage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 1400, height: 860 }, locale: 'zh-CN' });
}

/** A first launch reads the whole directory and remembers it. */
async function firstLaunch(browser: Browser, url: string, signedIn: boolean): Promise<void> {
  const page = await openPage(browser);
  await page.goto(url);
  if (!signedIn) await page.getByTestId('connect-demo').click();
  await page.getByTestId('employee-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  await page.getByTestId('directory-loading').waitFor({ state: 'detached', timeout: 300_000 });
  await page.close();
}

/**
 * The second launch, timed from opening the window to the complete directory on screen: the remembered
 * directory's age line, every current employee counted in the coverage line, and rows — checked together on
 * every frame in the page, so the figure does not include the driver's own polling. Then the background refresh.
 */
async function secondLaunch(browser: Browser, url: string, total: number, signedIn: boolean): Promise<void> {
  const page = await openPage(browser);
  const started = Date.now();
  await page.goto(url);
  if (!signedIn) await page.getByTestId('connect-demo').click();
  const counted = `/ ${total.toLocaleString('en-US')}`;
  await page.waitForFunction(
    // No named helper inside: the bundler would wrap it in a function the page does not have.
    (counted) => {
      const [age, row, coverage] = ['directory-age', 'employee-row', 'coverage'].map((id) => document.querySelector(`[data-testid="${id}"]`));
      const shown = [age, row, coverage].every((el) => el && el.getClientRects().length > 0);
      return shown && (coverage?.textContent ?? '').includes(counted);
    },
    counted,
    { polling: 'raf', timeout: 120_000 },
  );
  send({ complete: Date.now() - started });
  await page.getByTestId('directory-age').waitFor({ state: 'detached', timeout: 300_000 });
  send({ refreshed: Date.now() - started });
  await page.close();
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  process.on('disconnect', () => void browser.close().finally(() => process.exit(0)));
  process.on('message', (order: Order) => {
    const signedIn = order.signedIn ?? false;
    const run = 'first' in order ? firstLaunch(browser, order.first, signedIn).then(() => send('first-done')) : secondLaunch(browser, order.second, order.total, signedIn);
    run.catch((e: unknown) => send({ failed: e instanceof Error ? e.message.split('\n')[0]! : String(e) }));
  });
  send('ready');
}

void main();
