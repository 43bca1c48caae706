// Where the CLI keeps its photo cache, and checks on the export folder.
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, win32 } from 'node:path';
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
 * Returns the folders it created, outermost first.
 */
async function mkdirp(dir: string): Promise<string[]> {
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
  const created: string[] = [];
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
      created.push(d);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
  return created;
}

/** The probe file of earlier versions (`.write-test-` + 8 hex digits), which a killed run left behind. */
const OLD_PROBE_RE = /^\.write-test-[0-9a-f]{8}$/;

/** Removes the probe files earlier versions left in the folder when they were killed. */
async function removeOldProbes(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => OLD_PROBE_RE.test(n)).map((n) => rm(join(dir, n), { force: true }).catch(() => undefined)));
}

export interface OutFolder {
  /** Absolute path of the folder. */
  path: string;
  /** Removes the folders this run created, if they are still empty: a run that saved nothing leaves nothing. */
  removeIfEmpty(): Promise<void>;
}

/**
 * Makes sure the export folder exists (creating it, like mkdir -p) and can be written to. The check writes no
 * file, so a run killed at any moment leaves nothing behind; where permissions are not what they seem (ACLs),
 * the exporter's own check, or the first write, still fails with fs.not_writable.
 */
export async function openOutFolder(dir: string): Promise<OutFolder> {
  const abs = resolve(dir);
  const notWritable = (why: string) => appError('fs.not_writable', `Cannot write to ${abs}: ${why}`, { detail: abs });
  let created: string[] = [];
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) throw notWritable('it is a file, not a folder');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') {
      if (e instanceof Error && e.name === 'AppFailure') throw e;
      throw notWritable('it cannot be read');
    }
    try {
      created = await mkdirp(abs);
    } catch {
      throw notWritable('it cannot be created');
    }
  }
  const folder: OutFolder = {
    path: abs,
    removeIfEmpty: async () => {
      // rmdir refuses a folder that is not empty: whatever got in stays.
      for (const d of [...created].reverse()) if (!(await rmdir(d).then(() => true, () => false))) return;
    },
  };
  try {
    await access(abs, fsConstants.W_OK);
  } catch {
    await folder.removeIfEmpty();
    throw notWritable('no permission to write');
  }
  await removeOldProbes(abs);
  return folder;
}

/** openOutFolder for callers that keep whatever was created. */
export async function ensureWritableFolder(dir: string): Promise<string> {
  return (await openOutFolder(dir)).path;
}
