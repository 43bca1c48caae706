// The plan of a folder import: for every file, what will happen and why, before anything is changed. Reads only:
// the folder (never modified), the directory, the face settings and, for employees who have a photo, that photo
// (to tell "the same photo" by its hash). A dry run is this plan and nothing else.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AppError, ErrorCode } from '../../../shared/errors';
import { DEFAULT_MATCH_TEMPLATE, importMatcher } from '../../../shared/import-naming';
import type { Employee, FaceInfo } from '../../../shared/model';
import { preparePhoto, type PrepOptions, type PreparedPhoto } from '../photo-prep';
import type { Core } from '../types';
import { sha256Hex } from './archive';

export type ImportOutcome =
  /** No photo yet: one will be enrolled. */
  | 'enrol'
  /** Has another photo, and --replace was given: it will be replaced (the old one archived). */
  | 'replace'
  /** Already this very photo (hash equal): nothing to do. A re-run of an import ends here for what it did. */
  | 'same_photo'
  /** Has another photo and --replace was not given: skipped. */
  | 'has_photo'
  /** No employee matches the file name. */
  | 'no_such_employee'
  /** Several employees match the file name, or several files match one employee. */
  | 'ambiguous'
  /** Not a usable photo (reason says why). */
  | 'invalid'
  /** Feishu would not show this employee's face settings (1220004: outside the attendance data range). */
  | 'not_visible';

export interface ImportItem {
  /** Path relative to the folder, '/'-separated. */
  file: string;
  outcome: ImportOutcome;
  employee?: Pick<Employee, 'userId' | 'name' | 'employeeNo'>;
  /** For ambiguous: who matched (at most 10). */
  candidates?: Pick<Employee, 'userId' | 'name' | 'employeeNo'>[];
  current?: FaceInfo;
  /** Why (invalid, no_such_employee, ambiguous): a code and an English detail. */
  reason?: { code: ErrorCode; detail: string };
  /** SHA-256 of the bytes that would be uploaded. */
  sha256?: string;
  /** Kept in memory for the run while the plan's budget allows; read and prepared again otherwise. */
  prepared?: PreparedPhoto;
}

export interface ImportPlanOptions {
  template?: string;
  replace?: boolean;
  prep?: PrepOptions;
  signal?: AbortSignal;
  /** Prepared photos kept in memory for the run, bytes (default 256 MB); beyond it they are read again. */
  keepBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportPlan {
  dir: string;
  template: string;
  replace: boolean;
  items: ImportItem[];
  counts: Record<ImportOutcome, number>;
}

export const CHANGING: ReadonlySet<ImportOutcome> = new Set(['enrol', 'replace']);
/** Outcomes of files that could not be imported: they make the run exit 1. */
export const NOT_IMPORTABLE: ReadonlySet<ImportOutcome> = new Set(['no_such_employee', 'ambiguous', 'invalid', 'not_visible']);

const IGNORED = new Set(['manifest.csv', 'thumbs.db', 'desktop.ini']);
const PLAN_CONCURRENCY = 8;

/** The files of the folder and its subfolders (an export's subfolders too), sorted; hidden files and manifest.csv left out. */
export async function importFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !IGNORED.has(e.name.toLowerCase()))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => !rel.split('/').some((seg) => seg.startsWith('.')))
    .sort();
}

const brief = (e: Employee) => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo });
const emptyCounts = (): Record<ImportOutcome, number> => ({ enrol: 0, replace: 0, same_photo: 0, has_photo: 0, no_such_employee: 0, ambiguous: 0, invalid: 0, not_visible: 0 });

/** Runs fn over items with at most n at once, in order of start. */
export async function eachLimited<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function planImport(core: Pick<Core, 'directory' | 'faces' | 'photos'>, dir: string, o: ImportPlanOptions = {}): Promise<ImportPlan> {
  const template = o.template ?? DEFAULT_MATCH_TEMPLATE;
  const files = await importFiles(dir);
  const employees = await core.directory.employees({ kind: 'all' }, o.signal);
  const faces = await core.faces.get(employees.map((e) => e.userId), { fresh: true, signal: o.signal });
  const match = importMatcher(employees, template, (e) => faces.get(e.userId) ?? null);
  const items: ImportItem[] = files.map((file) => matchOne(file, match(path.posix.basename(file)).employees));
  markDuplicates(items);
  let budget = o.keepBytes ?? 256 * 1024 * 1024;
  let done = 0;
  await eachLimited(
    items,
    PLAN_CONCURRENCY,
    async (item) => {
      if (item.employee) await decide(core, dir, item, faces.get(item.employee.userId), o);
      if (item.prepared && CHANGING.has(item.outcome) && budget >= item.prepared.bytes.length) budget -= item.prepared.bytes.length;
      else delete item.prepared;
      o.onProgress?.(++done, items.length);
    },
    o.signal,
  );
  const counts = emptyCounts();
  for (const it of items) counts[it.outcome]++;
  return { dir, template, replace: Boolean(o.replace), items, counts };
}

function matchOne(file: string, found: Employee[]): ImportItem {
  if (found.length === 0) return { file, outcome: 'no_such_employee', reason: { code: 'feishu.not_found', detail: 'no employee matches this file name' } };
  if (found.length > 1)
    return { file, outcome: 'ambiguous', candidates: found.slice(0, 10).map(brief), reason: { code: 'input.invalid', detail: `${found.length} employees match this file name` } };
  return { file, outcome: 'enrol', employee: brief(found[0]!) };
}

/** Several files for one employee: none of them is imported (which one was meant?). */
function markDuplicates(items: ImportItem[]): void {
  const byUser = new Map<string, ImportItem[]>();
  for (const it of items) if (it.employee) byUser.set(it.employee.userId, [...(byUser.get(it.employee.userId) ?? []), it]);
  for (const list of byUser.values()) {
    if (list.length < 2) continue;
    for (const it of list) {
      it.outcome = 'ambiguous';
      it.reason = { code: 'input.invalid', detail: `${list.length} files match this employee: ${list.map((x) => x.file).join(', ')}` };
      delete it.employee;
      it.candidates = [];
    }
  }
}

/** The file read and checked, the employee's face compared: the item's outcome. */
async function decide(core: Pick<Core, 'photos'>, dir: string, item: ImportItem, face: FaceInfo | undefined, o: ImportPlanOptions): Promise<void> {
  const bytes = new Uint8Array(await fs.readFile(path.join(dir, item.file)));
  const prepared = preparePhoto(bytes, o.prep);
  if (!prepared.ok) {
    item.outcome = 'invalid';
    item.reason = { code: prepared.reason, detail: prepared.detail };
    return;
  }
  item.sha256 = sha256Hex(prepared.bytes);
  item.prepared = prepared;
  item.current = face ?? { enrolled: false, faceKey: null, updatedAt: null };
  if (face?.outOfRange) {
    item.outcome = 'not_visible';
    item.reason = { code: 'range.attendance', detail: 'Feishu does not show this employee’s face settings (outside the attendance data range)' };
    return;
  }
  if (!face?.enrolled || !face.faceKey) {
    item.outcome = 'enrol';
    return;
  }
  const now = await currentHash(core, face.faceKey, o.signal);
  if (now === item.sha256 || now === sha256Hex(bytes)) item.outcome = 'same_photo';
  else item.outcome = o.replace ? 'replace' : 'has_photo';
}

/** SHA-256 of the employee's current photo; null when it cannot be read (then it is not "the same"). */
async function currentHash(core: Pick<Core, 'photos'>, faceKey: string, signal?: AbortSignal): Promise<string | null> {
  try {
    return sha256Hex((await core.photos.get(faceKey, signal)).bytes);
  } catch (e) {
    if (signal?.aborted) throw e;
    return null;
  }
}

/** For reports: an item's reason as an AppError. */
export function reasonError(item: ImportItem): AppError | null {
  return item.reason ? { code: item.reason.code, message: item.reason.detail, detail: item.reason.detail } : null;
}
