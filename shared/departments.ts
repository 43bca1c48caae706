// How a department is shown and named: one rule, used by the directory (once per load), the exporter's folders and
// {department} token, the manifest, the CLI and the renderer. Pure TS (no Node).
//
// The rule: a department is called by the shortest tail of its path (names from the top-level department down)
// that no other department's path ends with: the bare name when the name is unique in the tenant, otherwise
// "测试组/一组", "研发中心/测试组/一组"… Names are compared as folder names are (sanitised, case-insensitive), so two
// departments never share a folder on Windows or macOS either. When even the full paths are alike (siblings named
// "Team Alpha" and "TEAM ALPHA"), the department id is added to the last name.
import type { Department, DepartmentPath, Employee } from './model';
import { nameKey, sanitizeName } from './naming';

/** Between levels of a path when shown (table, detail, manifest, CLI). File names use FILE_PATH_SEPARATOR. */
export const PATH_SEPARATOR = '/';

type DepartmentRef = Pick<Department, 'id' | 'name' | 'parentId'>;

/** Names from the top down to id; a parent that is missing, the root "0" or a cycle ends the walk. */
function fullPath(id: string, byId: Map<string, DepartmentRef>): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  let cur = byId.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    names.push(cur.name);
    if (cur.id === '0' || cur.parentId === null || cur.parentId === '0') break;
    cur = byId.get(cur.parentId);
  }
  return names.reverse();
}

function segmentKey(name: string): string {
  return nameKey(sanitizeName(name, '_'));
}

/** The path of every department, full and unique (see the rule above), by department id. */
export function departmentPaths(departments: readonly DepartmentRef[]): Map<string, DepartmentPath> {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const fulls = departments.map((d) => fullPath(d.id, byId));
  // Names repeat (every level of every path): sanitise each distinct name once.
  const keyOf = new Map<string, string>();
  const key = (name: string) => keyOf.get(name) ?? keyOf.set(name, segmentKey(name)).get(name)!;
  // tails[i][n - 1]: the key of the last n names of department i's path, built from the end up.
  const tails = fulls.map((f) => {
    const out: string[] = [];
    for (let n = 1; n <= f.length; n++) out.push(n === 1 ? key(f[f.length - 1]!) : `${key(f[f.length - n]!)}\u0000${out[n - 2]!}`);
    return out;
  });
  // How many departments' paths end with each tail, and how many have each full path.
  const tailCount = new Map<string, number>();
  const wholeCount = new Map<string, number>();
  for (const t of tails) {
    for (const k of t) tailCount.set(k, (tailCount.get(k) ?? 0) + 1);
    const whole = t.at(-1) ?? '';
    wholeCount.set(whole, (wholeCount.get(whole) ?? 0) + 1);
  }
  const out = new Map<string, DepartmentPath>();
  departments.forEach((d, i) => {
    const full = fulls[i]!;
    const t = tails[i]!;
    let unique = full;
    for (let n = 1; n < full.length; n++) {
      if (tailCount.get(t[n - 1]!) === 1) {
        unique = full.slice(-n);
        break;
      }
    }
    // A full path is told apart from a longer path ending like it ("B/C" and "A/B/C"), but not from its twin.
    if (unique === full && (wholeCount.get(t.at(-1) ?? '') ?? 0) > 1) unique = [...full.slice(0, -1), `${full.at(-1) ?? ''} (${d.id})`];
    out.set(d.id, { full, unique });
  });
  return out;
}

/** How an employee's i-th department is called in the table and the CLI: its unique path ("测试组/一组"). */
export function departmentLabel(e: Pick<Employee, 'departmentNames' | 'departmentPaths'>, i = 0): string {
  const p = e.departmentPaths?.[i];
  return p ? p.unique.join(PATH_SEPARATOR) : (e.departmentNames[i] ?? '');
}

/** Every department of an employee by its full path ("研发中心/测试组/一组"), for tooltips and the detail. */
export function departmentFullPaths(e: Pick<Employee, 'departmentNames' | 'departmentPaths'>): string[] {
  return e.departmentNames.map((name, i) => e.departmentPaths?.[i]?.full.join(PATH_SEPARATOR) ?? name);
}
