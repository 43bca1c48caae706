import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { LOCK_FILE, lockFolder } from './folder-lock';

/** The pid of a process that has exited (reaped), so it is not alive on this host. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('export folder lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'face-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a second lock on the same folder at once, with export.folder_locked naming the holder', async () => {
    const first = await lockFolder(dir);
    const second = await lockFolder(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppFailure(second) && second.info.code).toBe('export.folder_locked');
    expect(isAppFailure(second) && second.info.message).toContain(`process ${process.pid} on ${hostname()}`);
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const again = await lockFolder(dir);
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone', async () => {
    const pid = deadPid();
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2020-01-01T00:00:00Z', id: 'old' }));
    const lock = await lockFolder(dir);
    const held = JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(held.pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock of another host only once its heartbeat is long stopped', async () => {
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, JSON.stringify({ pid: 1, host: 'other-host.example', startedAt: '2020-01-01T00:00:00Z', id: 'far' }));
    await expect(lockFolder(dir)).rejects.toMatchObject({ info: { code: 'export.folder_locked' } });
    const old = new Date(Date.now() - 11 * 60_000);
    await utimes(file, old, old);
    const lock = await lockFolder(dir);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the lock fresh while held (heartbeat), so a long export is not taken over', async () => {
    const file = path.join(dir, LOCK_FILE);
    const lock = await lockFolder(dir, { heartbeatMs: 20, staleMs: 30_000 });
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    // Wait for a beat rather than a fixed time: a loaded machine may run the timer late.
    const deadline = Date.now() + 5_000;
    while ((await stat(file)).mtimeMs < Date.now() - 30_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await expect(lockFolder(dir, { staleMs: 30_000 })).rejects.toMatchObject({ info: { code: 'export.folder_locked' } });
    await lock.release();
  });
});
