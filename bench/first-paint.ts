// The first-paint part of the UI bench, alone and repeated: `tsx bench/first-paint.ts [runs] [distDir...]`.
// Each run is a fresh Chromium (nothing cached) opening a built renderer over the browser harness, as the UI
// bench's cold figure does; prints each first contentful paint and the median. Given several builds, the runs
// take turns between them, so a busy machine slows every build alike and the medians stay comparable. Also
// prints when the connect screen itself was in the page (ms from navigation), the figure behind the first paint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHarness } from '../electron/app/harness';
import { createLogger } from '../electron/app/redact';
import { firstContentfulPaint, shownFromNavigation } from './ui';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[2] ?? 7);
const DISTS = process.argv.length > 3 ? process.argv.slice(3).map((d) => resolve(d)) : [process.env.UI_BENCH_DIST ?? join(ROOT, 'dist')];

/** One cold start of the app at url, in a browser of its own: first contentful paint and connect screen (ms). */
async function coldStart(url: string): Promise<{ paint: number; connect: number }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, locale: 'zh-CN' });
    await page.goto(url);
    const connect = Math.round(await shownFromNavigation(page, 'connect-demo'));
    return { paint: Math.round(await firstContentfulPaint(page)), connect };
  } finally {
    await browser.close();
  }
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fa-bench-fp-'));
  const harnesses = await Promise.all(
    DISTS.map((distDir, i) =>
      startHarness({
        port: 0,
        distDir,
        exportDir: join(dir, `export-${i}`),
        cacheDir: join(dir, `cache-${i}`),
        simulator: { seed: 3, employees: 200, enrolledShare: 0.95, hostile: true },
        log: createLogger({ sink: () => undefined, level: 'error' }),
      }),
    ),
  );
  const starts = DISTS.map((): { paint: number; connect: number }[] => []);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const [i, h] of harnesses.entries()) starts[i]!.push(await coldStart(h.url));
    }
  } finally {
    await Promise.all(harnesses.map((h) => h.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [i, distDir] of DISTS.entries()) {
    const paint = starts[i]!.map((s) => s.paint);
    const connect = starts[i]!.map((s) => s.connect);
    console.log(`${distDir}\n  first contentful paint, cold: ${paint.join(', ')} ms; median ${median(paint)} ms`);
    console.log(`  connect screen in the page, cold: ${connect.join(', ')} ms; median ${median(connect)} ms`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('first-paint bench failed:', e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
