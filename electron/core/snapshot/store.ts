// Where remembered directories are kept: one file per tenant in one folder, readable only by this user.
// SnapshotStore deals in bytes so that encryption at rest can wrap it without knowing the format.
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../util/write-atomic';

/** The snapshot itself, or the small employee-number index written beside it. */
export type SnapshotPart = 'directory' | 'index';

export interface SnapshotStore {
  /** The bytes stored under key, or null when there are none (or they cannot be read). */
  read(key: string, part?: SnapshotPart): Promise<Uint8Array | null>;
  write(key: string, bytes: Uint8Array, part?: SnapshotPart): Promise<void>;
  /** Removes every tenant's snapshot. */
  clear(): Promise<void>;
}

const FILE_RE = /^directory-[0-9a-f]{16,64}(\.index)?\.json$/;

/** The file of one tenant key (a hex hash, so it is a safe file name). */
function fileOf(dir: string, key: string, part: SnapshotPart = 'directory'): string {
  const name = `directory-${key}${part === 'index' ? '.index' : ''}.json`;
  if (!FILE_RE.test(name)) throw new Error('snapshot key must be a hex hash');
  return join(dir, name);
}

/** Snapshots as files in dir: folder 0700, files 0600 (names, numbers, e-mails and mobiles are in them). */
export function fileSnapshotStore(dir: string): SnapshotStore {
  return {
    async read(key, part) {
      try {
        return await readFile(fileOf(dir, key, part));
      } catch {
        return null;
      }
    },
    async write(key, bytes, part) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing folder's mode alone: one made by hand (or by an older version) is tightened.
      await chmod(dir, 0o700).catch(() => undefined);
      await writeAtomic(fileOf(dir, key, part), bytes, (tmp, b) => writeFile(tmp, b, { mode: 0o600, flag: 'wx' }));
    },
    async clear() {
      const names = await readdir(dir).catch(() => [] as string[]);
      await Promise.all(names.filter((n) => FILE_RE.test(n) || n.startsWith('.directory-')).map((n) => rm(join(dir, n), { force: true })));
    },
  };
}
