// Where the photo cache keeps its bytes: sealed files in the cache folder (at-rest/sealed-folder.ts), or memory
// for the session when the app cannot protect a key (Linux basic_text, no keychain). The store's index, LRU
// and retention do not care which.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SealedEntry } from './at-rest/sealed-folder';

export interface PhotoShelf {
  /** true: nothing reaches the disk, and the cache ends with the session. */
  readonly inMemory: boolean;
  /** What is kept, oldest use first. */
  list(): Promise<SealedEntry[]>;
  /** The bytes, or null when gone or not trustworthy (then removed). */
  read(name: string): Promise<Uint8Array | null>;
  /** Keeps bytes under name; the size they take. */
  write(name: string, bytes: Uint8Array): Promise<number>;
  remove(name: string): Promise<void>;
  /** Records a use, so the order and the retention clock survive what the shelf survives. */
  touch(name: string, at: number): void;
}

/** Plain photos an older version left in the cache folder, deleted even when the cache itself is in memory. */
export interface LegacyFolder {
  dir: string;
  plain: RegExp;
}

async function removePlain({ dir, plain }: LegacyFolder): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => plain.test(n)).map((n) => fs.rm(path.join(dir, n), { force: true }).catch(() => {})));
}

/** A shelf in memory: the photos of this session only. */
export function memoryShelf(legacy?: LegacyFolder): PhotoShelf {
  const kept = new Map<string, Uint8Array>();
  return {
    inMemory: true,
    async list() {
      if (legacy) await removePlain(legacy);
      return [];
    },
    read: (name) => Promise.resolve(kept.get(name) ?? null),
    write(name, bytes) {
      kept.set(name, bytes);
      return Promise.resolve(bytes.byteLength);
    },
    remove(name) {
      kept.delete(name);
      return Promise.resolve();
    },
    touch: () => {},
  };
}
