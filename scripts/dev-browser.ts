// Runs the app in a plain browser: builds the renderer when needed, starts the browser harness
// (real engine, simulated demo tenant) on a fixed loopback port and opens it in Chromium.
//   npm run dev:browser            PORT=5181 npm run dev:browser            NO_OPEN=1 npm run dev:browser
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startHarness } from '../electron/app/harness';
import { applyDemoRange, demoSimulatorOptions } from '../electron/simulator/demo';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function rendererIsStale(): boolean {
  const built = join(dist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = [join(root, 'renderer'), join(root, 'shared'), join(root, 'vite.config.ts')].filter((p) => existsSync(p));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

if (rendererIsStale()) {
  console.log('Building the renderer (vite build)…');
  const vite = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
  const r = spawnSync(vite, ['build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The renderer build failed.');
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'face-admin-browser-'));
const port = Number(process.env.PORT ?? 5180);
const harness = await startHarness({
  port,
  distDir: dist,
  exportDir: process.env.EXPORT_DIR ?? join(work, 'exports'),
  cacheDir: join(work, 'cache'),
  simulator: demoSimulatorOptions({ employees: Number(process.env.EMPLOYEES ?? 240), latencyMs: Number(process.env.LATENCY_MS ?? 40), latencyJitterMs: 20 }),
  // /__test/* hands out the simulator's secret and switches: only when explicitly asked for.
  testEndpoints: process.env.FACE_ADMIN_TEST_ENDPOINTS === '1',
}).catch((e: unknown) => {
  console.error(`Could not start the harness on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

applyDemoRange(harness.sim);
console.log(`\nFace Photo Admin (browser harness): ${harness.url}`);
console.log('  The k=… part is a key made for this run: other local users and web pages cannot use the harness without it.');
console.log('  Opening this address once stores the key in the browser as a cookie; without it the page loads but every action is refused.');
console.log(`Demo tenant: ${harness.sim.url}  app id ${harness.sim.appId}  app secret ${harness.sim.appSecret}`);
console.log('  (use "Try the demo", or a custom base URL with these; the secret is a fake one that only the simulator accepts)');
console.log(`Exports go to: ${process.env.EXPORT_DIR ?? join(work, 'exports')}`);
console.log('Press Ctrl+C to stop.\n');

/**
 * A file in our private temp folder (mode 0700) that forwards to the keyed address, so the key is
 * not on Chromium's command line, which every local user can read (ps, /proc).
 */
function keyedOpener(url: string): string {
  const file = join(work, 'open.html');
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(file, `<!doctype html><meta http-equiv="refresh" content="0;url=${attr}"><a href="${attr}">Face Photo Admin</a>\n`, { mode: 0o600 });
  return pathToFileURL(file).href;
}

let browser: ChildProcess | null = null;
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (hasDisplay && !process.env.NO_OPEN) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) {
    browser = spawn(
      chromium,
      [
        `--app=${keyedOpener(harness.url)}`,
        `--user-data-dir=${join(work, 'chromium')}`,
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      { stdio: 'ignore' },
    );
    browser.on('error', () => console.log(`Could not open ${chromium}; open the URL yourself.`));
  } else {
    console.log(`No Chromium at ${chromium} (set CHROMIUM_PATH); open the URL yourself.`);
  }
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  browser?.kill();
  await harness.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
