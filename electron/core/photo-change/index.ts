// Changing face photos (issue #11): the archive and journal, one change (replace), undo (restore) and the bulk
// import. Core APIs only; the CLI (and later the app) show previews, ask for confirmation and report.
import { appError } from '../../../shared/errors';
import type { Core } from '../types';
import { PhotoArchive, archiveDirFor } from './archive';
import type { PhotoChangeDeps } from './apply';

export * from './apply';
export * from './archive';
export * from './blobs';
export * from './journal';
export * from './restore';

/**
 * photo.archive_unprotected when the photo cache has no at-rest key (kept in memory: the OS cannot protect one).
 * Then no photo is changed: a plain archive would leave employees' old photos unencrypted on disk, and a key kept
 * for the session only would make the undo unreadable once the app quits — the old photo, lost for good.
 */
export function requireArchiveKey(photos: Pick<Core['photos'], 'atRestKeys'>) {
  if (!photos.atRestKeys) throw appError('photo.archive_unprotected', 'No at-rest key to seal the archive of old photos with', { detail: 'photo cache kept in memory' });
  return photos.atRestKeys;
}

/** The dependencies of every photo change, over a core and the archive (sealed with its photo cache's key) beside its photo cache. */
export function photoChangeDeps(core: Pick<Core, 'client' | 'faces' | 'photos'>, cacheDir: string, extra: Partial<Pick<PhotoChangeDeps, 'archive' | 'hooks' | 'now'>> = {}): PhotoChangeDeps {
  return {
    client: core.client,
    faces: core.faces,
    photos: core.photos,
    archive: extra.archive ?? new PhotoArchive(archiveDirFor(cacheDir), requireArchiveKey(core.photos)),
    ...(extra.hooks ? { hooks: extra.hooks } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  };
}
export * from './import-plan';
export * from './import-run';
