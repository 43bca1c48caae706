// Everything the app keeps on this computer, listed in one place: "Erase all local data" empties these, and the
// Settings summary counts the cached photos in them. A feature that stores data adds its folder to
// localDataFolders in one line (the snapshot and photo-change archive folders belong there too). The at-rest key
// comes after everything it seals: an erase that stops half-way never leaves sealed data without its key.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveDirFor } from '../core/photo-change/archive';
import { auditDirOf } from './audit-trail';
import { noticeFileOf } from './export-notice';
import type { AppHost } from './host';

type LocalDataHost = Pick<AppHost, 'cacheDir' | 'demoCacheDir' | 'logDir' | 'dataDir' | 'snapshotDir' | 'photoCache'>;

/** The keychain-encrypted at-rest key of the photo cache (and of the other sealed stores), in the app data folder. */
export function photoKeyFileOf(host: Pick<AppHost, 'dataDir'>): string {
  return join(host.dataDir, 'photo-cache.key');
}

export interface DataFolder {
  /** Stable name, shown nowhere but the audit entry of an erase. */
  name: string;
  path: string;
  /** Folders whose files are cached photos (the summary counts them). */
  photos?: boolean;
}

/** The app's local data, except the audit log (erased last, after recording the erase: see eraseLocalData). */
export function localDataFolders(host: Omit<LocalDataHost, 'photoCache'>): DataFolder[] {
  return [
    { name: 'photo-cache', path: host.cacheDir, photos: true },
    { name: 'demo-photo-cache', path: host.demoCacheDir, photos: true },
    // Old photos kept for undo (photo changes): never evicted by the cache, erased only here.
    { name: 'photo-archive', path: archiveDirFor(host.cacheDir) },
    { name: 'demo-photo-archive', path: archiveDirFor(host.demoCacheDir) },
    ...(host.snapshotDir ? [{ name: 'directory-snapshots', path: host.snapshotDir }] : []),
    // After the sealed stores above; also when this run keeps photos in memory (a key an earlier run made).
    { name: 'photo-cache-key', path: photoKeyFileOf(host) },
    ...(host.logDir ? [{ name: 'logs', path: host.logDir }] : []),
    { name: 'export-notice', path: noticeFileOf(host) },
  ];
}

/**
 * Removes what is inside the folder (or the file itself). The folder stays, empty: the logger and the photo
 * cache keep writing into it. Returns false when something could not be removed (a file held open on Windows).
 */
async function emptyPath(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => null);
  if (!st) return true;
  try {
    if (!st.isDirectory()) {
      await rm(path, { force: true });
      return true;
    }
    const names = await readdir(path);
    const results = await Promise.all(names.map((n) => rm(join(path, n), { recursive: true, force: true }).then(() => true, () => false)));
    return results.every(Boolean);
  } catch {
    return false;
  }
}

export interface EraseResult {
  /** Names of the folders that could not be emptied entirely. */
  failed: string[];
}

/** Empties every data folder, then the audit log's folder last (the caller has recorded the erase in it). */
export async function eraseLocalData(host: LocalDataHost): Promise<EraseResult> {
  const all = [...localDataFolders(host), { name: 'audit', path: auditDirOf(host) }];
  const failed: string[] = [];
  // One after another, in order: the audit log must be the last thing to go.
  for (const f of all) {
    if (!(await emptyPath(f.path))) failed.push(f.name);
    // The key's file is gone: this run must not keep sealing with it (a new key is made on the next use).
    if (f.name === 'photo-cache-key' && host.photoCache?.kind === 'encrypted') host.photoCache.keys.forget?.();
  }
  return { failed };
}

/** Cached photo files and the oldest one's last use, over every photo folder (every tenant, and the demo). */
export async function cachedPhotos(host: Pick<AppHost, 'cacheDir' | 'demoCacheDir' | 'logDir' | 'dataDir'>): Promise<{ files: number; oldest: number | null }> {
  let files = 0;
  let oldest: number | null = null;
  for (const f of localDataFolders(host).filter((d) => d.photos)) {
    const names = await readdir(f.path).catch(() => [] as string[]);
    for (const n of names) {
      // Hidden names are temp files of a write in progress, never a cached photo.
      if (n.startsWith('.')) continue;
      const st = await lstat(join(f.path, n)).catch(() => null);
      if (!st?.isFile()) continue;
      files++;
      oldest = oldest === null ? st.mtimeMs : Math.min(oldest, st.mtimeMs);
    }
  }
  return { files, oldest };
}
