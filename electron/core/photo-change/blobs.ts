// Where the photo archive keeps its bytes. A small interface on purpose: encryption at rest (core/at-rest) can wrap
// it later — encrypt in write, decrypt in read — without the archive, the journal or the photo change knowing.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface ArchiveBlobs {
  /** Stores bytes under a name, durably: when the promise resolves they are on disk (fsynced), never half written. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under the name, or null when there are none. */
  read(name: string): Promise<Uint8Array | null>;
  /** Whether bytes are stored under the name. */
  has(name: string): Promise<boolean>;
}

/** fsync of a folder, so a rename in it survives a power cut; not supported on Windows (ignored there). */
export async function syncFolder(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r').catch(() => null);
  if (!h) return;
  try {
    await h.sync();
  } catch {
    // EISDIR / EPERM on platforms that cannot sync a folder: the file itself was synced.
  } finally {
    await h.close();
  }
}

/** Writes, fsyncs and renames into place, then fsyncs the folder. */
export async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.part-${randomBytes(6).toString('hex')}`);
  const h = await fs.open(temp, 'wx', 0o600);
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  await syncFolder(dir);
}

const SAFE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** Plain files in one folder (mode 0700), created on the first write. */
export function folderBlobs(dir: string): ArchiveBlobs {
  const fileOf = (name: string): string => {
    if (!SAFE_NAME.test(name) || name.startsWith('.')) throw new Error(`not an archive name: ${name}`);
    return path.join(dir, name);
  };
  return {
    async write(name, bytes) {
      const file = fileOf(name);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await writeDurably(file, bytes);
    },
    async read(name) {
      try {
        return new Uint8Array(await fs.readFile(fileOf(name)));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return null;
        throw e;
      }
    },
    async has(name) {
      const st = await fs.lstat(fileOf(name)).catch(() => null);
      return Boolean(st?.isFile());
    },
  };
}
