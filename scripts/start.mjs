/* global process, console, URL */
// `npm start` (and `npm run app`): install dependencies only when package-lock.json changed or nothing is
// installed, build, launch Electron. Where Electron cannot start (binary missing and not downloadable, no
// display, a crash on launch) it prints one paragraph of ours — what happened and the two ways to use the
// product without the desktop window — and exits 1. Plain Node, no dependencies: it runs before any install.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Written after a successful install: the SHA-256 of the package-lock.json that was installed. */
export const STAMP_FILE = join('node_modules', '.face-photos-lock-hash');
/** An Electron that exits with an error this soon after starting failed to launch (rather than crashed later). */
export const LAUNCH_WINDOW_MS = 15_000;

export function lockHash(lockText) {
  return createHash('sha256').update(lockText).digest('hex');
}

/**
 * Whether npm's record of what is installed (node_modules/.package-lock.json) matches the lockfile: the same
 * packages at the same versions. Optional packages for other platforms are absent from the record, which is fine.
 */
export function installedMatchesLock(lock, installed) {
  const wanted = lock?.packages ?? {};
  const have = installed?.packages ?? {};
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '') continue; // the project itself
    const got = have[path];
    if (!got) {
      if (entry.optional) continue;
      return false;
    }
    if (got.version !== entry.version) return false;
  }
  return Object.keys(have).every((path) => path in wanted);
}

/**
 * Why dependencies must be installed, or null when what is installed is what package-lock.json asks for.
 * The stamp is the quick answer; without one (installed by a plain `npm ci`) npm's own record decides.
 */
export function installReason({ lockText, stamp, installedText }) {
  if (installedText == null) return 'nothing is installed yet';
  if (stamp != null && stamp.trim() === lockHash(lockText)) return null;
  try {
    if (installedMatchesLock(JSON.parse(lockText), JSON.parse(installedText))) return null;
  } catch {
    return 'the record of installed packages is unreadable';
  }
  return 'package-lock.json changed since the last install';
}

/** The Electron executable if it is on disk, found without require('electron') (which would start a download). */
export function findElectronBinary(env = process.env) {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(ROOT, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const full = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron') : name ? join(pkgDir, 'dist', name) : '';
  return full && existsSync(full) ? full : null;
}

/**
 * Electron's own resolution, which downloads the binary on first use. Run in a child with its output captured:
 * where the download fails, its stack trace would bury our message. Throws when there is no binary.
 */
export function resolveElectronWithDownload() {
  const found = findElectronBinary();
  if (found) return found;
  console.log('The Electron binary is not installed yet: downloading it (Electron does this once)…');
  const run = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: ROOT, encoding: 'utf8' });
  const path = run.status === 0 ? run.stdout.trim() : '';
  if (!path || !existsSync(path)) throw new Error((run.stderr || '').trim().split('\n').at(-1) || 'Electron could not be downloaded');
  return path;
}

/** Asks Electron where its binary is; any failure becomes a reason for the message, never a stack trace. */
export function resolveElectron(resolve) {
  try {
    const path = resolve();
    if (path) return { path };
  } catch {
    // fall through: the reason below says what to do about it
  }
  return {
    problem:
      'the Electron binary is not installed and could not be downloaded (Electron fetches it from GitHub on first use, ' +
      'which needs internet access; a mirror can be set with ELECTRON_MIRROR)',
  };
}

/** A reason Electron cannot open a window here, known before trying, or null. */
export function displayProblem(platform = process.platform, env = process.env) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'there is no display on this Linux machine (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

/** Whether an Electron exit means it failed to launch: an error or a crash soon after starting. */
export function launchFailure({ code, signal, elapsedMs }) {
  if (code === 0 || elapsedMs > LAUNCH_WINDOW_MS) return null;
  // Ctrl+C or a kill: someone stopped it, it did not fail.
  if (signal === 'SIGINT' || signal === 'SIGTERM') return null;
  return signal ? `Electron was stopped by ${signal} right after starting` : `Electron exited with code ${code} right after starting (its output is above)`;
}

/** Our one paragraph: what happened, and the two ways to use the product anyway. */
export function cannotStartMessage(problem) {
  return [
    `The desktop app could not start: ${problem}.`,
    'You can use Face Photo Admin without it: `npm run dev:browser` opens the same app in your web browser,',
    'backed by the real engine (the demo tenant is on its first screen), and the command line exports photos',
    'without any window, e.g. `npm run cli -- export --demo --all --out ./photos` (see the README, "CLI").',
  ].join(' ');
}

function npm(args) {
  // Under `npm start` npm tells us which npm runs us; elsewhere the one on PATH (a .cmd on Windows needs a shell).
  const npmCli = process.env.npm_execpath;
  const child = npmCli
    ? spawn(process.execPath, [npmCli, ...args], { cwd: ROOT, stdio: 'inherit' })
    : spawn('npm', args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  return exitOf(child);
}

function exitOf(child) {
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

function readOrNull(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The real world: files in the project, npm, Electron. Tests pass their own. */
export const realWorld = {
  readInstallState: () => ({
    lockText: readOrNull(join(ROOT, 'package-lock.json')) ?? '',
    stamp: readOrNull(join(ROOT, STAMP_FILE)),
    installedText: readOrNull(join(ROOT, 'node_modules', '.package-lock.json')),
  }),
  writeStamp: (hash) => writeFileSync(join(ROOT, STAMP_FILE), `${hash}\n`),
  install: () => npm(['ci', '--no-audit', '--no-fund', '--loglevel=error']),
  build: () => npm(['run', 'build']),
  resolveElectron: resolveElectronWithDownload,
  displayProblem: () => displayProblem(),
  launch: (binary, args) => {
    const child = spawn(binary, [ROOT, ...args], { cwd: ROOT, stdio: 'inherit', windowsHide: false });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    return exitOf(child);
  },
  now: () => Date.now(),
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

/** The whole `npm start`; resolves to the exit code. */
export async function start({ install = true, electronArgs = [] } = {}, world = realWorld) {
  if (install) {
    const state = world.readInstallState();
    const reason = installReason(state);
    if (reason) {
      world.log(`Installing dependencies (npm ci): ${reason}.`);
      const done = await world.install();
      if (done.code !== 0) {
        world.error(`Installing dependencies failed (npm ci ${done.error ? `could not run: ${done.error.message}` : `exited with ${done.code ?? done.signal}`}); its output is above.`);
        return done.code || 1;
      }
      world.writeStamp(lockHash(state.lockText));
    } else if (state.stamp?.trim() !== lockHash(state.lockText)) {
      world.writeStamp(lockHash(state.lockText)); // installed by a plain `npm ci`: remember it was the same lockfile
    }
  }

  const built = await world.build();
  if (built.code !== 0) {
    world.error('The build failed; its output is above.');
    return built.code || 1;
  }

  const electron = resolveElectron(world.resolveElectron);
  const problem = electron.problem ?? world.displayProblem();
  if (problem) {
    world.error(cannotStartMessage(problem));
    return 1;
  }
  const startedAt = world.now();
  const ended = await world.launch(electron.path, electronArgs);
  if (ended.error) {
    world.error(cannotStartMessage(`Electron could not be run (${ended.error.message})`));
    return 1;
  }
  const failure = launchFailure({ ...ended, elapsedMs: world.now() - startedAt });
  if (failure) {
    world.error(cannotStartMessage(failure));
    return 1;
  }
  return ended.code ?? (ended.signal === 'SIGINT' ? 130 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const install = !args.includes('--no-install');
  start({ install, electronArgs: args.filter((a) => a !== '--no-install') }).then((code) => process.exit(code));
}
