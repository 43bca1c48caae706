// Where the CLI keeps its photo cache, and checks on the export folder.
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, win32 } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appError } from '../../shared/errors';

export const APP_DIR_NAME = 'feishu-face-photos';

/** The per-user cache root, following each platform's convention. */
export function defaultCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local');
    return win32.join(base, APP_DIR_NAME, 'Cache');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', APP_DIR_NAME);
  const xdg = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(xdg, APP_DIR_NAME);
}

/** Real and demo photos live in sibling folders so a demo run never mixes into a real tenant's cache. */
export function photoCacheDir(root: string, demo: boolean): string {
  return join(root, demo ? 'demo-photos' : 'photos');
}

/**
 * mkdir -p one level at a time: Node 20's recursive mkdir can spin forever on some pseudo file
 * systems (e.g. a path under /proc), which would hang a cron job instead of failing it.
 */
async function mkdirp(dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    try {
      await stat(cur);
      break;
    } catch {
      missing.push(cur);
      const parent = dirname(cur);
      if (parent === cur) break;
      cur = parent;
    }
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Makes sure the export folder exists (creating it, like mkdir -p) and can be written to,
 * by writing and removing a probe file: permission bits alone say nothing for root or on read-only mounts.
 */
export async function ensureWritableFolder(dir: string): Promise<string> {
  const abs = resolve(dir);
  const notWritable = (why: string) => appError('fs.not_writable', `Cannot write to ${abs}: ${why}`, { detail: abs });
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) throw notWritable('it is a file, not a folder');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') {
      if (e instanceof Error && e.name === 'AppFailure') throw e;
      throw notWritable('it cannot be read');
    }
    try {
      await mkdirp(abs);
    } catch {
      throw notWritable('it cannot be created');
    }
  }
  const probe = join(abs, `.write-test-${randomBytes(4).toString('hex')}`);
  try {
    await access(abs, fsConstants.W_OK);
    await writeFile(probe, '');
  } catch {
    throw notWritable('no permission to write');
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return abs;
}
