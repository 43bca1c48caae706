// The export folder as the exporter touches it: only paths inside it, never through a symlink, files written
// atomically, one job per folder (the lock), files the manifest does not list left alone, temp files of a killed
// run and folders a run emptied cleaned up. Every check compares realpaths against the folder's own realpath.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { appError } from '../../../shared/errors';
import { ensureWritableFolder, FolderNotWritable, type FolderProblem } from '../../util/writable-folder';

// The atomic write lives in electron/util; the exporter's modules take it from here with the folder checks.
export { tempNameFor, writeAtomic } from '../../util/write-atomic';

// The folder lock lives in its own module (shared with its tests); the exporter takes it from here.
export { lockFolder } from '../folder-lock';

const PART_RE = /^\..+\.part-[0-9a-f]{12}$/;

export function errorCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

/**
 * The parts of a '/'-separated path relative to the export folder, or null for anything that is not a plain
 * relative path: absolute ("/x", "C:x", "\\host"), with a backslash, NUL, or an empty, "." or ".." part.
 */
export function relParts(rel: string): string[] | null {
  if (!rel || rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return null;
  const parts = rel.split('/');
  return parts.every((s) => s !== '' && s !== '.' && s !== '..') ? parts : null;
}

/**
 * An existing regular file named by a manifest row, or null. The manifest is user-editable, so the path must be
 * plain and relative, no part of it may be a symlink (lstat), and its realpath must stay inside root, which is
 * itself a realpath. Anything else is never reused, zipped, overwritten or deleted.
 */
export async function existingFileInside(root: string, rel: string): Promise<{ abs: string; size: number; ino: number; dev: number } | null> {
  const parts = relParts(rel);
  if (!parts) return null;
  let abs = root;
  let st: Awaited<ReturnType<typeof fs.lstat>> | null = null;
  for (const part of parts) {
    abs = path.join(abs, part);
    st = await fs.lstat(abs).catch(() => null);
    if (!st || st.isSymbolicLink()) return null;
  }
  if (!st?.isFile()) return null;
  const real = await fs.realpath(abs).catch(() => null);
  if (!real || !isInside(root, real)) return null;
  return { abs, size: st.size, ino: st.ino, dev: st.dev };
}

/**
 * The folder for a photo, created if missing, checked on every write: each part must be a real directory, not a
 * symlink (which could point anywhere), and its realpath must stay inside root. Refusing is the chosen behaviour:
 * the photo's row fails with fs.path_escape and nothing is written, rather than writing it somewhere else.
 */
export async function folderInside(root: string, folder: string): Promise<string> {
  if (!folder) return root;
  const escape = () => appError('fs.path_escape', 'A subfolder is a link that could lead outside the export folder', { detail: folder });
  const parts = relParts(folder);
  if (!parts) throw escape();
  let abs = root;
  for (const part of parts) {
    abs = path.join(abs, part);
    let st = await fs.lstat(abs).catch(() => null);
    if (!st) {
      await fs.mkdir(abs).catch((e: unknown) => {
        if (errorCode(e) !== 'EEXIST') throw e;
      });
      st = await fs.lstat(abs);
    }
    if (st.isSymbolicLink()) throw escape();
    if (!st.isDirectory()) throw appError('fs.not_writable', 'A file is in the way of a subfolder', { detail: folder });
  }
  const real = await fs.realpath(abs);
  if (!isInside(root, real)) throw escape();
  return abs;
}

/**
 * A photo's path, relative ('/'-separated, for the manifest) and absolute, for a file name in a folder that
 * folderInside returned. A name that would leave that folder is refused with fs.path_escape.
 */
export function fileInside(root: string, dir: string, folder: string, name: string): { rel: string; abs: string } {
  const rel = folder ? `${folder}/${name}` : name;
  const abs = path.join(dir, name);
  if (!relParts(rel) || name.includes('/') || !isInside(root, abs) || path.dirname(abs) !== dir) {
    throw appError('fs.path_escape', 'A file name would leave the export folder', { detail: rel });
  }
  return { rel, abs };
}

/** A plain file (not a link) holding exactly these bytes. */
export async function sameFile(file: string, st: Stats, bytes: Uint8Array): Promise<boolean> {
  if (!st.isFile() || st.size !== bytes.byteLength) return false;
  const there = await fs.readFile(file).catch(() => null);
  return there !== null && Buffer.compare(there, bytes) === 0;
}

/**
 * What is at a path the manifest does not list as ours: nothing, a plain file holding exactly these bytes (a run
 * killed before its manifest checkpoint wrote it), or something foreign (the admin's own file, another tool's).
 */
export async function foreignFileAt(abs: string, bytes: Uint8Array): Promise<'none' | 'same' | 'foreign'> {
  const there = await fs.lstat(abs).catch(() => null);
  if (!there) return 'none';
  return (await sameFile(abs, there, bytes)) ? 'same' : 'foreign';
}

/** Checks the folder before any API call: exists, is a folder, and a file can really be created in it. Returns its realpath. */
export async function assertWritable(outDir: string): Promise<string> {
  try {
    return (await ensureWritableFolder(outDir, { realpath: true, probe: true })).path;
  } catch (e) {
    if (!(e instanceof FolderNotWritable)) throw e;
    if (e.problem === 'disk-full') throw appError('fs.disk_full', 'The disk is full', { detail: outDir });
    throw appError('fs.not_writable', `The export folder cannot be written to (${WHY[e.problem]})`, { detail: outDir });
  }
}

/** Each problem in the words of the exporter's error. */
const WHY: Record<FolderProblem, string> = {
  missing: 'it does not exist',
  unreadable: 'it does not exist',
  'not-a-folder': 'it is not a folder',
  'cannot-create': 'it cannot be created',
  unresolvable: 'it cannot be resolved',
  'not-writable': 'permission denied',
  'disk-full': 'the disk is full',
};

/** Temp files left by a run that was killed: in the folder and in its subfolders. */
export async function removeLeftovers(outDir: string): Promise<void> {
  const clean = async (dir: string, depth: number) => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (ent) => {
        const abs = path.join(dir, ent.name);
        if (ent.isFile() && PART_RE.test(ent.name)) await fs.rm(abs, { force: true }).catch(() => {});
        else if (ent.isDirectory() && depth > 0 && !ent.name.startsWith('.')) await clean(abs, depth - 1);
      }),
    );
  };
  await clean(outDir, 1);
}

/**
 * Removes the folders a run emptied by moving photos out of them (a re-run with another subfolder layout), and
 * their parents that this leaves empty, up to the export folder itself (which stays). rmdir refuses a folder that
 * still holds anything, so a folder with the admin's own files in it is never touched, nor one this run did not empty.
 */
export async function removeEmptiedFolders(outDir: string, vacated: Iterable<string>): Promise<void> {
  // Deepest first, so a parent is tried after its children.
  const dirs = [...vacated].sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
  for (let dir of dirs) {
    while (isInside(outDir, dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break; // not empty (or gone already): it and its parents stay
      }
      dir = path.dirname(dir);
    }
  }
}
