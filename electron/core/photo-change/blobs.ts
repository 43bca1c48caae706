// Where the photo archive keeps its bytes: sealed with the at-rest envelope (core/at-rest, the photo cache's key),
// one file per name, written durably. A small interface, so the archive, the journal and the photo change do not
// know about the sealing.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { openEnvelope, seal, type KeyProvider } from '../at-rest/envelope';

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

async function readRaw(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Sealed files in one folder (mode 0700), created on the first write; each envelope is bound to its file name.
 * A file an earlier version wrote plain (no envelope header) is still read as it is: it may be the only copy of
 * an employee's old photo, so it is never discarded; the archive checks it against its SHA-256 name, and the
 * next keep() of the same photo seals it in place. A file of another key or a damaged one reads as null and
 * stays where it is (the right key may come back; the archive then says the photo is missing or damaged).
 */
export function sealedBlobs(dir: string, keys: KeyProvider): ArchiveBlobs {
  const fileOf = (name: string): string => {
    if (!SAFE_NAME.test(name) || name.startsWith('.')) throw new Error(`not an archive name: ${name}`);
    return path.join(dir, name);
  };
  return {
    async write(name, bytes) {
      const file = fileOf(name);
      const sealed = seal(await keys.key(), bytes, name);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await writeDurably(file, sealed);
    },
    async read(name) {
      const raw = await readRaw(fileOf(name));
      if (!raw) return null;
      const r = openEnvelope(await keys.key(), raw, name);
      if (r.ok) return new Uint8Array(r.plain);
      if (r.why === 'format') return new Uint8Array(raw); // plain, from an earlier version (see above)
      return null;
    },
    async has(name) {
      // Only a sealed file counts: a plain one from an earlier version is then sealed over by the next write.
      const raw = await readRaw(fileOf(name));
      return raw !== null && openEnvelope(await keys.key(), raw, name).ok;
    },
  };
}
