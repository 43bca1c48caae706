// Coverage of face enrolment from the directory and the face settings (issue #14): per department (tree, with
// sub-departments) and per attendance group, and the rows of the list an admin hands on. Resigned employees are
// left out: coverage is about the people expected to clock in.
import {
  DEFAULT_STALE_MONTHS,
  type Coverage,
  type CoverageScope,
  type CoverageStatus,
  type DepartmentCoverage,
  type GroupCoverage,
} from '../../../shared/coverage';
import { appError } from '../../../shared/errors';
import type { AttendanceGroup, DepartmentNode, Employee, FaceInfo } from '../../../shared/model';
import { ROOT_DEPARTMENT_NAME } from '../directory';
import { NOT_ENROLLED } from '../faces';
import type { Directory, FaceSettings } from '../types';
import { addStatus, departmentCoverage, departmentsReached, emptyCounts, parentsOf, ROOT_ID, staleBefore, statusOf } from './count';
import { reportRows, type CoverageRow } from './rows';

export { staleBefore, statusOf } from './count';
export type { CoverageRow } from './rows';

export interface CoverageDeps {
  directory: Pick<Directory, 'departmentTree' | 'groups' | 'employees'>;
  faces: Pick<FaceSettings, 'get'>;
  now: () => number;
}

/** Everything the figures are counted from, read once per question. */
interface Inputs {
  tree: DepartmentNode[];
  groups: AttendanceGroup[];
  /** Everyone the directory lists, resigned included (a manager may have left). */
  everyone: Employee[];
  current: Employee[];
  faces: Map<string, FaceInfo>;
  /** group id → user ids of its current members. */
  members: Map<string, Set<string>>;
  staleBefore: number;
  staleMonths: number;
}

async function loadInputs(deps: CoverageDeps, staleMonths: number, signal?: AbortSignal): Promise<Inputs> {
  const { directory } = deps;
  const [tree, groups, everyone] = await Promise.all([directory.departmentTree(signal), directory.groups(signal), directory.employees({ kind: 'all' }, signal)]);
  const current = everyone.filter((e) => !e.resigned);
  const [faces, groupLists] = await Promise.all([
    deps.faces.get(current.map((e) => e.userId), { signal }),
    Promise.all(groups.map((g) => directory.employees({ kind: 'group', id: g.id }, signal))),
  ]);
  const members = new Map(groups.map((g, i) => [g.id, new Set(groupLists[i]!.filter((e) => !e.resigned).map((e) => e.userId))]));
  // Someone in a group but outside every department we can see was read one by one: count them too.
  const known = new Set(current.map((e) => e.userId));
  for (const e of groupLists.flat()) {
    if (e.resigned || known.has(e.userId)) continue;
    known.add(e.userId);
    current.push(e);
  }
  const missing = current.filter((e) => !faces.has(e.userId)).map((e) => e.userId);
  if (missing.length) for (const [id, f] of await deps.faces.get(missing, { signal })) faces.set(id, f);
  return { tree, groups, everyone, current, faces, members, staleBefore: staleBefore(deps.now(), staleMonths), staleMonths };
}

const statusFn = (inputs: Inputs) => (e: Employee): CoverageStatus => statusOf(inputs.faces.get(e.userId) ?? NOT_ENROLLED, inputs.staleBefore);

function groupCoverage(inputs: Inputs, employees: readonly Employee[], keepEmpty: boolean): GroupCoverage[] {
  const status = statusFn(inputs);
  const out: GroupCoverage[] = [];
  for (const g of inputs.groups) {
    const ids = inputs.members.get(g.id)!;
    const counts = emptyCounts();
    for (const e of employees) if (ids.has(e.userId)) addStatus(counts, status(e));
    if (keepEmpty || counts.total > 0) out.push({ id: g.id, name: g.name, counts });
  }
  return out;
}

function figures(inputs: Inputs, employees: readonly Employee[], keepEmpty: boolean, top: string = ROOT_ID): Coverage {
  const company = departmentCoverage(inputs.tree, ROOT_DEPARTMENT_NAME, employees, statusFn(inputs), keepEmpty);
  return {
    company: findDepartment(company, top) ?? company,
    groups: groupCoverage(inputs, employees, keepEmpty),
    staleMonths: inputs.staleMonths,
    staleBefore: inputs.staleBefore,
  };
}

function findDepartment(node: DepartmentCoverage, id: string): DepartmentCoverage | undefined {
  if (node.id === id) return node;
  for (const c of node.children) {
    const found = findDepartment(c, id);
    if (found) return found;
  }
  return undefined;
}

/** The current employees a scope covers; an unknown department or group is input.invalid. */
function scoped(inputs: Inputs, scope: CoverageScope): Employee[] {
  if (scope.kind === 'all' || (scope.kind === 'department' && scope.id === ROOT_ID)) return inputs.current;
  if (scope.kind === 'group') {
    const ids = inputs.members.get(scope.id);
    if (!ids) throw appError('input.invalid', `No attendance group has the id "${scope.id}"`, { detail: scope.id });
    return inputs.current.filter((e) => ids.has(e.userId));
  }
  const parent = parentsOf(inputs.tree);
  if (!parent.has(scope.id)) throw appError('input.invalid', `No department has the id "${scope.id}"`, { detail: scope.id });
  return inputs.current.filter((e) => departmentsReached(e, parent).has(scope.id));
}

export interface CoverageReport {
  rows: CoverageRow[];
  /** The scope's own figures: its departments (from the scoped department down) and groups, empty ones left out. */
  summary: Coverage;
}

export interface CoverageQueries {
  /** Figures for the whole company, every department and every group (empty ones included). */
  coverage(staleMonths?: number, signal?: AbortSignal): Promise<Coverage>;
  /** One row per current employee of the scope, with the scope's figures. */
  coverageReport(scope: CoverageScope, staleMonths?: number, signal?: AbortSignal): Promise<CoverageReport>;
}

export function coverageQueries(deps: CoverageDeps): CoverageQueries {
  return {
    async coverage(staleMonths = DEFAULT_STALE_MONTHS, signal) {
      const inputs = await loadInputs(deps, staleMonths, signal);
      return figures(inputs, inputs.current, true);
    },
    async coverageReport(scope, staleMonths = DEFAULT_STALE_MONTHS, signal) {
      const inputs = await loadInputs(deps, staleMonths, signal);
      const employees = scoped(inputs, scope);
      const top = scope.kind === 'department' ? scope.id : ROOT_ID;
      const rows = reportRows(employees, inputs.everyone, inputs.faces, inputs.staleBefore);
      return { rows, summary: figures(inputs, employees, false, top) };
    },
  };
}
