// Changing face photos (issue #11): the archive and journal, one change (replace), undo (restore) and the bulk
// import. Core APIs only; the CLI (and later the app) show previews, ask for confirmation and report.
import type { Core } from '../types';
import { PhotoArchive, archiveDirFor } from './archive';
import type { PhotoChangeDeps } from './apply';

export * from './apply';
export * from './archive';
export * from './blobs';
export * from './journal';
export * from './restore';

/** The dependencies of every photo change, over a core and the archive beside its photo cache. */
export function photoChangeDeps(core: Pick<Core, 'client' | 'faces' | 'photos'>, cacheDir: string, extra: Partial<Pick<PhotoChangeDeps, 'archive' | 'hooks' | 'now'>> = {}): PhotoChangeDeps {
  return {
    client: core.client,
    faces: core.faces,
    photos: core.photos,
    archive: extra.archive ?? new PhotoArchive(archiveDirFor(cacheDir)),
    ...(extra.hooks ? { hooks: extra.hooks } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  };
}
export * from './import-plan';
export * from './import-run';
