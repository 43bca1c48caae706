// The employee queries the UI and the CLI ask of core (page, ids, one row, lookups): the directory joined
// with face info, filtered and paged. Split out of createCore so each builder stays small (issue #9).
import type { EmployeeFilter, EmployeePage, EmployeeRow, FaceInfo, Employee } from '../../shared/model';
import { withSignal } from '../util/abort';
import { type DirectoryService, scopeKey } from './directory';
import { type FaceSettingsService, NOT_ENROLLED } from './faces';
import type { FeishuClient } from './feishu/types';
import { employeesNamed, lookupEmployee } from './lookup';
import type { Core, RememberedDirectory } from './types';

/** How long a first page waits for a whole directory walk before it shows the employees read so far. */
export const PARTIAL_AFTER_MS = 400;

type Coverage = EmployeePage['coverage'];
/** The filtered rows, and the coverage of the same employees before the photo filter. */
type Filtered = { rows: { e: Employee; face: FaceInfo }[]; coverage: Coverage };

export interface ViewDeps {
  client: FeishuClient;
  directory: DirectoryService;
  faces: FaceSettingsService;
  now: () => number;
  ttlMs: number;
  /** The remembered directory, whose state also covers the face statuses read again in the background. */
  remembered?: Pick<RememberedDirectory, 'state' | 'indexed'>;
}

export type EmployeeQueries = Pick<Core, 'employeePage' | 'employeeIds' | 'employeeRow' | 'lookup' | 'lookupEmployee' | 'employeesNamed'>;

const joinFaces = (list: Employee[], info: Map<string, FaceInfo>): EmployeeRow[] =>
  list.map((e) => ({ ...e, face: info.get(e.userId) ?? NOT_ENROLLED }));

/**
 * Employees joined with their face info, then the search, resigned and photo filters applied. The coverage is
 * counted before the photo filter: "without photo" must not turn "3 of 4 enrolled" into "0 of 1".
 */
async function rowsOf(deps: ViewDeps, all: Employee[], filter: EmployeeFilter, signal?: AbortSignal): Promise<Filtered> {
  const info = await withSignal(deps.faces.getStaleOk(all.map((e) => e.userId), signal), signal);
  const matched = filter.search?.trim() ? deps.directory.match(all, filter.search) : all;
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

/**
 * The scope's employees with face info, filtered; served from caches after the first load. The table pages
 * through the same filtered list while the admin scrolls: keep the last few lists, valid while the directory
 * list and the face answers they were built from are unchanged.
 */
function filteredViews(deps: ViewDeps): (filter: EmployeeFilter, signal?: AbortSignal) => Promise<Filtered> {
  const { directory, faces, now, ttlMs } = deps;
  const views = new Map<string, { all: Employee[]; faceVersion: number; at: number; rows: Filtered }>();
  return async (filter, signal) => {
    const all = await directory.employeesStaleOk(filter.scope, signal);
    const key = JSON.stringify([scopeKey(filter.scope), (filter.search ?? '').trim().toLowerCase(), filter.photo, filter.includeResigned]);
    const view = views.get(key);
    if (view && view.all === all && view.faceVersion === faces.version && now() - view.at < ttlMs) return view.rows;

    const rows = await rowsOf(deps, all, filter, signal);
    views.delete(key);
    views.set(key, { all, faceVersion: faces.version, at: now(), rows });
    if (views.size > 8) views.delete(views.keys().next().value!);
    return rows;
  };
}

export function employeeQueries(deps: ViewDeps): EmployeeQueries {
  const { client, directory, faces, remembered } = deps;
  const filtered = filteredViews(deps);
  return {
    async employeePage(filter, offset, limit, signal): Promise<EmployeePage> {
      // First load of a large scope: show what has been read so far rather than a long spinner.
      const progressive = await directory.employeesProgressive(filter.scope, PARTIAL_AFTER_MS, signal);
      if (progressive.loading) {
        const partial = await rowsOf(deps, progressive.employees, filter, signal);
        return { ...pageOf(partial, offset, limit), loading: progressive.loading };
      }
      const page = pageOf(await filtered(filter, signal), offset, limit);
      const missingScopes = directory.missingScopes(progressive.employees);
      const remembered = deps.remembered ? deps.remembered.state() : directory.rememberedState();
      return { ...page, ...(missingScopes.length ? { missingScopes } : {}), ...(remembered ? { remembered } : {}) };
    },

    async employeeIds(filter, signal) {
      return (await filtered(filter, signal)).rows.map((r) => r.e.userId);
    },

    async employeeRow(userIdOrEmployeeNo, signal) {
      const e = await directory.employee(userIdOrEmployeeNo, signal);
      const info = await faces.get([e.userId], { signal });
      return joinFaces([e], info)[0]!;
    },

    async lookup(query, limit, signal) {
      const found = await directory.search(query, limit, signal);
      if (!found.length) return [];
      return joinFaces(found, await faces.getStaleOk(found.map((e) => e.userId), signal));
    },

    lookupEmployee: (input, signal) => lookupEmployee({ client, directory, faces, ...(remembered ? { remembered } : {}) }, input, signal),
    employeesNamed: (ids, signal) => employeesNamed({ client, directory, faces }, ids, signal),
  };
}

function pageOf({ rows, coverage }: Filtered, offset: number, limit: number): EmployeePage {
  const start = Math.max(0, Math.floor(offset));
  const page = rows.slice(start, start + Math.max(0, Math.floor(limit)));
  return {
    rows: page.map(({ e, face }) => ({ ...e, face })),
    offset: start,
    total: rows.length,
    coverage,
  };
}
