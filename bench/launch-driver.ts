// The browser side of the second-launch bench (bench/ui.ts runSecondLaunchBench), in a process of its own: the
// Playwright driver relays every protocol message and runs every wait, and in the harness's process it competed
// with the app it measures (the harness answered, the driver noticed up to a second later; issue #10).
// Forked with IPC: 'ready' once Chromium is up; { first: url, signedIn } → 'first-done'; { second: url, total, signedIn } →
// { complete: ms }, then { refreshed: ms }.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

/**
 * BENCH_LAUNCH_TRACE=<folder>: the second launch is profiled. The page's CPU profile goes to that folder
 * (page-kept.cpuprofile, page-demo.cpuprofile; open in Chrome's DevTools), and its resource and long-frame timings
 * are printed with the page's time of completion.
 */
const TRACE_DIR = process.env.BENCH_LAUNCH_TRACE;

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
type PagePerformance = {
  performance: { timeOrigin: number; getEntries(): { name: string; entryType: string; startTime: number; duration: number }[] };
};

/** BENCH_LAUNCH_TRACE: the page's CPU profile saved, its timings printed (ms from the page's time origin). */
async function reportTrace(page: Page, cdp: CDPSession, t: { started: number; doneAt: number; completeAt: number; kind: string }): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(join(TRACE_DIR!, `page-${t.kind}.cpuprofile`), JSON.stringify(profile));
  const { origin, entries } = await page.evaluate(() => {
    const { performance } = globalThis as unknown as PagePerformance;
    const list = performance.getEntries().map((e) => [e.entryType, e.name.replace(/^https?:\/\/[^/]+/, ''), Math.round(e.startTime), Math.round(e.duration)]);
    return { origin: performance.timeOrigin, entries: list };
  });
  console.log(`  [page] time origin ${Math.round(origin - t.started)} ms after the driver's start; complete at ${Math.round(t.completeAt)} ms, seen by the driver at ${t.doneAt - Math.round(origin)} ms`);
  for (const e of entries) console.log(`  [page] ${JSON.stringify(e)}`);
}

async function secondLaunch(browser: Browser, url: string, total: number, signedIn: boolean): Promise<void> {
  const page = await openPage(browser);
  const cdp = TRACE_DIR ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  const started = Date.now();
  await page.goto(url);
  if (!signedIn) await page.getByTestId('connect-demo').click();
  const counted = `/ ${total.toLocaleString('en-US')}`;
  const seen = await page.waitForFunction(
    // No named helper inside: the bundler would wrap it in a function the page does not have.
    (counted) => {
      const [age, row, coverage] = ['directory-age', 'employee-row', 'coverage'].map((id) => document.querySelector(`[data-testid="${id}"]`));
      const shown = [age, row, coverage].every((el) => el && el.getClientRects().length > 0);
      // The page's time of the frame that showed it (truthy): the trace prints it.
      return shown && (coverage?.textContent ?? '').includes(counted) && (globalThis as unknown as { performance: { now(): number } }).performance.now();
    },
    counted,
    { polling: 'raf', timeout: 120_000 },
  );
  const doneAt = Date.now();
  send({ complete: doneAt - started });
  if (cdp) await reportTrace(page, cdp, { started, doneAt, completeAt: (await seen.jsonValue()) as number, kind: signedIn ? 'kept' : 'demo' });
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
