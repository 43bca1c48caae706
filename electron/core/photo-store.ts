// Face photos cached by face_key. Feishu gives a changed photo a new face_key, so a cached photo never goes
// stale: a hit costs no API call at all (which matters on plans with a monthly call quota).
// Bounded by maxBytes with least-recently-used eviction, and by retention (photos unused for retentionDays go);
// the index lives in memory, rebuilt from the shelf. The shelf is a folder of AES-256-GCM sealed files
// (`<key>.enc`, see at-rest/): a file damaged on disk, sealed with another key or left plain by an older version
// is deleted and downloaded again, never served. Or, where no key can be protected, memory for the session.
// Only complete images get here: the client rejects (and retries) a damaged download (see image-check.ts).
import { isAppFailure, appError } from '../../shared/errors';
import type { CacheInfo, Photo } from '../../shared/model';
import { abortReason } from '../util/abort';
import { ephemeralKey, type KeyProvider } from './at-rest/envelope';
import { SealedFolder } from './at-rest/sealed-folder';
import type { FeishuClient } from './feishu/types';
import { memoryShelf, type PhotoShelf } from './photo-shelves';
import type { PhotoCacheMode, PhotoStore } from './types';

export const DEFAULT_CACHE_MAX_BYTES = 500 * 1024 * 1024;
const FACE_KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The plain files of earlier versions (`<key>` or `<key>.<16 hex>`): deleted on sight, never read. */
const LEGACY_PLAIN_RE = /^[a-z0-9_-]{1,128}(?:~[0-9a-f]{8})?(?:\.[0-9a-f]{16})?$/;

export function isValidFaceKey(faceKey: string): boolean {
  return FACE_KEY_RE.test(faceKey);
}

/** The image type from the bytes themselves; the server's content-type is not trusted. */
export function sniffImageMime(b: Uint8Array): Photo['mime'] | null {
  const at = (i: number) => b[i] ?? -1;
  const ascii = (i: number, s: string) => [...s].every((c, k) => at(i + k) === c.charCodeAt(0));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => at(i) === v)) return 'image/png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(0, 'BM') && b.length > 26) return 'image/bmp';
  return null;
}

/** FNV-1a, to keep keys that differ only by case apart on case-insensitive disks. */
function fnv32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function cacheFileName(faceKey: string): string {
  return faceKey === faceKey.toLowerCase() ? faceKey : `${faceKey.toLowerCase()}~${fnv32(faceKey)}`;
}

/**
 * The bytes as a plain Uint8Array that owns its whole buffer: a view when they already do (the client's answer, a
 * file read), a copy only when they are a slice of a larger, possibly pooled, buffer. A needless copy of every photo
 * doubled the bytes each download allocates (garbage the GC collects only every so often).
 */
function ownBytes(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const buf = b.buffer;
  if (buf instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === buf.byteLength) return new Uint8Array(buf, 0, b.byteLength);
  return new Uint8Array(b);
}

interface Entry {
  /** Bytes the shelf holds for it (on disk: the sealed file's size). */
  size: number;
  lastUsed: number;
}

interface Download {
  promise: Promise<Photo>;
  controller: AbortController;
  waiters: number;
}

export interface PhotoStoreOptions {
  cacheDir: string;
  maxBytes?: number;
  /** Photos unused for longer are removed: on start, after each export, and on applyRetention(). */
  retentionDays?: number;
  /** Sealed files in cacheDir (default: with a key that lives as long as this store), or memory for the session. */
  mode?: PhotoCacheMode;
  now?: () => number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

function shelfFor(opts: PhotoStoreOptions, mode: PhotoCacheMode): PhotoShelf {
  if (mode.kind === 'memory') return memoryShelf({ dir: opts.cacheDir, plain: LEGACY_PLAIN_RE });
  return new SealedFolder({
    dir: opts.cacheDir,
    keys: mode.keys,
    legacyPlain: LEGACY_PLAIN_RE,
    onDiscard: (_name, why) => opts.log?.('info', 'cached face photo discarded; it will be downloaded again', { why }),
  });
}

export class DiskPhotoStore implements PhotoStore {
  private maxBytes: number;
  private retentionMs: number;
  private readonly now: () => number;
  private readonly shelf: PhotoShelf;
  private readonly index = new Map<string, Entry>();
  private total = 0;
  private readonly downloads = new Map<string, Download>();
  private ready: Promise<void> | null = null;
  private evicting: Promise<void> = Promise.resolve();
  /** Bumped by clear(): a download or write begun before it goes to its caller, not into the cleared cache. */
  private generation = 0;
  private clock = 0;

  constructor(
    private readonly client: FeishuClient,
    private readonly opts: PhotoStoreOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.retentionMs = (opts.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
    this.now = opts.now ?? Date.now;
    const mode = opts.mode ?? { kind: 'encrypted', keys: ephemeralKey() };
    this.atRestKeys = mode.kind === 'encrypted' ? mode.keys : null;
    this.shelf = shelfFor(opts, mode);
  }

  /** The key the cache's files are sealed with (null in memory); the photo-change archive seals with it too. */
  readonly atRestKeys: KeyProvider | null;

  /** true when the cache is kept in memory for this session only. */
  get inMemory(): boolean {
    return this.shelf.inMemory;
  }

  /**
   * Reads the shelf once (sizes and last use), then applies retention. A cache folder that cannot be created or
   * read leaves the cache empty rather than failing every photo: the cache is only an optimisation (store()
   * tries the folder again on each download).
   */
  private init(): Promise<void> {
    this.ready ??= this.scan()
      .catch((e: unknown) => {
        this.opts.log?.('warn', 'photo cache folder unusable; photos will be downloaded', { code: (e as { code?: string }).code });
      })
      .then(() => this.scheduleEviction());
    return this.ready;
  }

  private async scan(): Promise<void> {
    // Oldest first: from here on the index is kept in least-recently-used order (a use moves an entry to the end).
    for (const { name, size, lastUsed } of await this.shelf.list()) {
      this.index.set(name, { size, lastUsed });
      this.clock = Math.max(this.clock, lastUsed);
      this.total += size;
    }
  }

  /** Strictly increasing use stamps, so two uses in one millisecond still have an order. */
  private tick(): number {
    this.clock = Math.max(this.now(), this.clock + 1);
    return this.clock;
  }

  private check(faceKey: string): string {
    if (!isValidFaceKey(faceKey)) throw appError('input.invalid', 'Not a face photo key', { detail: 'faceKey' });
    return cacheFileName(faceKey);
  }

  async has(faceKey: string): Promise<boolean> {
    if (!isValidFaceKey(faceKey)) return false;
    await this.init();
    return this.index.has(cacheFileName(faceKey));
  }

  async put(faceKey: string, bytes: Uint8Array): Promise<void> {
    const name = this.check(faceKey);
    await this.init();
    if (!sniffImageMime(bytes)) throw appError('input.invalid', 'Not an image', { detail: 'photo' });
    await this.store(name, ownBytes(bytes));
  }

  async get(faceKey: string, signal?: AbortSignal): Promise<Photo> {
    const name = this.check(faceKey);
    await this.init();
    if (signal?.aborted) throw abortReason(signal);
    const hit = await this.readCached(name);
    if (hit) return hit;
    return this.join(name, faceKey, signal);
  }

  private async readCached(name: string): Promise<Photo | null> {
    const entry = this.index.get(name);
    if (!entry) return null;
    const plain = await this.shelf.read(name).catch(() => null);
    const bytes = plain ? ownBytes(plain) : null;
    const mime = bytes ? sniffImageMime(bytes) : null;
    if (!bytes || !mime) {
      // Gone, damaged, another key's or not an image: forget it and download again.
      this.forget(name);
      if (plain) await this.shelf.remove(name);
      return null;
    }
    entry.lastUsed = this.tick();
    this.index.delete(name);
    this.index.set(name, entry);
    this.shelf.touch(name, entry.lastUsed);
    return { bytes, mime };
  }

  private forget(name: string): void {
    const e = this.index.get(name);
    if (!e) return;
    this.index.delete(name);
    this.total -= e.size;
  }

  /** Concurrent gets of one key share a download; it is aborted only when every waiter has given up. */
  private join(name: string, faceKey: string, signal?: AbortSignal): Promise<Photo> {
    let d = this.downloads.get(name);
    if (!d) {
      const controller = new AbortController();
      const promise = this.download(name, faceKey, controller.signal).finally(() => {
        if (this.downloads.get(name) === d) this.downloads.delete(name);
      });
      promise.catch(() => {});
      d = { promise, controller, waiters: 0 };
      this.downloads.set(name, d);
    }
    const download = d;
    download.waiters++;
    if (!signal) return download.promise;
    return new Promise<Photo>((resolve, reject) => {
      const onAbort = () => {
        download.waiters--;
        if (download.waiters <= 0) {
          // Nobody wants it any more: stop it, and let a later request start afresh rather than join a dead one.
          if (this.downloads.get(name) === download) this.downloads.delete(name);
          download.controller.abort(signal.reason);
        }
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      download.promise.then(
        (p) => {
          signal.removeEventListener('abort', onAbort);
          resolve(p);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  private async download(name: string, faceKey: string, signal: AbortSignal): Promise<Photo> {
    const generation = this.generation;
    const file = await this.client.downloadFile(faceKey, signal);
    const bytes = ownBytes(file.bytes);
    const mime = sniffImageMime(bytes);
    if (!mime) {
      throw appError('feishu.bad_response', 'The downloaded face photo is not an image', { detail: faceKey });
    }
    await this.store(name, bytes, generation);
    return { bytes, mime };
  }

  private async store(name: string, bytes: Uint8Array, generation = this.generation): Promise<void> {
    if (generation !== this.generation) return;
    try {
      const size = await this.shelf.write(name, bytes);
      // Cleared while it was being written: the admin asked for an empty cache.
      // (Unless a download begun after the clear has stored the same photo meanwhile.)
      if (generation !== this.generation) {
        if (!this.index.has(name)) await this.shelf.remove(name);
        return;
      }
      this.forget(name);
      this.index.set(name, { size, lastUsed: this.tick() });
      this.total += size;
      this.scheduleEviction(name);
    } catch (e) {
      // The photo is still good for the caller; the cache is only an optimisation.
      this.opts.log?.('warn', 'could not cache a face photo', { code: isAppFailure(e) ? e.info.code : (e as { code?: string }).code });
    }
  }

  private scheduleEviction(keep?: string): Promise<void> {
    this.evicting = this.evicting.then(() => this.evict(keep)).catch(() => {});
    return this.evicting;
  }

  /**
   * Drops what retention says is too old, then the least recently used entries (the front of the index) until
   * the cache fits; never `keep` (the photo just stored).
   */
  private async evict(keep?: string): Promise<void> {
    const cutoff = this.now() - this.retentionMs;
    for (const [name, e] of [...this.index]) {
      if (e.lastUsed >= cutoff) break; // the index is in order of use: the rest is newer
      if (name !== keep) await this.drop(name);
    }
    while (this.total > this.maxBytes) {
      let oldest: string | undefined;
      for (const name of this.index.keys()) {
        if (name === keep) continue;
        oldest = name;
        break;
      }
      if (oldest === undefined) return;
      await this.drop(oldest);
    }
  }

  private async drop(name: string): Promise<void> {
    this.forget(name);
    await this.shelf.remove(name);
  }

  async info(): Promise<CacheInfo> {
    await this.init();
    await this.evicting;
    return { bytes: this.total, files: this.index.size, maxBytes: this.maxBytes };
  }

  async clear(): Promise<CacheInfo> {
    this.generation++;
    await this.init();
    await this.evicting;
    await Promise.all([...this.index.keys()].map((n) => this.drop(n)));
    return this.info();
  }

  setMaxBytes(bytes: number): void {
    this.maxBytes = Math.max(0, bytes);
    void this.init().then(() => this.scheduleEviction());
  }

  setRetentionDays(days: number): void {
    this.retentionMs = Math.max(0, days) * DAY_MS;
    void this.init().then(() => this.scheduleEviction());
  }

  /** Removes the photos unused for longer than the retention period (also done on start and after exports). */
  async applyRetention(): Promise<void> {
    await this.init();
    await this.scheduleEviction();
  }

  /** Removes the cached photos of these face keys (employees who resigned); how many were cached. */
  async purgeEmployees(faceKeys: Iterable<string>): Promise<number> {
    const wanted = [...new Set([...faceKeys].filter(isValidFaceKey).map(cacheFileName))];
    await this.init();
    // In line with evictions, so info() and clear() see the files gone, not only forgotten.
    const run = this.evicting.then(async () => {
      const names = wanted.filter((n) => this.index.has(n));
      await Promise.all(names.map((n) => this.drop(n)));
      return names.length;
    });
    this.evicting = run.then(
      () => {},
      () => {},
    );
    return run;
  }
}
