// Turns the command line's --all / --department / --group / --users into a list of employees,
// failing with a usage error (exit 2) that names the candidates when an id or name does not resolve.
import { departmentPaths, PATH_SEPARATOR } from '../../shared/departments';
import { appError, isAppFailure } from '../../shared/errors';
import { IdSchema, type AttendanceGroup, type DepartmentNode, type Employee, type EmployeeRow } from '../../shared/model';
import type { Core } from '../core/types';

export type Selection =
  | { kind: 'all' }
  | { kind: 'department'; id: string }
  | { kind: 'group'; nameOrId: string }
  | { kind: 'users'; ids: string[] };

const CANDIDATES_SHOWN = 10;

function listCandidates(items: { id: string; name: string }[]): string {
  const shown = items.slice(0, CANDIDATES_SHOWN).map((c) => `"${c.name}" (${c.id})`);
  if (items.length > CANDIDATES_SHOWN) shown.push(`… ${items.length - CANDIDATES_SHOWN} more`);
  return shown.join(', ');
}

/** Group by exact id, then exact name (case-insensitive), then a unique partial name. */
export function resolveGroup(groups: AttendanceGroup[], nameOrId: string): AttendanceGroup {
  const q = nameOrId.trim();
  const byId = groups.find((g) => g.id === q);
  if (byId) return byId;
  const lower = q.toLowerCase();
  const exact = groups.filter((g) => g.name.trim().toLowerCase() === lower);
  if (exact.length === 1) return exact[0]!;
  const partial = exact.length > 1 ? exact : groups.filter((g) => g.name.toLowerCase().includes(lower));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1)
    throw appError('input.invalid', `Attendance group "${q}" matches ${partial.length} groups — pass one of their ids`, {
      detail: listCandidates(partial),
    });
  throw appError('input.invalid', `No attendance group is named or has the id "${q}"`, {
    detail: groups.length > 0 ? `groups: ${listCandidates(groups)}` : 'the tenant has no attendance groups',
  });
}

function flatten(nodes: DepartmentNode[], out: DepartmentNode[] = []): DepartmentNode[] {
  for (const n of nodes) {
    out.push(n);
    flatten(n.children, out);
  }
  return out;
}

/** A department as a candidate list shows it: full path from the top, so same-named ones can be told apart. */
interface Candidate {
  id: string;
  name: string;
  path: string;
}

/**
 * Department by id, by a unique exact name, or by its exact path (full, or the unique tail the app shows:
 * "测试组/一组"). "0" is the whole company. An ambiguous or unknown name lists candidates with their full path and id.
 */
export function resolveDepartment(tree: DepartmentNode[], idOrName: string): Candidate {
  const q = idOrName.trim();
  if (q === '0') return { id: '0', name: 'whole company', path: 'whole company' };
  const all = flatten(tree);
  const paths = departmentPaths(all);
  const candidates: Candidate[] = all.map((d) => ({ id: d.id, name: d.name, path: paths.get(d.id)!.full.join(PATH_SEPARATOR) }));
  const byId = candidates.find((d) => d.id === q);
  if (byId) return byId;
  const unique = (c: Candidate) => paths.get(c.id)!.unique.join(PATH_SEPARATOR);
  const byName = candidates.filter((c) => c.name === q);
  const byPath = byName.length === 0 ? candidates.filter((c) => c.path === q || unique(c) === q) : [];
  const found = byName.length > 0 ? byName : byPath;
  if (found.length === 1) return found[0]!;
  const shown = (list: Candidate[]) => listCandidates(list.map((c) => ({ id: c.id, name: c.path })));
  if (found.length > 1)
    throw appError('input.invalid', `Department "${q}" matches ${found.length} departments — pass one of their ids`, {
      detail: shown(found),
    });
  const similar = candidates.filter((c) => c.path.toLowerCase().includes(q.toLowerCase()));
  throw appError('input.invalid', `No department has the id, name or path "${q}"`, {
    detail: similar.length > 0 ? `similar: ${shown(similar)}` : `top-level departments: ${listCandidates(tree)}`,
  });
}

/** Splits "a, b,,c" into unique ids, rejecting anything that is not an id. */
export function parseIdList(text: string): string[] {
  const ids = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw appError('input.invalid', '--users needs at least one user id or employee number');
  const bad = ids.filter((id) => !IdSchema.safeParse(id).success);
  if (bad.length > 0) throw appError('input.invalid', `Not a valid id: ${bad.slice(0, 5).join(', ')}`);
  return ids;
}

/** Employees named on the command line, by user id (one call each, no walk) or employee number; unknown ones are a usage error. */
async function employeesByIdsOrNumbers(core: Core, ids: string[], signal: AbortSignal): Promise<Employee[]> {
  let { found, unknown } = await core.employeesNamed(ids, signal);
  if (unknown.length > 0 && readAgain(core)) ({ found, unknown } = await core.employeesNamed(ids, signal));
  if (unknown.length > 0)
    throw appError('input.invalid', `Unknown employee(s): ${unknown.slice(0, 20).join(', ')}`, {
      detail: 'pass user ids or employee numbers of employees inside the app\'s data range',
    });
  return found;
}

export interface Selected {
  employees: Employee[];
  /** What was selected, for the log line. */
  label: string;
}

export async function selectEmployees(
  core: Core,
  sel: Selection,
  includeResigned: boolean,
  signal: AbortSignal,
  /** The file names or folders use department or group names, which only the directory knows. */
  namesFromDirectory = false,
): Promise<Selected> {
  // Explicitly named employees are exported whatever their status; wider selections skip the resigned unless asked.
  const keep = (list: Employee[]) => (includeResigned ? list : list.filter((e) => !e.resigned));
  switch (sel.kind) {
    case 'all':
      return { employees: keep(await core.directory.employees({ kind: 'all' }, signal)), label: 'all employees' };
    case 'department': {
      const dept = resolveDepartment(await core.directory.departmentTree(signal), sel.id);
      const list = await core.directory.employees({ kind: 'department', id: dept.id, recursive: true }, signal);
      return { employees: keep(list), label: `department "${dept.path}" (${dept.id})` };
    }
    case 'group': {
      const group = resolveGroup(await core.directory.groups(signal), sel.nameOrId);
      const list = await core.directory.employees({ kind: 'group', id: group.id }, signal);
      return { employees: keep(list), label: `attendance group "${group.name}" (${group.id})` };
    }
    case 'users': {
      const named = await employeesByIdsOrNumbers(core, sel.ids, signal);
      // Read directly (no walk), these carry no department or group names: the walk is paid only when they are used.
      const employees = namesFromDirectory ? await core.directory.employeesByIds(named.map((e) => e.userId), signal) : named;
      return { employees, label: `${sel.ids.length} named employee(s)` };
    }
  }
}

/**
 * The employee `check` was asked about, by user_id, open_id, email or mobile (direct calls), employee number or
 * name (the directory): see core's lookupEmployee.
 */
export async function findEmployee(core: Core, input: string, signal: AbortSignal): Promise<EmployeeRow> {
  try {
    return await core.lookupEmployee(input, signal);
  } catch (e) {
    if (!isAppFailure(e) || e.info.code !== 'feishu.not_found' || !readAgain(core)) throw e;
    return core.lookupEmployee(input, signal);
  }
}

/**
 * The remembered directory holds no employee who has resigned (issue #13): when a number or name is not found in
 * it, the directory is read from Feishu before saying so. Whether that was done (false: it was already live).
 */
function readAgain(core: Core): boolean {
  if (!core.remembered?.state()) return false;
  core.directory.invalidate();
  return true;
}
