// Where remembered directories are kept: one sealed file per tenant in one folder, readable only by this user.
// Names, employee numbers, e-mails and mobiles are in them, so they go through the at-rest envelope (issue #13)
// with the key the photo cache uses. SnapshotStore deals in bytes: the envelope wraps it without knowing the format.
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openFile, sealFile } from '../at-rest/files';
import type { KeyProvider, OpenFailure } from '../at-rest/envelope';

/** The snapshot itself, or the small employee-number index written beside it. */
export type SnapshotPart = 'directory' | 'index';

export interface SnapshotStore {
  /** The bytes stored under key, or null when there are none (or they cannot be read or trusted). */
  read(key: string, part?: SnapshotPart): Promise<Uint8Array | null>;
  write(key: string, bytes: Uint8Array, part?: SnapshotPart): Promise<void>;
  /** Removes every tenant's snapshot. */
  clear(): Promise<void>;
}

const FILE_RE = /^directory-[0-9a-f]{16,64}(\.index)?\.enc$/;
/** What versions before the envelope wrote: plain JSON, never read, deleted on sight. */
const LEGACY_PLAIN_RE = /^directory-[0-9a-f]{16,64}(\.index)?\.json$/;

function nameOf(key: string, part: SnapshotPart = 'directory', ext = 'enc'): string {
  return `directory-${key}${part === 'index' ? '.index' : ''}.${ext}`;
}

/** The file of one tenant key (a hex hash, so it is a safe file name). */
function fileOf(dir: string, key: string, part: SnapshotPart = 'directory'): string {
  const name = nameOf(key, part);
  if (!FILE_RE.test(name)) throw new Error('snapshot key must be a hex hash');
  return join(dir, name);
}

export interface SnapshotStoreOptions {
  /** The photo cache's key: the app's keychain-protected one, the CLI's key file or FEISHU_CACHE_KEY. */
  keys: KeyProvider;
  /** Told why a stored file was discarded (another key, tampered, cut short); never any of its bytes. */
  onDiscard?(why: OpenFailure): void;
}

/**
 * Snapshots as sealed files in dir: folder 0700, files 0600. A file that does not open with this key (another
 * key, tampered, truncated, copied under another tenant's name) is deleted and read as "nothing remembered".
 */
export function fileSnapshotStore(dir: string, opts: SnapshotStoreOptions): SnapshotStore {
  return {
    async read(key, part) {
      // The plain file of an older version is not trusted (anyone could have written it): it goes unread.
      await rm(join(dir, nameOf(key, part, 'json')), { force: true }).catch(() => undefined);
      return openFile(fileOf(dir, key, part), opts.keys, { onDiscard: (_file, why) => opts.onDiscard?.(why) });
    },
    async write(key, bytes, part) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing folder's mode alone: one made by hand (or by an older version) is tightened.
      await chmod(dir, 0o700).catch(() => undefined);
      await sealFile(fileOf(dir, key, part), bytes, opts.keys);
    },
    clear: () => clearSnapshots(dir),
  };
}

/** Removes the plain snapshots older versions wrote in dir (no key needed: they are never read). */
export async function removePlainSnapshots(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => LEGACY_PLAIN_RE.test(n)).map((n) => rm(join(dir, n), { force: true })));
}

/** Removes every tenant's snapshot in dir, sealed or of an older version, and leftover temp files (no key needed). */
export async function clearSnapshots(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ours = (n: string) => FILE_RE.test(n) || LEGACY_PLAIN_RE.test(n) || n.startsWith('.directory-');
  await Promise.all(names.filter(ours).map((n) => rm(join(dir, n), { force: true })));
}
