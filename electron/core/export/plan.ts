// The export's plan: a folder and a stable, unique file name for every employee with a photo, the rows of an
// earlier manifest carried over for employees outside this run, and the manifest row of every outcome.
import { departmentFullPaths } from '../../../shared/departments';
import type { AppError } from '../../../shared/errors';
import type { Employee, ExportSummary, FaceInfo, ManifestRow } from '../../../shared/model';
import {
  MAX_EXTENSION_BYTES,
  MAX_NAME_BYTES,
  nameKey,
  namingFields,
  renderFileName,
  subfolderFor,
  uniqueName,
  type SubfolderMode,
} from '../../../shared/naming';
import { NOT_ENROLLED } from '../faces';
import { existingFileInside } from './safe-folder';

const PHOTO_EXT_RE = /\.(jpe?g|png|gif|webp|bmp)$/i;

export interface Plan {
  employee: Employee;
  face: FaceInfo;
  folder: string;
  /** Base file name (no extension), unique within the folder. */
  base: string;
  prev: ManifestRow | undefined;
  row: ManifestRow | null;
  error?: AppError;
}

export interface PlanInput {
  employees: Employee[];
  selected: Set<string>;
  faces: Map<string, FaceInfo>;
  /** False when cancelled before the face settings came back: nobody may be recorded as "no photo" on no evidence. */
  facesKnown: boolean;
  previous: Map<string, ManifestRow>;
  template: string;
  mode: SubfolderMode;
}

/**
 * Whether a manifest row records a photo file of an earlier run: saved or up to date, or a row this employee got
 * when a run stopped before reaching them (cancelled, or not attempted on a full disk), which keeps the file it had.
 * Always verified on disk (existingFileInside) before it is trusted.
 */
export function holdsFile(row: ManifestRow | undefined): row is ManifestRow {
  return Boolean(row?.file) && row!.status !== 'no_photo';
}

export function splitRel(rel: string): { folder: string; base: string } {
  const slash = rel.lastIndexOf('/');
  const folder = slash >= 0 ? rel.slice(0, slash) : '';
  const file = slash >= 0 ? rel.slice(slash + 1) : rel;
  return { folder, base: file.replace(PHOTO_EXT_RE, '') };
}

export function slotKey(folder: string, base: string): string {
  return `${nameKey(folder)}/${nameKey(base)}`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** prevBase is what the template gives now, or a numbered variant of it ("张伟 (2)"). */
export function isVariantOf(prevBase: string, base: string): boolean {
  const p = nameKey(prevBase);
  const b = nameKey(base);
  return p === b || new RegExp(`^${escapeRe(b)} \\(\\d+\\)$`).test(p);
}

/** A unique base name within a folder's taken names, leaving room for the extension. */
export function uniqueBase(base: string, taken: Set<string>): string {
  return uniqueName(base, taken, { keepExtension: false, maxBytes: MAX_NAME_BYTES - MAX_EXTENSION_BYTES });
}

/** Folder and a stable, unique base name for every employee with a photo; rows for those settled already. */
export function planExport(input: PlanInput): Plan[] {
  const folderSpelling = new Map<string, string>();
  const plans = input.employees.map((employee) => planOne(input, employee, folderSpelling));
  nameAll(plans, input);
  return plans;
}

function planOne(input: PlanInput, employee: Employee, folderSpelling: Map<string, string>): Plan {
  const face = input.faces.get(employee.userId) ?? NOT_ENROLLED;
  let folder = subfolderFor(input.mode, employee);
  // Windows and macOS see "Sales" and "sales" as one folder: use one spelling for both.
  const fk = nameKey(folder);
  if (!folderSpelling.has(fk)) folderSpelling.set(fk, folder);
  folder = folderSpelling.get(fk)!;
  const base = face.enrolled ? renderFileName(input.template, namingFields(employee, face), { reserveBytes: MAX_EXTENSION_BYTES }) : '';
  const plan: Plan = { employee, face, folder, base, prev: input.previous.get(employee.userId), row: null };
  if (face.outOfRange && input.facesKnown) {
    // Not "no photo": Feishu would not tell this app. The attendance admin can fix it by widening the data range.
    const info: AppError = { code: 'range.attendance', message: "Outside the app's attendance data range, or unknown to attendance", feishuCode: 1220004 };
    plan.error = info;
    plan.row = { ...failedRow(plan, info), ...keptFile(plan) };
  } else if (!face.enrolled && input.facesKnown) plan.row = noPhotoRow(plan);
  return plan;
}

/** Unique names per folder: names of employees outside the run stay theirs, then last run's names, then the rest. */
function nameAll(plans: Plan[], { previous, selected }: PlanInput): void {
  const taken = new Map<string, Set<string>>();
  const takenIn = (folder: string) => {
    const k = nameKey(folder);
    if (!taken.has(k)) taken.set(k, new Set());
    return taken.get(k)!;
  };
  // Names already on disk for employees outside this selection stay theirs.
  for (const [userId, row] of previous) {
    if (selected.has(userId) || !holdsFile(row)) continue;
    const { folder, base } = splitRel(row.file);
    takenIn(folder).add(nameKey(base));
  }
  const withPhoto = plans.filter((p) => p.face.enrolled);
  // First keep the names this run's employees had last time, then name the rest.
  const named = new Set<Plan>();
  for (const p of withPhoto) {
    if (!p.prev?.file) continue;
    const prev = splitRel(p.prev.file);
    const set = takenIn(p.folder);
    if (nameKey(prev.folder) === nameKey(p.folder) && isVariantOf(prev.base, p.base) && !set.has(nameKey(prev.base))) {
      set.add(nameKey(prev.base));
      p.base = prev.base;
      named.add(p);
    }
  }
  for (const p of withPhoto) {
    if (named.has(p)) continue;
    p.base = uniqueBase(p.base, takenIn(p.folder));
  }
}

/**
 * Rows of the previous manifest for employees not in this run, every one of them: a manifest never silently
 * loses an employee it listed (a retry of the failures keeps the no-photo rows, a run over one department keeps
 * the others). A row whose file is no longer in the folder (deleted by hand), or whose name now belongs to an
 * employee of this run, stays without a file, as not processed: the next export of that employee saves it again.
 */
export async function carryOver(outDir: string, previous: Map<string, ManifestRow>, selected: Set<string>, plans: Plan[]): Promise<ManifestRow[]> {
  const slots = new Set(plans.filter((p) => p.face.enrolled).map((p) => slotKey(p.folder, p.base)));
  const out: ManifestRow[] = [];
  for (const [userId, row] of previous) {
    if (selected.has(userId)) continue;
    if (!holdsFile(row)) {
      out.push(row);
      continue;
    }
    const { folder, base } = splitRel(row.file);
    if (!slots.has(slotKey(folder, base)) && (await existingFileInside(outDir, row.file))) out.push(row);
    else out.push({ ...row, file: '', bytes: '', sha256: '', status: 'cancelled', error: 'export.cancelled', error_detail: 'Not in this export; the file an earlier export saved is no longer in the folder' });
  }
  return out;
}

/** The planned name of every employee with a photo, by slot: who owns which name in this run. */
export function claimedSlots(plans: readonly Plan[]): Map<string, Plan> {
  const claimed = new Map<string, Plan>();
  for (const p of plans) if (p.face.enrolled) claimed.set(slotKey(p.folder, p.base), p);
  return claimed;
}

/** Files an earlier run of ours saved here (whoever they were for): the only ones a new photo may replace. */
export function ourFiles(previous: Map<string, ManifestRow>): Set<string> {
  const ours = new Set<string>();
  for (const r of previous.values()) if (holdsFile(r)) ours.add(nameKey(r.file));
  return ours;
}

function isoTime(unixSeconds: number | null): string {
  if (unixSeconds === null) return '';
  const d = new Date(unixSeconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function baseRow(p: Plan): ManifestRow {
  const e = p.employee;
  return {
    user_id: e.userId,
    name: e.name,
    en_name: e.enName,
    employee_no: e.employeeNo,
    department: e.departmentNames.filter(Boolean).join('; '),
    group: e.groupNames.join('; '),
    face_key: p.face.faceKey ?? '',
    face_key_update_time: isoTime(p.face.updatedAt),
    file: '',
    bytes: '',
    sha256: '',
    status: 'cancelled',
    error: '',
    error_detail: '',
    department_path: departmentFullPaths(e).filter(Boolean).join('; '),
  };
}

function noPhotoRow(p: Plan): ManifestRow {
  return { ...baseRow(p), status: 'no_photo' };
}

export function failedRow(p: Plan, info: AppError): ManifestRow {
  const detail = [info.message, info.detail, info.feishuCode ? `feishu ${info.feishuCode}` : '', info.logId ? `log_id ${info.logId}` : '']
    .filter(Boolean)
    .join('; ');
  return { ...baseRow(p), status: 'failed', error: info.code, error_detail: detail };
}

export function cancelledRow(p: Plan): ManifestRow {
  return { ...baseRow(p), status: 'cancelled', error: 'export.cancelled', error_detail: 'Cancelled before this photo was saved' };
}

/** A checkpoint's row for an employee not handled yet: last run's file is still valid until we replace it. */
function pendingRow(p: Plan): ManifestRow {
  if (holdsFile(p.prev)) return p.prev;
  return { ...cancelledRow(p), error_detail: 'Not processed (the export stopped before this employee)' };
}

/** For an employee the run never reached: the file an earlier run saved is still there, and stays on record. */
export function keptFile(p: Plan): Partial<ManifestRow> {
  const prev = p.prev;
  if (!holdsFile(prev)) return {};
  const { face_key, face_key_update_time, file, bytes, sha256 } = prev;
  return { face_key, face_key_update_time, file, bytes, sha256 };
}

/** The manifest's rows in order, made as they are read: the row of every employee, then the carried-over rows. */
export function* manifestRows(plans: readonly Plan[], carried: readonly ManifestRow[]): Generator<ManifestRow> {
  for (const p of plans) yield p.row ?? pendingRow(p);
  yield* carried;
}

/** Each row as it may end up, for sizing: named after the planned file (an extension is at most 5 bytes, ".jpeg"). */
export function* settledRows(plans: readonly Plan[], carried: readonly ManifestRow[]): Generator<ManifestRow> {
  for (const p of plans) {
    const row = p.row ?? pendingRow(p);
    const planned = p.face.enrolled ? `${p.folder ? `${p.folder}/` : ''}${p.base}.jpeg` : '';
    yield planned.length > row.file.length ? { ...row, file: planned } : row;
  }
  yield* carried;
}

/** Counts over every row of the manifest as written: the whole picture, not only this run's employees. */
export function manifestTotals(rows: Iterable<ManifestRow>): NonNullable<ExportSummary['manifestTotals']> {
  const t = { rows: 0, photos: 0, noPhoto: 0, failed: 0, notProcessed: 0 };
  for (const r of rows) {
    t.rows++;
    if (r.status === 'saved' || r.status === 'up_to_date') t.photos++;
    else if (r.status === 'no_photo') t.noPhoto++;
    else if (r.status === 'failed') t.failed++;
    else t.notProcessed++;
  }
  return t;
}
