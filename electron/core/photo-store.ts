// Face photos on disk, keyed by face_key. Feishu gives a changed photo a new face_key, so a cached file
// never goes stale: a hit costs no API call at all (which matters on plans with a monthly call quota).
// Bounded by maxBytes with least-recently-used eviction; the index lives in memory, rebuilt from the folder.
// Each file is named after its key and the start of its SHA-256 (`<key>.<16 hex>`), so the index records size and
// hash across restarts and a read checks both: a file damaged on disk is dropped and downloaded again, never served.
// Only complete images get here: the client rejects (and retries) a damaged download (see image-check.ts).
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { appError, isAppFailure } from '../../shared/errors';
import type { CacheInfo, Photo } from '../../shared/model';
import { abortReason } from '../util/abort';
import { imageDamage } from './image-check';
import type { FeishuClient } from './feishu/types';
import type { PhotoStore } from './types';

export const DEFAULT_CACHE_MAX_BYTES = 500 * 1024 * 1024;
const FACE_KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
/** `<key>.<hash>`; a file without the hash was written before hashes were recorded and is checked as an image instead. */
const CACHE_FILE_RE = /^([a-z0-9_-]{1,128}(?:~[0-9a-f]{8})?)(?:\.([0-9a-f]{16}))?$/;

/** The first 64 bits of the SHA-256, as recorded in the file name: enough to notice damage, short enough for a name. */
function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

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
  /** The file's name in the folder. */
  file: string;
  size: number;
  /** contentHash of the bytes, or null for a file from before hashes were recorded. */
  hash: string | null;
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
  now?: () => number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export class DiskPhotoStore implements PhotoStore {
  private readonly dir: string;
  private maxBytes: number;
  private readonly now: () => number;
  private readonly index = new Map<string, Entry>();
  private total = 0;
  private readonly downloads = new Map<string, Download>();
  private ready: Promise<void> | null = null;
  private evicting: Promise<void> = Promise.resolve();
  private clock = 0;

  constructor(
    private readonly client: FeishuClient,
    private readonly opts: PhotoStoreOptions,
  ) {
    this.dir = path.resolve(opts.cacheDir);
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Reads the folder once: sizes and last use (mtime, which we bump on every hit). Leftover temp files go.
   * A cache folder that cannot be created or read leaves the cache empty rather than failing every photo:
   * the cache is only an optimisation (store() tries the folder again on each download).
   */
  private init(): Promise<void> {
    this.ready ??= this.scan().catch((e: unknown) => {
      this.opts.log?.('warn', 'photo cache folder unusable; photos will be downloaded', { code: (e as { code?: string }).code });
    });
    return this.ready;
  }

  private async scan(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = await fs.readdir(this.dir);
    await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.dir, name);
        if (name.startsWith('.') && name.includes('.part-')) {
          await fs.rm(file, { force: true }).catch(() => {});
          return;
        }
        const m = CACHE_FILE_RE.exec(name);
        if (!m) return;
        const st = await fs.lstat(file).catch(() => null); // a symlink is not one of ours: never read through it
        if (!st?.isFile()) return;
        const key = m[1] as string;
        const entry: Entry = { file: name, size: st.size, hash: m[2] ?? null, lastUsed: st.mtimeMs };
        const other = this.index.get(key);
        if (other) {
          // Two files for one key (one from before hashes were recorded): keep the hashed, else the newer one.
          const sameKind = (other.hash === null) === (entry.hash === null);
          const keepOther = sameKind ? other.lastUsed >= entry.lastUsed : other.hash !== null;
          const drop = keepOther ? entry : other;
          if (!keepOther) this.forget(key);
          void fs.rm(path.join(this.dir, drop.file), { force: true }).catch(() => {});
          if (keepOther) return;
        }
        this.index.set(key, entry);
        this.clock = Math.max(this.clock, st.mtimeMs);
        this.total += st.size;
      }),
    );
    // From here on the index is kept in least-recently-used order (a use moves an entry to the end).
    const oldestFirst = [...this.index].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    this.index.clear();
    for (const [name, entry] of oldestFirst) this.index.set(name, entry);
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
    const file = path.join(this.dir, entry.file);
    try {
      const bytes = ownBytes(await fs.readFile(file));
      const mime = sniffImageMime(bytes);
      if (!mime || !this.intact(entry, bytes)) {
        this.opts.log?.('warn', 'cached face photo damaged on disk; downloading it again');
        throw new Error('corrupt cache file');
      }
      const current = entry.hash === null ? await this.recordHash(name, entry, bytes) : file;
      entry.lastUsed = this.tick();
      this.index.delete(name);
      this.index.set(name, entry);
      const t = new Date(entry.lastUsed);
      fs.utimes(current, t, t).catch(() => {});
      return { bytes, mime };
    } catch {
      // Gone or damaged behind our back: forget it and download again.
      this.forget(name);
      await fs.rm(file, { force: true }).catch(() => {});
      return null;
    }
  }

  /** A file from before hashes were recorded, found whole: renamed to carry its hash, so later reads check that. */
  private async recordHash(name: string, entry: Entry, bytes: Uint8Array): Promise<string> {
    const hash = contentHash(bytes);
    const target = path.join(this.dir, `${name}.${hash}`);
    try {
      await fs.rename(path.join(this.dir, entry.file), target);
    } catch {
      return path.join(this.dir, entry.file); // still good; checked as an image again next time
    }
    entry.file = `${name}.${hash}`;
    entry.hash = hash;
    return target;
  }

  /** The bytes are what was stored: recorded size and hash, or (a file from before hashes) a complete image. */
  private intact(entry: Entry, bytes: Uint8Array): boolean {
    if (bytes.byteLength !== entry.size) return false;
    return entry.hash !== null ? contentHash(bytes) === entry.hash : imageDamage(bytes) === null;
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
    const file = await this.client.downloadFile(faceKey, signal);
    const bytes = ownBytes(file.bytes);
    const mime = sniffImageMime(bytes);
    if (!mime) {
      throw appError('feishu.bad_response', 'The downloaded face photo is not an image', { detail: faceKey });
    }
    await this.store(name, bytes);
    return { bytes, mime };
  }

  private async store(name: string, bytes: Uint8Array): Promise<void> {
    const hash = contentHash(bytes);
    const file = `${name}.${hash}`;
    const temp = path.join(this.dir, `.${name}.part-${randomBytes(6).toString('hex')}`);
    try {
      await fs.mkdir(this.dir, { recursive: true });
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, path.join(this.dir, file));
      const old = this.index.get(name)?.file;
      if (old !== undefined && old !== file) await fs.rm(path.join(this.dir, old), { force: true }).catch(() => {});
      this.forget(name);
      this.index.set(name, { file, size: bytes.byteLength, hash, lastUsed: this.tick() });
      this.total += bytes.byteLength;
      this.scheduleEviction(name);
    } catch (e) {
      // The photo is still good for the caller; the cache is only an optimisation.
      await fs.rm(temp, { force: true }).catch(() => {});
      this.opts.log?.('warn', 'could not cache a face photo', { code: isAppFailure(e) ? e.info.code : (e as { code?: string }).code });
    }
  }

  private scheduleEviction(keep?: string): Promise<void> {
    this.evicting = this.evicting.then(() => this.evict(keep)).catch(() => {});
    return this.evicting;
  }

  /** Drops the least recently used entries (the front of the index) until the cache fits; never `keep`. */
  private async evict(keep?: string): Promise<void> {
    while (this.total > this.maxBytes) {
      let oldest: string | undefined;
      for (const name of this.index.keys()) {
        if (name === keep) continue;
        oldest = name;
        break;
      }
      if (oldest === undefined) return;
      const file = this.index.get(oldest)!.file;
      this.forget(oldest);
      await fs.rm(path.join(this.dir, file), { force: true }).catch(() => {});
    }
  }

  async info(): Promise<CacheInfo> {
    await this.init();
    await this.evicting;
    return { bytes: this.total, files: this.index.size, maxBytes: this.maxBytes };
  }

  async clear(): Promise<CacheInfo> {
    await this.init();
    await this.evicting;
    const files = [...this.index.values()].map((e) => e.file);
    for (const n of [...this.index.keys()]) this.forget(n);
    await Promise.all(files.map((f) => fs.rm(path.join(this.dir, f), { force: true }).catch(() => {})));
    return this.info();
  }

  setMaxBytes(bytes: number): void {
    this.maxBytes = Math.max(0, bytes);
    void this.init().then(() => this.scheduleEviction());
  }
}
