// The one writable-folder check, for the app's folder picker and handlers, the CLI's export folder and the
// exporter. Callers differ in what they need (create the folder? prove a file can really be created in it?),
// so they say it with explicit options and turn the problem into their own error.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, realpath, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export interface WritableFolderOptions {
  /** Create the folder and its missing parents (like mkdir -p); a failed check removes them again. */
  create?: boolean;
  /** Resolve the folder to its real path (symlinks followed) and check that one. */
  realpath?: boolean;
  /**
   * Prove it by creating (and removing) a probe file instead of asking access(W_OK), which ACLs can fool.
   * The probe is named like the exporter's temp files (`.write-check.part-` + 12 hex digits), so a run killed
   * mid-check leaves nothing its next run would not clean.
   */
  probe?: boolean;
}

/** Why a folder cannot be used. */
export type FolderProblem =
  | 'missing' // does not exist (or cannot be looked at) and was not to be created
  | 'unreadable' // cannot be looked at (not just missing)
  | 'not-a-folder'
  | 'cannot-create'
  | 'unresolvable' // its real path cannot be resolved
  | 'not-writable'
  | 'disk-full'; // the probe found no space left

export class FolderNotWritable extends Error {
  override readonly name = 'FolderNotWritable';
  constructor(
    readonly problem: FolderProblem,
    readonly folder: string,
  ) {
    super(`${folder}: ${problem}`);
  }
}

export interface WritableFolder {
  /** The absolute path (the real path with `realpath`). */
  path: string;
  /** The folders this check created, outermost first (empty unless `create`). */
  created: string[];
}

const codeOf = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

/** Resolves with the folder when it can be written to; rejects with FolderNotWritable saying why. */
export async function ensureWritableFolder(dir: string, opts: WritableFolderOptions = {}): Promise<WritableFolder> {
  const abs = resolve(dir);
  const fail = (problem: FolderProblem) => new FolderNotWritable(problem, abs);
  let created: string[] = [];
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) throw fail('not-a-folder');
  } catch (e) {
    if (e instanceof FolderNotWritable) throw e;
    if (!opts.create) throw fail('missing');
    if (codeOf(e) !== 'ENOENT') throw fail('unreadable');
    created = await mkdirp(abs).catch(() => {
      throw fail('cannot-create');
    });
  }
  try {
    const path = opts.realpath ? await realpath(abs).catch(() => Promise.reject(fail('unresolvable'))) : abs;
    await (opts.probe ? probe(path, fail) : access(path, fsConstants.W_OK).catch(() => Promise.reject(fail('not-writable'))));
    return { path, created };
  } catch (e) {
    await removeIfEmpty(created);
    throw e;
  }
}

/** True when the folder exists, is a folder and access(W_OK) allows writing (the check with no options). */
export async function isWritableFolder(dir: string): Promise<boolean> {
  return ensureWritableFolder(dir).then(
    () => true,
    () => false,
  );
}

/** Removes these folders, innermost first, while they are empty (rmdir refuses one that is not). */
export async function removeIfEmpty(created: string[]): Promise<void> {
  for (const d of [...created].reverse()) if (!(await rmdir(d).then(() => true, () => false))) return;
}

async function probe(folder: string, fail: (p: FolderProblem) => FolderNotWritable): Promise<void> {
  const file = join(folder, `.write-check.part-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(file, '');
  } catch (e) {
    throw fail(codeOf(e) === 'ENOSPC' ? 'disk-full' : 'not-writable');
  } finally {
    await rm(file, { force: true }).catch(() => {});
  }
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
      if (codeOf(e) !== 'EEXIST') throw e;
    }
  }
  return created;
}
