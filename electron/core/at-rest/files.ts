// One sealed file: the helpers a store adopts in one line (photo cache, directory snapshot, photo-change archive).
// sealFile writes atomically and readable by the user only; openFile discards (deletes) a file it cannot trust.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '../../util/write-atomic';
import { openEnvelope, seal, type KeyProvider, type OpenFailure } from './envelope';

/** The context a file's envelope is bound to: its own name, so a file copied over another one does not open. */
function contextOf(file: string): string {
  return path.basename(file);
}

/** Seals bytes into file (temp file + rename, mode 0600). */
export async function sealFile(file: string, bytes: Uint8Array, keys: KeyProvider): Promise<number> {
  const sealed = seal(await keys.key(), bytes, contextOf(file));
  await writeAtomic(file, sealed, (tmp, b) => writeFile(tmp, b, { mode: 0o600, flag: 'wx' }));
  return sealed.length;
}

export interface OpenFileOptions {
  /** Told why a file could not be opened (never any of its bytes). */
  onDiscard?(file: string, why: OpenFailure): void;
  /**
   * false: an unreadable file is left where it is (still never trusted), for a store that must not lose data
   * on a key mix-up, such as an archive of replaced photos. Default true: a cache deletes it.
   */
  discard?: boolean;
}

/**
 * The plaintext of file, or null: missing, or not an envelope of this key (old plain format, another key,
 * tampered), which is then deleted (unless discard: false) — a miss, never trusted.
 */
export async function openFile(file: string, keys: KeyProvider, opts: OpenFileOptions = {}): Promise<Buffer | null> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch {
    return null;
  }
  const r = openEnvelope(await keys.key(), raw, contextOf(file));
  if (r.ok) return r.plain;
  opts.onDiscard?.(file, r.why);
  if (opts.discard !== false) await rm(file, { force: true }).catch(() => {});
  return null;
}
