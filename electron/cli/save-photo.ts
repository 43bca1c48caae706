// `check --out` saves one photo by the export's rules: a file that is already there is never replaced. The
// same photo already saved under the name (or a numbered variant of it) is kept as it is; otherwise the photo
// goes to the first free name of "name.jpg", "name (2).jpg", "name (3).jpg"…
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, link, lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { appError } from '../../shared/errors';
import { nameKey, uniqueName } from '../../shared/naming';

export interface SavedPhoto {
  path: string;
  /** True when the folder already held exactly this photo and nothing was written. */
  existing: boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "name.jpg" itself or "name (n).jpg", any case. */
function isVariant(entry: string, name: string): boolean {
  const ext = extname(name);
  const base = name.slice(0, name.length - ext.length);
  return nameKey(entry) === nameKey(name) || new RegExp(`^${escapeRe(nameKey(base))} \\(\\d+\\)${escapeRe(nameKey(ext))}$`).test(nameKey(entry));
}

async function holds(file: string, bytes: Uint8Array): Promise<boolean> {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile() || st.size !== bytes.byteLength) return false;
  const there = await readFile(file).catch(() => null);
  return there !== null && Buffer.compare(there, bytes) === 0;
}

const codeOf = (e: unknown) => (e as { code?: string } | null)?.code;

/**
 * Puts the finished temp file at target unless something is there: a hard link is atomic and fails on an
 * existing name; where links are not supported (FAT, some network shares), an exclusive copy. False when taken.
 */
async function placeNew(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
    return true;
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
  }
  try {
    await copyFile(temp, target, fsConstants.COPYFILE_EXCL);
    return true;
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
    throw e;
  }
}

/** Saves bytes into dir as name, or beside a file that holds something else; never replaces a file. */
export async function savePhotoBeside(dir: string, name: string, bytes: Uint8Array): Promise<SavedPhoto> {
  try {
    const entries = await readdir(dir);
    for (const entry of entries) {
      if (isVariant(entry, name) && (await holds(join(dir, entry), bytes))) return { path: join(dir, entry), existing: true };
    }
    const taken = new Set(entries.map(nameKey));
    // Hidden and named like the exporter's temp files, so a later export into this folder removes it after a kill.
    const temp = join(dir, `.${name}.part-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      for (;;) {
        const candidate = uniqueName(name, taken);
        if (await placeNew(temp, join(dir, candidate))) return { path: join(dir, candidate), existing: false };
      }
    } finally {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  } catch (e) {
    const full = codeOf(e) === 'ENOSPC';
    throw appError(full ? 'fs.disk_full' : 'fs.not_writable', 'The photo could not be saved', { detail: dir });
  }
}
