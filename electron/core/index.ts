// Builds the whole engine from its options: one call for the app, the CLI, tests and benchmarks.
import type { EmployeeFilter, EmployeePage, EmployeeRow, FaceInfo, Employee } from '../../shared/model';
import { withSignal } from '../util/abort';
import { DirectoryService, scopeKey } from './directory';
import { PhotoExporter } from './exporter';
import { FaceSettingsService, NOT_ENROLLED } from './faces';
import { createFeishuClient } from './feishu/client';
import { employeesNamed, lookupEmployee } from './lookup';
import { DiskPhotoStore, DEFAULT_CACHE_MAX_BYTES } from './photo-store';
import type { Core, CoreOptions } from './types';

export { writeAtomic } from './exporter';

export const DEFAULT_TTL_MS = 60_000;
/** How long a first page waits for a whole directory walk before it shows the employees read so far. */
export const PARTIAL_AFTER_MS = 400;

export function createCore(opts: CoreOptions): Core {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const client = createFeishuClient({
    baseUrl: opts.baseUrl,
    appId: opts.appId,
    appSecret: opts.appSecret,
    dispatcher: opts.dispatcher,
    now,
    log: opts.log,
    ...opts.client,
  });
  const directory = new DirectoryService(client, { ttlMs, now, log: opts.log });
  const faces = new FaceSettingsService(client, ttlMs, now, opts.log);
  const photos = new DiskPhotoStore(client, { cacheDir: opts.cacheDir, maxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES, now, log: opts.log });
  const exporter = new PhotoExporter({ faces, photos, now, log: opts.log });

  const join = (list: Employee[], info: Map<string, FaceInfo>): EmployeeRow[] =>
    list.map((e) => ({ ...e, face: info.get(e.userId) ?? NOT_ENROLLED }));

  // The table pages through the same filtered list while the admin scrolls: keep the last few lists, valid
  // while the directory list and the face answers they were built from are unchanged.
  /** The filtered rows, and the coverage of the same employees before the photo filter. */
  type Filtered = { rows: { e: Employee; face: FaceInfo }[]; coverage: Coverage };
  const views = new Map<string, { all: Employee[]; faceVersion: number; at: number; rows: Filtered }>();

  /**
   * Employees joined with their face info, then the search, resigned and photo filters applied. The coverage is
   * counted before the photo filter: "without photo" must not turn "3 of 4 enrolled" into "0 of 1".
   */
  async function rowsOf(all: Employee[], filter: EmployeeFilter, signal?: AbortSignal): Promise<Filtered> {
    const info = await withSignal(faces.getStaleOk(all.map((e) => e.userId), signal), signal);
    const matched = filter.search?.trim() ? directory.match(all, filter.search) : all;
    const rows: Filtered['rows'] = [];
    const coverage = { enrolled: 0, total: 0 };
    for (const e of matched) {
      if (e.resigned && !filter.includeResigned) continue;
      const face = info.get(e.userId)!;
      coverage.total++;
      if (face.enrolled) coverage.enrolled++;
      if (filter.photo === 'with' && !face.enrolled) continue;
      if (filter.photo === 'without' && face.enrolled) continue;
      rows.push({ e, face });
    }
    return { rows, coverage };
  }

  /** The scope's employees with face info, filtered. Served from caches after the first load. */
  async function filtered(filter: EmployeeFilter, signal?: AbortSignal): Promise<Filtered> {
    const all = await directory.employeesStaleOk(filter.scope, signal);
    const key = JSON.stringify([scopeKey(filter.scope), (filter.search ?? '').trim().toLowerCase(), filter.photo, filter.includeResigned]);
    const view = views.get(key);
    if (view && view.all === all && view.faceVersion === faces.version && now() - view.at < ttlMs) return view.rows;

    const rows = await rowsOf(all, filter, signal);
    views.delete(key);
    views.set(key, { all, faceVersion: faces.version, at: now(), rows });
    if (views.size > 8) views.delete(views.keys().next().value!);
    return rows;
  }

  return {
    client,
    directory,
    faces,
    photos,
    exporter,

    async employeePage(filter, offset, limit, signal): Promise<EmployeePage> {
      // First load of a large scope: show what has been read so far rather than a long spinner.
      const progressive = await directory.employeesProgressive(filter.scope, PARTIAL_AFTER_MS, signal);
      if (progressive.loading) {
        const partial = await rowsOf(progressive.employees, filter, signal);
        return { ...pageOf(partial, offset, limit), loading: progressive.loading };
      }
      const page = pageOf(await filtered(filter, signal), offset, limit);
      const missingScopes = directory.missingScopes(progressive.employees);
      return missingScopes.length ? { ...page, missingScopes } : page;
    },

    async employeeIds(filter, signal) {
      return (await filtered(filter, signal)).rows.map((r) => r.e.userId);
    },

    async employeeRow(userIdOrEmployeeNo, signal) {
      const e = await directory.employee(userIdOrEmployeeNo, signal);
      const info = await faces.get([e.userId], { signal });
      return join([e], info)[0]!;
    },

    async lookup(query, limit, signal) {
      const found = await directory.search(query, limit, signal);
      if (!found.length) return [];
      return join(found, await faces.getStaleOk(found.map((e) => e.userId), signal));
    },

    lookupEmployee: (input, signal) => lookupEmployee({ client, directory, faces }, input, signal),
    employeesNamed: (ids, signal) => employeesNamed({ client, directory, faces }, ids, signal),

    async close() {
      await client.close();
    },
  };
}

type Coverage = EmployeePage['coverage'];

function pageOf({ rows, coverage }: { rows: { e: Employee; face: FaceInfo }[]; coverage: Coverage }, offset: number, limit: number): EmployeePage {
  const start = Math.max(0, Math.floor(offset));
  const page = rows.slice(start, start + Math.max(0, Math.floor(limit)));
  return {
    rows: page.map(({ e, face }) => ({ ...e, face })),
    offset: start,
    total: rows.length,
    coverage,
  };
}
