// Where the CLI keeps its photo cache and audit log, and checks on the export folder.
import { readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve, win32 } from 'node:path';
import { appError } from '../../shared/errors';
import { ensureWritableFolder as checkFolder, FolderNotWritable, type FolderProblem, removeIfEmpty } from '../util/writable-folder';

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
 * The folder of the audit log: FEISHU_AUDIT_DIR when set, else the cache root of the run (--cache-dir or the
 * per-user one), so that a run with --cache-dir keeps its log with its cache.
 */
export function auditFolder(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.FEISHU_AUDIT_DIR || root);
}

/** The remembered directories (one file per tenant, real or demo), beside the photo caches. */
export function snapshotDir(root: string): string {
  return join(root, 'directory');
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
  const { created } = await checkFolder(abs, { create: true }).catch((e: unknown) => {
    if (!(e instanceof FolderNotWritable)) throw e;
    throw appError('fs.not_writable', `Cannot write to ${abs}: ${WHY[e.problem]}`, { detail: abs });
  });
  await removeOldProbes(abs);
  return { path: abs, removeIfEmpty: () => removeIfEmpty(created) };
}

/** Each problem in the words of the CLI's error line. */
const WHY: Record<FolderProblem, string> = {
  missing: 'it does not exist',
  unreadable: 'it cannot be read',
  'not-a-folder': 'it is a file, not a folder',
  'cannot-create': 'it cannot be created',
  unresolvable: 'it cannot be resolved',
  'not-writable': 'no permission to write',
  'disk-full': 'the disk is full',
};
