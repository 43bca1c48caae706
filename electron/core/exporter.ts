// The bulk export job: face settings in one batched query, photos through the cache with enough
// concurrency to keep the client's rate limiter busy, names from the admin's template, each file
// written atomically, a manifest.csv checkpointed as we go, resumable, cancellable, optionally zipped.
// The public entry; the job's steps live in export/ (run.ts runs them in order).
import type { ExportSummary } from '../../shared/model';
import { runExport, type ExporterDeps } from './export/run';
import type { Exporter, ExportRequest } from './types';

export { EXPORT_CONCURRENCY, type ExporterDeps } from './export/run';
export { writeAtomic } from './export/safe-folder';

export class PhotoExporter implements Exporter {
  constructor(private readonly deps: ExporterDeps) {}

  run(req: ExportRequest): Promise<ExportSummary> {
    return runExport(this.deps, req);
  }
}
