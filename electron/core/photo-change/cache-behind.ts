// The new photos of an import go into the photo cache behind the changes, two at a time, instead of each change
// waiting for its sealed cache write: those writes share Node's four file-system threads with the journal's
// fsyncs, and a thousand of them at once held the fsyncs (and so the modifies) back. The run drains the queue
// before it ends, so the cache holds every new photo when the import returns.
import type { PhotoStore } from '../types';

const WRITERS = 2;

export interface CacheBehind {
  /** Queues the write and resolves at once (the cache is only an optimisation: a failed write is dropped). */
  put(faceKey: string, bytes: Uint8Array): Promise<void>;
  /** Resolves when every queued write has ended. */
  drain(): Promise<void>;
}

export function cacheBehind(photos: Pick<PhotoStore, 'put'>): CacheBehind {
  const queue: [string, Uint8Array][] = [];
  const writers = new Set<Promise<void>>();
  const writer = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) await photos.put(next[0], next[1]).catch(() => {});
  };
  const start = () => {
    const w = writer().finally(() => writers.delete(w));
    writers.add(w);
  };
  return {
    put(faceKey, bytes) {
      queue.push([faceKey, bytes]);
      if (writers.size < WRITERS) start();
      return Promise.resolve();
    },
    async drain() {
      while (writers.size) await Promise.all([...writers]);
    },
  };
}
