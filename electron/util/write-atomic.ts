// The one atomic file write: a hidden temp file beside the target, renamed into place. Used by the exporter,
// the app's single-photo save (through core) and the credential vault.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The hidden temp name beside a file (`.<name>.part-` + 12 hex digits): the exporter removes these after a kill. */
export function tempNameFor(abs: string): string {
  return path.join(path.dirname(abs), `.${path.basename(abs)}.part-${randomBytes(6).toString('hex')}`);
}

/** Writes a file as a hidden temp file beside it, then renames it into place: no reader ever sees half a file. */
export async function writeAtomic(
  abs: string,
  bytes: Uint8Array,
  write: (file: string, bytes: Uint8Array) => Promise<void> = (f, b) => writeFile(f, b, { flag: 'wx' }),
): Promise<void> {
  const temp = tempNameFor(abs);
  try {
    await write(temp, bytes);
    // rename replaces a symlink at abs itself; it never writes through one.
    await rename(temp, abs);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
}
