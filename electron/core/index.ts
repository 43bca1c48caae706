// Builds the whole engine from its options: one call for the app, the CLI, tests and benchmarks.
// createCore only composes small builders (issue #9: no long functions), each owning one part.
import type { Employee } from '../../shared/model';
import { coverageQueries } from './coverage';
import { DirectoryService, type DirectoryOptions } from './directory';
import { employeeQueries } from './employee-views';
import { PhotoExporter } from './exporter';
import { FaceSettingsService } from './faces';
import { createFeishuClient } from './feishu/client';
import type { FeishuClient } from './feishu/types';
import { DirectoryMemory } from './snapshot/remember';
import { DiskPhotoStore, DEFAULT_CACHE_MAX_BYTES } from './photo-store';
import type { Core, CoreOptions, Exporter, RememberedDirectory } from './types';

export { writeAtomic } from './exporter';
export { PARTIAL_AFTER_MS } from './employee-views';

export const DEFAULT_TTL_MS = 60_000;

/** The clock and cache lifetime every service shares, so tests can drive them all from one fake clock. */
interface Timing {
  now: () => number;
  ttlMs: number;
}

function buildClient(opts: CoreOptions, now: () => number): FeishuClient {
  return createFeishuClient({
    baseUrl: opts.baseUrl,
    appId: opts.appId,
    appSecret: opts.appSecret,
    dispatcher: opts.dispatcher,
    now,
    log: opts.log,
    ...opts.client,
  });
}

function buildDirectory(
  client: FeishuClient,
  opts: CoreOptions & Pick<DirectoryOptions, 'onRefreshed'>,
  faces: FaceSettingsService,
  { now, ttlMs }: Timing,
): { directory: DirectoryService; remembered?: RememberedDirectory } {
  const memory = opts.snapshots ? new DirectoryMemory({ ...opts.snapshots, now, log: opts.log, faces }) : null;
  const directory = new DirectoryService(client, {
    ttlMs,
    now,
    log: opts.log,
    ...(opts.onRefreshed ? { onRefreshed: opts.onRefreshed } : {}),
    ...(memory ? { onWalked: (data) => memory.save(data) } : {}),
  });
  return memory ? { directory, remembered: memory.over(directory) } : { directory };
}

function buildFaces(client: FeishuClient, opts: CoreOptions, { now, ttlMs }: Timing): FaceSettingsService {
  return new FaceSettingsService(client, ttlMs, now, opts.log);
}

function buildPhotoStore(client: FeishuClient, opts: CoreOptions, { now }: Timing): DiskPhotoStore {
  return new DiskPhotoStore(client, {
    cacheDir: opts.cacheDir,
    maxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    ...(opts.cacheRetentionDays === undefined ? {} : { retentionDays: opts.cacheRetentionDays }),
    ...(opts.photoCache ? { mode: opts.photoCache } : {}),
    now,
    log: opts.log,
  });
}

/** The exporter; after each run, cached photos past their retention go (the run itself just used its own). */
function buildExporter(faces: FaceSettingsService, photos: DiskPhotoStore, opts: CoreOptions, { now }: Timing): Exporter {
  const exporter = new PhotoExporter({ faces, photos, now, log: opts.log });
  return {
    run: (req) => exporter.run(req).finally(() => photos.applyRetention().catch(() => {})),
  };
}

/**
 * After each full directory read: the cached photos of employees who have resigned go. Only face keys already
 * known are used (no extra Feishu call); a photo whose key is not known leaves with retention.
 */
function purgeResigned(faces: FaceSettingsService, photos: DiskPhotoStore, opts: CoreOptions): (all: readonly Employee[]) => void {
  return (all) => {
    const keys = faces.knownFaceKeys(all.filter((e) => e.resigned).map((e) => e.userId));
    if (!keys.length) return;
    photos.purgeEmployees(keys).then(
      (n) => n && opts.log?.('info', 'cached photos of resigned employees removed', { count: n }),
      () => {},
    );
  };
}

export function createCore(opts: CoreOptions): Core {
  const timing: Timing = { now: opts.now ?? Date.now, ttlMs: opts.ttlMs ?? DEFAULT_TTL_MS };
  const client = buildClient(opts, timing.now);
  const faces = buildFaces(client, opts, timing);
  const photos = buildPhotoStore(client, opts, timing);
  const { directory, remembered } = buildDirectory(client, { ...opts, onRefreshed: purgeResigned(faces, photos, opts) }, faces, timing);
  const exporter = buildExporter(faces, photos, opts, timing);
  return {
    client,
    directory,
    faces,
    photos,
    exporter,
    ...employeeQueries({ client, directory, faces, ...timing, ...(remembered ? { remembered } : {}) }),
    ...(remembered ? { remembered } : {}),
    ...coverageQueries({ directory, faces, now: timing.now }),
    async close() {
      await remembered?.flush();
      await client.close();
    },
  };
}
