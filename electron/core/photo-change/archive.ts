// The archive of old face photos: before any photo change, the photo it replaces is kept here, named by its
// SHA-256 and sealed with the photo cache's at-rest key (blobs.ts), and the change is journalled (journal.ts). It
// lives in its own folder beside the photo cache and is never touched by the cache's size limit or its "Clear
// cache": only the admin deleting the folder removes it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { appError } from '../../../shared/errors';
import type { KeyProvider } from '../at-rest/envelope';
import { sealedBlobs, type ArchiveBlobs } from './blobs';
import { PhotoJournal } from './journal';

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The archive folder of a photo cache: `<cache>-archive` beside it (photos → photos-archive, demo-photos → demo-photos-archive). */
export function archiveDirFor(cacheDir: string): string {
  const abs = path.resolve(cacheDir);
  return path.join(path.dirname(abs), `${path.basename(abs)}-archive`);
}

export const JOURNAL_FILE = 'journal.jsonl';

/** The journal of the archive beside a photo cache, for reading who can be undone (without a key: only an older version's plain lines). */
export function archiveJournal(cacheDir: string, keys: KeyProvider | null): PhotoJournal {
  return new PhotoJournal(path.join(archiveDirFor(cacheDir), JOURNAL_FILE), keys);
}

export class PhotoArchive {
  readonly journal: PhotoJournal;
  private readonly blobs: ArchiveBlobs;

  /** keys: the photo cache's at-rest key; the photos are sealed with it (blobs: tests only). */
  constructor(
    readonly dir: string,
    keys: KeyProvider,
    blobs?: ArchiveBlobs,
  ) {
    this.journal = new PhotoJournal(path.join(dir, JOURNAL_FILE), keys);
    this.blobs = blobs ?? sealedBlobs(path.join(dir, 'photos'), keys);
  }

  /** Keeps the bytes (once per content), durably; answers their SHA-256. */
  async keep(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    if (!(await this.blobs.has(hash))) await this.blobs.write(hash, bytes);
    return hash;
  }

  /** The bytes kept under this hash, checked against it; photo.archive_missing when gone or damaged. */
  async load(hash: string): Promise<Uint8Array> {
    const bytes = await this.blobs.read(hash);
    if (!bytes || sha256Hex(bytes) !== hash) throw appError('photo.archive_missing', 'The archived photo is missing or damaged', { detail: `sha256 ${hash.slice(0, 12)}…` });
    return bytes;
  }
}
