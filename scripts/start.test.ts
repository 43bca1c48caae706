// `npm start`'s decisions: install only when package-lock.json changed or nothing is installed, and our own
// message (with the browser harness and the CLI as ways out) when Electron cannot start.
import { describe, expect, it } from 'vitest';
import { cannotStartMessage, installReason, lockHash, start, type InstallState, type RunEnd, type World } from './start.mjs';

const lock = (packages: Record<string, { version: string; optional?: boolean }>) =>
  JSON.stringify({ name: 'feishu-face-photos', lockfileVersion: 3, packages: { '': { name: 'feishu-face-photos' }, ...packages } });
const installed = (packages: Record<string, { version: string }>) => JSON.stringify({ name: 'feishu-face-photos', lockfileVersion: 3, packages });

const LOCK = lock({
  'node_modules/react': { version: '19.1.0' },
  'node_modules/@esbuild/darwin-arm64': { version: '0.28.0', optional: true },
});
const INSTALLED = installed({ 'node_modules/react': { version: '19.1.0' } });

describe('installReason', () => {
  it('installs when nothing is installed', () => {
    expect(installReason({ lockText: LOCK, stamp: null, installedText: null })).toMatch(/nothing is installed/);
    // A stamp without node_modules' record (node_modules deleted by hand, stamp restored) still installs.
    expect(installReason({ lockText: LOCK, stamp: lockHash(LOCK), installedText: null })).toMatch(/nothing is installed/);
  });

  it('does not install when the stamp is the lockfile hash', () => {
    expect(installReason({ lockText: LOCK, stamp: `${lockHash(LOCK)}\n`, installedText: INSTALLED })).toBeNull();
  });

  it('does not install after a plain npm ci (no stamp, npm’s record matches; another platform’s optional package absent)', () => {
    expect(installReason({ lockText: LOCK, stamp: null, installedText: INSTALLED })).toBeNull();
  });

  it('installs when the lockfile asks for another version than the one installed', () => {
    const newer = lock({ 'node_modules/react': { version: '19.2.0' } });
    expect(installReason({ lockText: newer, stamp: lockHash(LOCK), installedText: INSTALLED })).toMatch(/package-lock\.json changed/);
  });

  it('installs when the lockfile adds a package or drops one that is installed', () => {
    const added = lock({ 'node_modules/react': { version: '19.1.0' }, 'node_modules/zod': { version: '4.1.0' } });
    expect(installReason({ lockText: added, stamp: lockHash(LOCK), installedText: INSTALLED })).toMatch(/changed/);
    const dropped = lock({});
    expect(installReason({ lockText: dropped, stamp: null, installedText: INSTALLED })).toMatch(/changed/);
  });
});

/** A world where every step succeeds unless a test says otherwise; records what ran and what was printed. */
function fakeWorld(overrides: Partial<World> & { state?: Partial<InstallState> } = {}) {
  const ran: string[] = [];
  const out: string[] = [];
  let clock = 0;
  const ok: RunEnd = { code: 0, signal: null };
  const world: World = {
    readInstallState: () => ({ lockText: LOCK, stamp: lockHash(LOCK), installedText: INSTALLED, ...overrides.state }),
    writeStamp: (hash) => void ran.push(`stamp ${hash}`),
    install: async () => (ran.push('install'), ok),
    build: async () => (ran.push('build'), ok),
    resolveElectron: () => '/opt/electron/electron',
    displayProblem: () => null,
    launch: async (binary) => {
      ran.push(`launch ${binary}`);
      clock += 60 * 60_000; // an hour of use
      return ok;
    },
    now: () => clock,
    log: (line) => void out.push(line),
    error: (line) => void out.push(line),
    ...overrides,
  };
  return { world, ran, out };
}

function expectOurMessage(out: string[]) {
  const text = out.join('\n');
  expect(text).toContain('The desktop app could not start');
  expect(text).toContain('npm run dev:browser');
  expect(text).toContain('npm run cli -- export --demo --all --out ./photos');
}

describe('start', () => {
  it('second start with an unchanged lockfile: no install, build, launch', async () => {
    const { world, ran, out } = fakeWorld();
    expect(await start({}, world)).toBe(0);
    expect(ran).toEqual(['build', 'launch /opt/electron/electron']);
    expect(out).toEqual([]);
  });

  it('a changed lockfile is installed, then stamped with its hash', async () => {
    const newer = lock({ 'node_modules/react': { version: '19.2.0' } });
    const { world, ran } = fakeWorld({ state: { lockText: newer } });
    expect(await start({}, world)).toBe(0);
    expect(ran.slice(0, 3)).toEqual(['install', `stamp ${lockHash(newer)}`, 'build']);
  });

  it('a failed install stops before the build and is not stamped', async () => {
    const { world, ran, out } = fakeWorld({ state: { installedText: null }, install: async () => ({ code: 1, signal: null }) });
    expect(await start({}, world)).toBe(1);
    expect(ran).toEqual([]);
    expect(out.join('\n')).toMatch(/Installing dependencies failed/);
  });

  it('npm run app (--no-install) never installs', async () => {
    const { world, ran } = fakeWorld({ state: { installedText: null } });
    expect(await start({ install: false }, world)).toBe(0);
    expect(ran).toEqual(['build', 'launch /opt/electron/electron']);
  });

  it('prints our message, not Electron’s stack trace, when Electron’s path resolution throws', async () => {
    const { world, ran, out } = fakeWorld({
      resolveElectron: () => {
        throw new Error('Electron failed to install correctly. Please delete `node_modules/electron` and run "npx install-electron --no" manually.');
      },
    });
    expect(await start({}, world)).toBe(1);
    expect(ran).toEqual(['build']);
    expectOurMessage(out);
    expect(out.join('\n')).toMatch(/Electron binary is not installed and could not be downloaded/);
    expect(out.join('\n')).not.toMatch(/install-electron|at .*\.js:\d+/);
  });

  it('prints our message when there is no display, without launching', async () => {
    const { world, ran, out } = fakeWorld({ displayProblem: () => 'there is no display on this Linux machine' });
    expect(await start({}, world)).toBe(1);
    expect(ran).toEqual(['build']);
    expectOurMessage(out);
  });

  it('prints our message when the binary cannot be run or exits with an error right away', async () => {
    const enoent = fakeWorld({ launch: async () => ({ code: null, signal: null, error: new Error('spawn ENOENT') }) });
    expect(await start({}, enoent.world)).toBe(1);
    expectOurMessage(enoent.out);

    const crash = fakeWorld({ launch: async () => ({ code: 133, signal: null }) });
    expect(await start({}, crash.world)).toBe(1);
    expectOurMessage(crash.out);
    expect(crash.out.join('\n')).toMatch(/exited with code 133 right after starting/);
  });

  it('Ctrl+C right after launch is not reported as a failure to start', async () => {
    const { world, out } = fakeWorld({ launch: async () => ({ code: null, signal: 'SIGINT' }) });
    expect(await start({}, world)).toBe(130);
    expect(out).toEqual([]);
    const crashed = fakeWorld({ launch: async () => ({ code: null, signal: 'SIGSEGV' }) });
    expect(await start({}, crashed.world)).toBe(1);
    expect(crashed.out.join('\n')).toMatch(/stopped by SIGSEGV right after starting/);
  });

  it('an app that ran for an hour and then failed keeps its exit code and gets no "could not start"', async () => {
    let clock = 0;
    const { world, out } = fakeWorld({
      now: () => clock,
      launch: async () => {
        clock += 60 * 60_000;
        return { code: 3, signal: null };
      },
    });
    expect(await start({}, world)).toBe(3);
    expect(out).toEqual([]);
  });

  it('the message is one paragraph naming both ways out', () => {
    const text = cannotStartMessage('something');
    expect(text).not.toContain('\n');
    expectOurMessage([text]);
  });
});
