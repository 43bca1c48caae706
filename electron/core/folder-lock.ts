// The export folder's lock: one export job per folder at a time, whichever process (app or CLI) runs it.
// Two jobs writing one manifest.csv lose each other's rows, so the second one is refused at once.
// The lock is a file created exclusively in the folder, holding who took it; a lock whose process is gone
// (same host) or whose heartbeat stopped long ago (any host) is stale and is taken over.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { appError } from '../../shared/errors';

export const LOCK_FILE = '.face-photos-export.lock';
/** How often a running job refreshes its lock's mtime. */
export const LOCK_HEARTBEAT_MS = 15_000;
/** A lock not refreshed for this long is stale even when its process cannot be checked (another host). */
export const LOCK_STALE_MS = 10 * 60_000;

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  id: string;
}

export interface FolderLock {
  /** Stops the heartbeat and removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

export interface LockOptions {
  now?: () => number;
  heartbeatMs?: number;
  staleMs?: number;
  log?: (level: 'warn' | 'info', message: string, fields?: Record<string, unknown>) => void;
}

function errorCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.id === 'string') {
      return { pid: v.pid, host: v.host, id: v.id, startedAt: String(v.startedAt ?? '') };
    }
  } catch {
    // unreadable: judged by its age alone
  }
  return null;
}

/** Whether a process of this host is alive (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

async function readLock(file: string): Promise<{ info: LockInfo | null; mtimeMs: number; text: string } | null> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { info: parseLock(text), mtimeMs: st.mtimeMs, text };
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    throw e;
  }
}

function isStale(lock: { info: LockInfo | null; mtimeMs: number }, now: number, staleMs: number): boolean {
  if (now - lock.mtimeMs > staleMs) return true;
  const info = lock.info;
  // Written by someone else half-way (or garbage) but recently: give it the benefit of the doubt until it ages.
  if (!info) return false;
  return info.host === hostname() && info.pid !== process.pid && !processAlive(info.pid);
}

/**
 * Moves a stale lock out of the way, but only the very lock judged stale: it is renamed aside first and its content
 * compared; a fresh lock another process took meanwhile is put back (link never replaces an existing file).
 */
async function removeStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await fs.rename(file, aside);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return;
    throw e;
  }
  const text = await fs.readFile(aside, 'utf8').catch(() => staleText);
  if (text !== staleText) await fs.link(aside, file).catch(() => {});
  await fs.rm(aside, { force: true }).catch(() => {});
}

function lockedError(folder: string, info: LockInfo | null): Error {
  const who = info ? `process ${info.pid} on ${info.host}, since ${info.startedAt}` : 'another process';
  return appError('export.folder_locked', `Another export is writing to this folder (${who})`, { detail: folder });
}

/**
 * Takes the folder's lock or refuses at once with export.folder_locked. A stale lock is taken over.
 * The caller must release it in a finally block.
 */
export async function lockFolder(folder: string, opts: LockOptions = {}): Promise<FolderLock> {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? LOCK_STALE_MS;
  const file = path.join(folder, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date(now()).toISOString(), id: randomBytes(8).toString('hex') };
  const text = JSON.stringify(mine);

  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, text, { flag: 'wx' });
      break;
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
    const there = await readLock(file);
    if (!there) continue; // released meanwhile: try again
    if (attempt >= 3 || !isStale(there, now(), staleMs)) throw lockedError(folder, there.info);
    opts.log?.('info', 'taking over a stale export lock', { pid: there.info?.pid, host: there.info?.host });
    await removeStale(file, there.text);
  }

  const heartbeat = setInterval(() => {
    const t = new Date(now());
    void fs.utimes(file, t, t).catch(() => {});
  }, opts.heartbeatMs ?? LOCK_HEARTBEAT_MS);
  heartbeat.unref?.();

  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      const there = await readLock(file).catch(() => null);
      if (there?.info?.id === mine.id) await fs.rm(file, { force: true }).catch(() => {});
      else opts.log?.('warn', 'the export lock was taken over by another process while this export ran');
    },
  };
}
