// Import bench: 1,000 photos into the simulator (own process) at 40 ± 10 ms latency with 2 % faults, through the same
// planImport + runImport the CLI uses. Figures: photo changes/s as a share of the 50/s limit, photos lost (planned
// but not changed) and wrong (the employee's photo is not the file's), and 429s.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { createCore } from '../electron/core/index';
import { photoChangeDeps, planImport, runImport } from '../electron/core/photo-change/index';
import type { SimStats, SimulatorOptions } from '../electron/simulator/types';
import type { HostReady, HostRequest } from './sim-host';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export interface SimHostLike {
  ready: HostReady;
  call<T>(req: DistributiveOmit<HostRequest, 'id'>): Promise<T>;
}

const PHOTOS = 1000;
const LIMIT = 50;

/** One 240×240 JPEG, encoded once: encoding a thousand with jpeg-js would take minutes on a busy machine. */
function basePhoto(): Buffer {
  const w = 240;
  const h = 240;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      data[o] = x & 255;
      data[o + 1] = (y * 3) & 255;
      data[o + 2] = (x ^ y) & 255;
      data[o + 3] = 255;
    }
  return Buffer.from(jpeg.encode({ data, width: w, height: h }, 80).data);
}

/**
 * A distinct, decodable photo per index: the base with the last two entries of its first quantisation table set
 * from i (a different picture, still a valid JPEG), so a photo given to the wrong employee shows in the hashes.
 */
function photoFor(base: Buffer, i: number): Uint8Array {
  const b = Buffer.from(base);
  const dqt = b.indexOf(Buffer.from([0xff, 0xdb]));
  const table = dqt + 5; // marker (2), length (2), precision/id (1)
  b[table + 63] = (i % 250) + 1;
  b[table + 62] = (Math.floor(i / 250) % 250) + 1;
  return b;
}

export async function benchImport(
  work: string,
  startSimHost: (o: SimulatorOptions) => Promise<SimHostLike>,
  check: (name: string, value: string, target: string, pass: boolean) => void,
  figures: Record<string, unknown>,
): Promise<void> {
  console.log(`\n5. Import: ${PHOTOS} photos into the simulator (own process) at 40±10 ms latency, 2% faults, 50/s per endpoint`);
  const host = await startSimHost({ seed: 77, employees: PHOTOS + 60, enrolledShare: 0, latencyMs: 40, latencyJitterMs: 10, faultRate: 0.02, rateLimitPerSecond: LIMIT });
  const sim = host.ready;
  const root = await mkdtemp(join(work, 'import-'));
  const cacheDir = join(root, 'cache');
  const core = createCore({ baseUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, cacheDir });
  try {
    const employees = (await core.directory.employees({ kind: 'all' })).filter((e) => e.employeeNo && !e.resigned).slice(0, PHOTOS);
    const dir = join(root, 'photos');
    await mkdir(dir);
    const base = basePhoto();
    for (const [i, e] of employees.entries()) await writeFile(join(dir, `${e.employeeNo}.jpg`), photoFor(base, i));
    const plan = await planImport(core, dir);
    console.log(`  plan: ${plan.counts.enrol} enrol of ${plan.items.length} files`);
    await host.call({ type: 'resetStats' });
    const deps = photoChangeDeps(core, cacheDir);
    let lastLine = 0;
    const run = await runImport(deps, plan, {
      onProgress: (p) => {
        if (Date.now() - lastLine < 5000 && p.done !== p.total) return;
        lastLine = Date.now();
        console.log(`  ${p.done}/${p.total}, ${p.rate.toFixed(1)}/s, ETA ${p.etaSeconds ?? '?'} s, failed ${p.failed}`);
      },
    });
    const stats = await host.call<SimStats>({ type: 'stats' });
    const rate = run.enrolled / (run.durationMs / 1000);
    // Lost: planned but not changed. Wrong: the employee's photo now is not the file planned for them.
    const faces = await core.faces.get(employees.map((e) => e.userId), { fresh: true });
    const planned = plan.items.filter((i) => i.outcome === 'enrol');
    const keys = planned.map((i) => faces.get(i.employee!.userId)?.faceKey ?? '');
    const hashes = await host.call<(string | null)[]>({ type: 'hashes', faceKeys: keys });
    const lost = planned.filter((_, k) => !keys[k]).length;
    const wrong = planned.filter((it, k) => keys[k] && hashes[k] !== it.sha256).length;
    const limited = Object.values(stats.rateLimited).reduce((a, b) => a + b, 0);
    figures.import = { photos: planned.length, enrolled: run.enrolled, failed: run.failed.length, seconds: +(run.durationMs / 1000).toFixed(1), perSecond: +rate.toFixed(1), shareOfLimit: +(rate / LIMIT).toFixed(3), lost, wrong, rateLimited: limited, faults: stats.faults, requests: stats.requests };
    console.log(`  ${run.enrolled} enrolled in ${(run.durationMs / 1000).toFixed(1)} s: ${rate.toFixed(1)}/s; failed ${run.failed.length}; faults injected ${stats.faults}; 429s ${limited}`);
    check('import: photos/s as a share of the 50/s limit', `${((rate / LIMIT) * 100).toFixed(1)}%`, '≥ 90%', rate / LIMIT >= 0.9);
    check('import: photos lost', `${lost} of ${planned.length}`, '0', lost === 0 && planned.length >= PHOTOS);
    check('import: photos wrong', `${wrong} of ${planned.length}`, '0', wrong === 0);
  } finally {
    await core.close();
    await host.call({ type: 'close' });
  }
}
