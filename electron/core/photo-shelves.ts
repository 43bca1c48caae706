// Where the photo cache keeps its bytes: sealed files in the cache folder (at-rest/sealed-folder.ts), or memory
// for the session when the app cannot protect a key (Linux basic_text, no keychain). The store's index, LRU
// and retention do not care which.
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

/** A shelf in memory: the photos of this session only. */
export function memoryShelf(): PhotoShelf {
  const kept = new Map<string, Uint8Array>();
  return {
    inMemory: true,
    list: () => Promise.resolve([]),
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
