// Counting face enrolment over employees: the status of one employee, and the counts per department (an employee
// counts in each of their departments and every department above, once each; the whole company counts everyone).
import type { CoverageCounts, CoverageStatus, DepartmentCoverage } from '../../../shared/coverage';
import type { DepartmentNode, Employee, FaceInfo } from '../../../shared/model';

export const ROOT_ID = '0';

/** enrolled, stale (enrolled, photo changed before staleBefore), not_visible (1220004) or not_enrolled. */
export function statusOf(face: FaceInfo, staleBefore: number): CoverageStatus {
  if (face.enrolled) return face.updatedAt !== null && face.updatedAt < staleBefore ? 'stale' : 'enrolled';
  return face.outOfRange ? 'not_visible' : 'not_enrolled';
}

export function emptyCounts(): CoverageCounts {
  return { total: 0, enrolled: 0, notEnrolled: 0, notVisible: 0, stale: 0 };
}

export function addStatus(c: CoverageCounts, status: CoverageStatus): void {
  c.total++;
  if (status === 'enrolled' || status === 'stale') c.enrolled++;
  if (status === 'stale') c.stale++;
  if (status === 'not_enrolled') c.notEnrolled++;
  if (status === 'not_visible') c.notVisible++;
}

/**
 * The instant N calendar months before `nowMs`, as Unix seconds (UTC calendar; the 31st of a shorter month is its
 * last day): a photo changed before it is stale.
 */
export function staleBefore(nowMs: number, months: number): number {
  const d = new Date(nowMs);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0);
  return Math.floor(target.getTime() / 1000);
}

/** child id → parent id over the tree (top-level departments → "0"). */
export function parentsOf(tree: readonly DepartmentNode[]): Map<string, string> {
  const parent = new Map<string, string>();
  const walk = (nodes: readonly DepartmentNode[], above: string) => {
    for (const n of nodes) {
      if (parent.has(n.id)) continue; // bad data with a cycle must not hang us
      parent.set(n.id, above);
      walk(n.children, n.id);
    }
  };
  walk(tree, ROOT_ID);
  return parent;
}

/** The departments an employee counts in: their own, every one above, and the whole company; each once. */
export function departmentsReached(e: Employee, parent: ReadonlyMap<string, string>): Set<string> {
  const reached = new Set<string>([ROOT_ID]);
  for (const start of e.departmentIds) {
    for (let cur: string | undefined = start; cur && parent.has(cur) && !reached.has(cur); cur = parent.get(cur)) reached.add(cur);
  }
  return reached;
}

/** The company tree with counts over `employees`; departments with nobody in them are kept only when keepEmpty. */
export function departmentCoverage(
  tree: readonly DepartmentNode[],
  rootName: string,
  employees: readonly Employee[],
  statusOfEmployee: (e: Employee) => CoverageStatus,
  keepEmpty = true,
): DepartmentCoverage {
  const parent = parentsOf(tree);
  const counts = new Map<string, CoverageCounts>();
  for (const e of employees) {
    const status = statusOfEmployee(e);
    for (const id of departmentsReached(e, parent)) {
      let c = counts.get(id);
      if (!c) counts.set(id, (c = emptyCounts()));
      addStatus(c, status);
    }
  }
  const seen = new Set<string>();
  const build = (nodes: readonly DepartmentNode[]): DepartmentCoverage[] =>
    nodes
      .filter((n) => !seen.has(n.id) && (keepEmpty || counts.has(n.id)))
      .map((n) => {
        seen.add(n.id);
        return { id: n.id, name: n.name, counts: counts.get(n.id) ?? emptyCounts(), children: build(n.children) };
      });
  return { id: ROOT_ID, name: rootName, counts: counts.get(ROOT_ID) ?? emptyCounts(), children: build(tree) };
}
