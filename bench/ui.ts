// UI benchmark: the built renderer in Chromium over the browser harness with a 20,000-employee tenant.
// Prints first paint and first-rows time (cold and warm), DOM rows/tiles while scrolling, live blob: URLs
// after 2,000 photos, and the time to show a cached photo in the detail. Run alone: `tsx bench/ui.ts`
// (`BENCH_PHOTO_CACHE=memory tsx bench/ui.ts`: the same with the photo cache in memory instead of sealed on disk).
import { fork } from 'node:child_process';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startHarness } from '../electron/app/harness';
import { createLogger } from '../electron/app/redact';

// The callbacks passed to page.evaluate run in the page; this Node project has no DOM lib, so the
// little they touch is declared here (module-scoped, invisible to other files).
interface PageEl {
  tagName: string;
  complete?: boolean;
  naturalWidth?: number;
  scrollTop: number;
  clientHeight: number;
  scrollHeight: number;
  getBoundingClientRect(): { top: number; bottom: number };
  querySelector(selector: string): PageEl | null;
  querySelectorAll(selector: string): Iterable<PageEl> & { length: number };
  click(): void;
}
declare const document: { querySelector(selector: string): PageEl | null; querySelectorAll(selector: string): Iterable<PageEl> & { length: number } };
declare const window: { __faceAdminDebug?: { liveBlobUrls: number; createdBlobUrls: number } };
declare const performance: { now(): number; getEntriesByType(type: 'paint'): { name: string; startTime: number }[] };
declare function requestAnimationFrame(cb: () => void): number;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMPLOYEES = 20_000;
const PHOTOS_TO_SCROLL = 2_000;

/** The built renderer to serve; UI_BENCH_DIST points at another build (e.g. to compare two). */
const DIST = process.env.UI_BENCH_DIST ?? join(ROOT, 'dist');

async function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: DIST } });
}

/**
 * ms from navigation start to the page's first contentful paint (Chromium's paint timing), -1 if none within
 * 10 s. Waited for: the frame that draws the first rows may be the first contentful one, and its entry lands
 * after the check that saw the rows.
 */
export async function firstContentfulPaint(page: Page): Promise<number> {
  const fcp = () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? 0;
  const handle = await page.waitForFunction(fcp, undefined, { polling: 'raf', timeout: 10_000 }).catch(() => null);
  return handle ? ((await handle.jsonValue()) as number) : -1;
}

/** ms from navigation start until an element with this test id is in the page (checked every frame). */
export async function shownFromNavigation(page: Page, testId: string): Promise<number> {
  const handle = await page.waitForFunction((id) => (document.querySelector(`[data-testid="${id}"]`) ? performance.now() : 0), testId, {
    polling: 'raf',
    timeout: 120_000,
  });
  return (await handle.jsonValue()) as number;
}

export interface UiTarget {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

/** First paint budget: the window must show something within a second of opening. */
const FIRST_PAINT_TARGET_MS = 1000;

/** ms from now until the first employee row is on screen. */
async function untilRows(page: Page, start: number): Promise<number> {
  await page.getByTestId('employee-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  return Date.now() - start;
}

function counts(page: Page) {
  return page.evaluate(() => ({
    rows: document.querySelectorAll('[data-testid="employee-row"]').length,
    tiles: document.querySelectorAll('[data-testid="photo-tile"]').length,
    live: window.__faceAdminDebug?.liveBlobUrls ?? -1,
    created: window.__faceAdminDebug?.createdBlobUrls ?? -1,
  }));
}

/** Tiles whose box intersects the grid's viewport. */
function visibleTiles(page: Page) {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid="photo-grid"]');
    if (!grid) return 0;
    const box = grid.getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="photo-tile"]')].filter((t) => {
      const r = t.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    }).length;
  });
}

export async function runUiBench(): Promise<{ [figure: string]: number | UiTarget[]; targets: UiTarget[] }> {
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'fa-bench-ui-'));
  const harness = await startHarness({
    port: 0,
    distDir: DIST,
    exportDir: join(dir, 'export'),
    cacheDir: join(dir, 'cache'),
    simulator: { seed: 3, employees: EMPLOYEES, enrolledShare: 0.95, hostile: true },
    // BENCH_PHOTO_CACHE=memory: the photo cache in memory, as where the OS cannot protect a key, to compare the
    // sealed cache's figures against (encryption must not cost the admin time, issue #13).
    ...(process.env.BENCH_PHOTO_CACHE === 'memory' ? { encryption: 'basic_text' as const } : {}),
    log: createLogger({ sink: () => undefined, level: 'error' }),
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const out: Record<string, number> = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, locale: 'zh-CN' });

    // Cold: load the app, enter the demo tenant, the core reads the whole 20,000-employee directory.
    let t = Date.now();
    await page.goto(harness.url);
    out.connectShownColdMs = await shownFromNavigation(page, 'connect-demo');
    out.appShellMs = Date.now() - t;
    out.firstPaintColdMs = await firstContentfulPaint(page);
    t = Date.now();
    await page.getByTestId('connect-demo').click();
    out.firstRowsColdAfterSignInMs = await untilRows(page, t);
    // The first rows of a large tenant show while main still reads the directory (with a progress
    // line); the warm figures below are for a directory read completely.
    await page.getByTestId('directory-loading').waitFor({ state: 'detached', timeout: 300_000 });
    out.directoryCompleteColdMs = Date.now() - t;

    // Warm: a reload with the directory already in the core (what an admin sees every day after the first).
    t = Date.now();
    await page.reload({ waitUntil: 'commit' });
    out.firstRowsWarmInPageMs = await shownFromNavigation(page, 'employee-row');
    out.firstRowsWarmFromNavigationMs = await untilRows(page, t);
    out.firstPaintWarmMs = await firstContentfulPaint(page);

    // Table: rows in the DOM stay bounded wherever the list is scrolled.
    const table = page.getByTestId('employee-table');
    let maxRows = 0;
    for (const frac of [0.1, 0.35, 0.6, 0.85, 1]) {
      await table.evaluate((el, f) => el.scrollTo({ top: (el.scrollHeight - el.clientHeight) * f }), frac);
      await page.getByTestId('employee-row').first().waitFor();
      await page.waitForTimeout(300);
      maxRows = Math.max(maxRows, (await counts(page)).rows);
    }
    out.tableRowsInDomMax = maxRows;
    out.tableRowsTotal = EMPLOYEES;

    // Grid: scroll through 2,000 photos, letting each screen load, then count live blob: URLs.
    await page.getByTestId('view-toggle').locator('.ant-segmented-item').nth(1).click();
    const grid = page.getByTestId('photo-grid');
    await page.getByTestId('photo-tile').first().waitFor();
    let maxTiles = 0;
    let maxLive = 0;
    for (;;) {
      const seen = await grid.evaluate((el) => {
        const tiles = [...el.querySelectorAll('[data-testid="photo-tile"]')];
        return { lastIndex: tiles.length, scrollTop: el.scrollTop, h: el.clientHeight, sh: el.scrollHeight };
      });
      await page
        .waitForFunction(
          () => {
            const grid = document.querySelector('[data-testid="photo-grid"]')!;
            const box = grid.getBoundingClientRect();
            const visible = [...grid.querySelectorAll('[data-testid="photo-tile"]')].filter((t) => {
              const r = t.getBoundingClientRect();
              return r.bottom > box.top && r.top < box.bottom;
            });
            return visible.length > 0 && visible.every((t) => t.querySelector('img') || !t.querySelector('.ant-skeleton'));
          },
          undefined,
          { timeout: 20_000 },
        )
        .catch(() => undefined);
      const c = await counts(page);
      maxTiles = Math.max(maxTiles, c.tiles);
      maxLive = Math.max(maxLive, c.live);
      if (c.created >= PHOTOS_TO_SCROLL || seen.scrollTop + seen.h >= seen.sh) break;
      await grid.evaluate((el) => el.scrollBy({ top: el.clientHeight }));
    }
    const after = await counts(page);
    out.gridPhotosShown = after.created;
    out.gridTilesInDomMax = maxTiles;
    out.gridVisibleTiles = await visibleTiles(page);
    out.liveBlobUrlsAfterScroll = after.live;
    out.liveBlobUrlsMax = maxLive;

    // Detail of an employee whose photo is on screen (bytes cached): click → large photo decoded.
    // The first open also pays for the drawer's one-time style set-up; the repeat is the everyday case.
    const openDetail = async (nth: number) => {
      const handle = await page.locator('[data-testid="photo-tile"]:has(img)').nth(nth).elementHandle();
      const ms = await page.evaluate(async (el) => {
        const start = performance.now();
        (el as unknown as PageEl).click();
        for (;;) {
          const found = document.querySelector('[data-testid="detail-photo"]');
          const img = found?.tagName === 'IMG' ? found : found?.querySelector('img');
          if (img && img.complete && (img.naturalWidth ?? 0) > 0) return performance.now() - start;
          await new Promise<void>((r) => requestAnimationFrame(r));
        }
      }, handle);
      await page.keyboard.press('Escape');
      await page.getByTestId('employee-detail').waitFor({ state: 'detached' });
      return ms;
    };
    out.detailCachedPhotoFirstMs = await openDetail(0);
    const repeats = [await openDetail(1), await openDetail(2), await openDetail(3)];
    out.detailCachedPhotoMs = repeats.sort((a, b) => a - b)[1]!;
    await page.close();
  } finally {
    await browser.close();
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const r = (n: number | undefined) => Math.round(n ?? -1);
  console.log(`UI bench (${EMPLOYEES.toLocaleString('en-US')} employees, Chromium, browser harness)`);
  // The first contentful paint is the app's mark from index.html; the screens follow when the scripts have run.
  console.log(`  first contentful paint, cold (app mark)  ${r(out.firstPaintColdMs)} ms   target <= ${FIRST_PAINT_TARGET_MS}; connect screen ${r(out.connectShownColdMs)} ms from navigation`);
  console.log(`  first contentful paint, warm (reload)  ${r(out.firstPaintWarmMs)} ms   target <= ${FIRST_PAINT_TARGET_MS}; first rows ${r(out.firstRowsWarmInPageMs)} ms from navigation`);
  console.log(`  app shell visible after navigation        ${r(out.appShellMs)} ms`);
  console.log(`  first rows, cold (demo sign-in, directory read)  ${r(out.firstRowsColdAfterSignInMs)} ms; whole directory read after ${r(out.directoryCompleteColdMs)} ms`);
  console.log(`  first rows, warm (reload, directory cached)      ${r(out.firstRowsWarmFromNavigationMs)} ms   target <= 1500`);
  console.log(`  table rows in DOM while scrolling (max)   ${out.tableRowsInDomMax} of ${EMPLOYEES}`);
  console.log(`  grid tiles in DOM while scrolling (max)   ${out.gridTilesInDomMax}`);
  console.log(`  photos shown while scrolling the grid     ${out.gridPhotosShown}`);
  console.log(`  live blob: URLs after scrolling           ${out.liveBlobUrlsAfterScroll} (max ${out.liveBlobUrlsMax}); visible tiles ${out.gridVisibleTiles}, target <= ${2 * (out.gridVisibleTiles ?? 0)}`);
  console.log(`  cached photo shown in the detail          ${r(out.detailCachedPhotoMs)} ms (median of 3)   target <= 100; first open ${r(out.detailCachedPhotoFirstMs)} ms`);
  // A paint entry of -1 (none recorded) misses the target rather than passing it.
  const paintTarget = (name: string, ms: number | undefined): UiTarget => ({
    name,
    value: `${r(ms)} ms`,
    target: `≤ ${FIRST_PAINT_TARGET_MS} ms`,
    pass: ms != null && ms >= 0 && ms <= FIRST_PAINT_TARGET_MS,
  });
  const targets = [
    paintTarget('first contentful paint, cold (navigation → app mark, first run)', out.firstPaintColdMs),
    paintTarget('first contentful paint, warm (reload → app mark, signed in)', out.firstPaintWarmMs),
  ];
  return { ...out, targets };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runUiBench().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error('UI bench failed:', e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}

/** The browser driver of the second-launch bench in its own process (bench/launch-driver.ts), and its reports. */
function startLaunchDriver() {
  const child = fork(join(ROOT, 'bench', 'launch-driver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reports: unknown[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m) => {
    reports.push(m);
    wake?.();
  });
  child.on('exit', () => wake?.());
  /** The next report, or an error when the driver failed or went away. */
  async function next<T>(): Promise<T> {
    while (!reports.length) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('the browser driver exited');
      await new Promise<void>((r) => (wake = r));
    }
    const m = reports.shift() as { failed?: string };
    if (m && typeof m === 'object' && 'failed' in m) throw new Error(`browser driver: ${m.failed}`);
    return m as T;
  }
  return { send: (order: object) => child.send(order), next, stop: () => child.disconnect() };
}

/** A port free right now on 127.0.0.1: the simulated tenant keeps its address (and so its snapshot) across launches. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

type LaunchDriver = ReturnType<typeof startLaunchDriver>;

/**
 * One first launch (reads the whole directory on a fast network, to keep the bench short, and remembers it) and one
 * second launch on a network with 40 ms latency and Feishu's contact quota, timed from opening the window to the
 * complete directory on screen. `signedIn`: the credentials were kept from the first run, as the app's vault does,
 * so the window opens on the directory; otherwise the demo tenant, whose connect screen is clicked through.
 */
async function launchTwice(driver: LaunchDriver, dir: string, signedIn: boolean): Promise<{ completeMs: number; refreshMs: number }> {
  // BENCH_LAUNCH_TRACE (see launch-driver.ts): the app's own answers during the second launch, in ms from its start.
  const trace = { t0: 0, on: false };
  const harnessOpts = {
    port: 0,
    distDir: DIST,
    exportDir: join(dir, 'export'),
    cacheDir: join(dir, 'cache'),
    simulator: { seed: 3, employees: EMPLOYEES, enrolledShare: 0.95, hostile: true, ...(signedIn ? { port: await freePort() } : {}) },
    signedIn,
    log: process.env.BENCH_LAUNCH_TRACE
      ? createLogger({ sink: (line) => trace.on && !line.includes('feishu request') && console.log(`  [main +${Date.now() - trace.t0} ms] ${line}`), level: 'debug' })
      : createLogger({ sink: () => undefined, level: 'error' }),
  };
  const first = await startHarness(harnessOpts);
  Object.assign(first.sim.switches, { latencyMs: 0, contactPerMinute: 1_000_000, rateLimitPerSecond: 100_000 });
  driver.send({ first: first.url, signedIn });
  await driver.next<'first-done'>();
  await new Promise((r) => setTimeout(r, 2000)); // the snapshot is written just after the walk
  await first.close(); // and waited for

  const second = await startHarness(harnessOpts);
  Object.assign(second.sim.switches, { latencyMs: 40, contactPerMinute: 1000 });
  try {
    // Complete: the remembered directory's age line, every current employee counted, and rows on screen.
    const total = second.sim.tenant.users.filter((u) => !u.status.is_resigned).length;
    trace.t0 = Date.now();
    trace.on = true;
    driver.send({ second: second.url, total, signedIn });
    const { complete: completeMs } = await driver.next<{ complete: number }>();
    const { refreshed: refreshMs } = await driver.next<{ refreshed: number }>();
    return { completeMs, refreshMs };
  } finally {
    await second.close();
  }
}

/**
 * App second launch, while the refresh runs in the background. The target is the admin's own tenant, whose
 * credentials the app kept; the demo tenant's figure, which adds the connect screen and its click, is printed beside
 * it. Chromium is driven from a child process (bench/launch-driver.ts): this process runs the harness (the app's
 * main process) alone.
 */
export async function runSecondLaunchBench(): Promise<{ secondLaunchCompleteMs: number; demoSecondLaunchCompleteMs: number; refreshMs: number; targets: UiTarget[] }> {
  await ensureBuilt();
  const driver = startLaunchDriver();
  const dirs = [mkdtempSync(join(tmpdir(), 'fa-bench-launch-')), mkdtempSync(join(tmpdir(), 'fa-bench-launch-demo-'))] as const;
  try {
    await driver.next<'ready'>();
    const saved = await launchTwice(driver, dirs[0], true);
    const demo = await launchTwice(driver, dirs[1], false);
    return {
      secondLaunchCompleteMs: saved.completeMs,
      demoSecondLaunchCompleteMs: demo.completeMs,
      refreshMs: saved.refreshMs,
      targets: [
        {
          name: 'App second launch to the complete directory visible (20,000 employees, 40 ms latency, credentials kept)',
          value: `${(saved.completeMs / 1000).toFixed(2)} s (demo tenant, through its connect screen: ${(demo.completeMs / 1000).toFixed(2)} s)`,
          target: '≤ 2 s',
          pass: saved.completeMs <= 2000,
        },
      ],
    };
  } finally {
    driver.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
