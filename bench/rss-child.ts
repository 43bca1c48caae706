// One export in its own process, so its peak resident memory can be measured apart from the
// simulator (which runs in the bench parent). Prints one JSON line with the figures.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE } from '../shared/model';
import { createCore } from '../electron/core/index';

const SAMPLE_EVERY_MS = 50;

async function main(): Promise<void> {
  const env = process.env;
  const count = Number(env.BENCH_COUNT);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  // Heap and Buffer figures say where RSS growth comes from (JS objects vs photo bytes in flight).
  let peakHeap = 0;
  let peakBuffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  };
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  const work = await mkdtemp(join(tmpdir(), 'bench-rss-'));
  const core = createCore({
    baseUrl: env.BENCH_SIM_URL!,
    appId: env.BENCH_APP_ID!,
    appSecret: env.BENCH_APP_SECRET!,
    cacheDir: join(work, 'cache'),
    // Memory is the target here, not speed: lift the client's limiter well above the real 50/s.
    client: { ratePerSecond: 5000 },
  });
  const started = Date.now();
  try {
    const all = await core.directory.employees({ kind: 'all' });
    const employees = all.slice(0, count);
    await mkdir(join(work, 'out'), { recursive: true });
    const summary = await core.exporter.run({
      employees,
      outDir: join(work, 'out'),
      options: { template: DEFAULT_TEMPLATE, subfolders: 'none', zip: false },
    });
    sample();
    process.stdout.write(
      JSON.stringify({ count: employees.length, saved: summary.saved + summary.upToDate, failed: summary.failed, peakRssBytes: peak, baselineRssBytes: baseline, peakHeapBytes: peakHeap, peakArrayBufferBytes: peakBuffers, ms: Date.now() - started }) + '\n',
    );
  } finally {
    clearInterval(sampler);
    await core.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
    process.exit(1);
  },
);
