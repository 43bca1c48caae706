// Builds the whole engine from its options: one call for the app, the CLI, tests and benchmarks.
// createCore only composes small builders (issue #9: no long functions), each owning one part.
import { coverageQueries } from './coverage';
import { DirectoryService } from './directory';
import { employeeQueries } from './employee-views';
import { PhotoExporter } from './exporter';
import { FaceSettingsService } from './faces';
import { createFeishuClient } from './feishu/client';
import type { FeishuClient } from './feishu/types';
import { DiskPhotoStore, DEFAULT_CACHE_MAX_BYTES } from './photo-store';
import type { Core, CoreOptions } from './types';

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

function buildDirectory(client: FeishuClient, opts: CoreOptions, { now, ttlMs }: Timing): DirectoryService {
  return new DirectoryService(client, { ttlMs, now, log: opts.log });
}

function buildFaces(client: FeishuClient, opts: CoreOptions, { now, ttlMs }: Timing): FaceSettingsService {
  return new FaceSettingsService(client, ttlMs, now, opts.log);
}

function buildPhotoStore(client: FeishuClient, opts: CoreOptions, { now }: Timing): DiskPhotoStore {
  return new DiskPhotoStore(client, { cacheDir: opts.cacheDir, maxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES, now, log: opts.log });
}

function buildExporter(faces: FaceSettingsService, photos: DiskPhotoStore, opts: CoreOptions, { now }: Timing): PhotoExporter {
  return new PhotoExporter({ faces, photos, now, log: opts.log });
}

export function createCore(opts: CoreOptions): Core {
  const timing: Timing = { now: opts.now ?? Date.now, ttlMs: opts.ttlMs ?? DEFAULT_TTL_MS };
  const client = buildClient(opts, timing.now);
  const directory = buildDirectory(client, opts, timing);
  const faces = buildFaces(client, opts, timing);
  const photos = buildPhotoStore(client, opts, timing);
  const exporter = buildExporter(faces, photos, opts, timing);
  return {
    client,
    directory,
    faces,
    photos,
    exporter,
    ...employeeQueries({ client, directory, faces, ...timing }),
    ...coverageQueries({ directory, faces, now: timing.now }),
    async close() {
      await client.close();
    },
  };
}
