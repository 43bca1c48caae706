// File names for exported face photos. Pure TS (no Node): the exporter uses it to name files and the
// renderer uses the same code for its live preview, so what the admin sees is what gets written.
// The rules are the intersection of Windows, macOS and Linux, so an export folder can be copied anywhere.
import type { Employee, FaceInfo } from './model';
import { DEFAULT_TEMPLATE } from './model';
import { appError } from './errors';

export const TEMPLATE_TOKENS = ['name', 'en_name', 'employee_no', 'user_id', 'department', 'group', 'updated'] as const;
export type TemplateToken = (typeof TEMPLATE_TOKENS)[number];
export type NamingFields = Record<Exclude<TemplateToken, 'updated'>, string> & {
  /** face_key_update_time, Unix seconds; null when not enrolled. */
  updated: number | null;
};

/** Longest file or folder name we produce, in UTF-8 bytes (most file systems allow 255). */
export const MAX_NAME_BYTES = 200;
/** Room kept for the longest photo extension ('.webp') when a base name is chosen before the bytes are known. */
export const MAX_EXTENSION_BYTES = 5;
/** Folder for employees without an attendance group / department when sorting into subfolders. */
export const NO_GROUP_FOLDER = '未分组';
export const NO_DEPARTMENT_FOLDER = '未分配部门';
/**
 * Between the levels of a department's unique path in a file or folder name ("测试组 - 一组"): '/' would make a
 * path, and the sanitiser already turns a '/' inside a department's own name into '_'.
 */
export const FILE_PATH_SEPARATOR = ' - ';

export type SubfolderMode = 'none' | 'department' | 'group';

const TOKEN_RE = /\{([^{}]*)\}/g;
const KNOWN = new Set<string>(TEMPLATE_TOKENS);

export function validateTemplate(template: string): { ok: true } | { ok: false; unknownTokens: string[] } {
  const unknown: string[] = [];
  for (const m of template.matchAll(TOKEN_RE)) {
    const token = m[1] ?? '';
    if (!KNOWN.has(token) && !unknown.includes(token)) unknown.push(token);
  }
  return unknown.length ? { ok: false, unknownTokens: unknown } : { ok: true };
}

/**
 * The primary department as file and folder names call it: its unique path (shared/departments.ts), each level
 * sanitised, joined by FILE_PATH_SEPARATOR. Falls back to the bare name for employees built without paths.
 */
function primaryDepartmentForNames(employee: Pick<Employee, 'departmentNames' | 'departmentPaths'>): string {
  const p = employee.departmentPaths?.[0];
  if (!p) return employee.departmentNames[0] ?? '';
  return p.unique.map((n) => sanitizeName(n, '_')).join(FILE_PATH_SEPARATOR);
}

export function namingFields(employee: Employee, face?: FaceInfo | null): NamingFields {
  return {
    name: employee.name,
    en_name: employee.enName,
    employee_no: employee.employeeNo,
    user_id: employee.userId,
    department: primaryDepartmentForNames(employee),
    group: employee.groupNames[0] ?? '',
    updated: face?.enrolled ? face.updatedAt : null,
  };
}

function isoDay(unixSeconds: number | null): string {
  if (unixSeconds === null || !Number.isFinite(unixSeconds)) return '';
  const d = new Date(unixSeconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 10); // UTC, like the manifest, so every machine names alike
}

export interface RenderOptions {
  /** Appended after sanitising, e.g. '.jpg'. */
  ext?: string;
  /** Bytes to keep free for an extension added later (the exporter knows it only after download). */
  reserveBytes?: number;
}

/**
 * Renders the template for one employee into a safe file name.
 * Throws input.invalid (detail lists the unknown tokens); callers can check first with validateTemplate.
 */
export function renderFileName(template: string, fields: NamingFields, opts: RenderOptions = {}): string {
  const check = validateTemplate(template);
  if (!check.ok) {
    const list = check.unknownTokens.map((t) => `{${t}}`).join(', ');
    throw appError('input.invalid', `Unknown file name template tokens: ${list}`, { detail: list });
  }
  const raw = template.replace(TOKEN_RE, (_m, token: string) => {
    if (token === 'updated') return isoDay(fields.updated);
    return fields[token as Exclude<TemplateToken, 'updated'>] ?? '';
  });
  const ext = opts.ext ?? '';
  const limit = MAX_NAME_BYTES - (opts.reserveBytes ?? 0);
  const fallback = sanitizeName(fields.user_id, '', limit) || 'unnamed';
  return sanitizeName(raw, fallback, limit, ext);
}

/**
 * The file name of one photo saved outside an export (the app's "Save this photo", the CLI's `check --out`):
 * the export's default template and rules, so it matches what an export of that employee writes.
 */
export function singlePhotoFileName(employee: Employee, face: FaceInfo | null | undefined, mime: string): string {
  return renderFileName(DEFAULT_TEMPLATE, namingFields(employee, face), { ext: extensionFor(mime) });
}

// ---------------------------------------------------------------------------
// Sanitising

// Characters Windows forbids, plus C0/C1 controls; '/' and '\' would also make a path.
// eslint-disable-next-line no-control-regex
const ILLEGAL_RE = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f]/g;
// Invisible direction overrides can disguise an extension ("abc\u202Egpj.exe"): drop them.
const BIDI_RE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// Lone surrogates cannot be encoded in UTF-8 file names.
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const RESERVED_RE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Cuts s to at most maxBytes of UTF-8, never inside a code point. */
export function truncateUtf8(s: string, maxBytes: number): string {
  let n = 0;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n + len > maxBytes) break;
    n += len;
    out += ch;
  }
  return out;
}

function tidy(s: string): string {
  // Windows drops trailing dots/spaces silently (two names would collide); leading dots hide files on Unix.
  return s.replace(/[. ]+$/, '').replace(/^[. ]+/, '');
}

function isReserved(name: string): boolean {
  // Windows reserves the device names with any extension too ("nul.jpg", "CON .txt").
  const stem = name.split('.')[0]!.replace(/ +$/, '');
  return RESERVED_RE.test(stem);
}

/**
 * Makes one path segment (file or folder name) valid on Windows, macOS and Linux.
 * Returns `fallback` (unsanitised; pass a safe one) when nothing usable is left.
 */
export function sanitizeName(raw: string, fallback: string, maxBytes = MAX_NAME_BYTES, ext = ''): string {
  let base = raw
    .normalize('NFC')
    .replace(LONE_SURROGATE_RE, '_')
    .replace(BIDI_RE, '')
    .replace(ILLEGAL_RE, '_')
    .replace(/\s/g, (c) => (c === ' ' ? c : ' '));
  base = tidy(base);
  // A leading = + - @ makes a spreadsheet cell (manifest.csv) a formula, and a leading '-' reads as an option in a shell.
  base = base.replace(/^[=+\-@]/, '_');
  if (!base) base = fallback;
  if (!base) return '';
  if (isReserved(base + ext)) base = `_${base}`;
  const room = Math.max(1, maxBytes - utf8Length(ext));
  if (utf8Length(base) > room) base = tidy(truncateUtf8(base, room)) || truncateUtf8(fallback, room) || '_';
  return base + ext;
}

/** A subfolder name, sanitised like a file name. */
export function folderName(raw: string, fallback: string): string {
  return sanitizeName(raw, fallback) || '_';
}

/** The subfolder an employee's photo goes into ('' for none). */
export function subfolderFor(
  mode: SubfolderMode,
  employee: Pick<Employee, 'departmentNames' | 'departmentPaths' | 'groupNames'>,
): string {
  // No department/group at all gets a named folder; a name with nothing usable in it (say "..") gets "_".
  // Departments go by their unique path, so two departments named 一组 get two folders ("测试组 - 一组", "品牌组 - 一组").
  if (mode === 'department') {
    const name = primaryDepartmentForNames(employee);
    return name ? folderName(name, '_') : NO_DEPARTMENT_FOLDER;
  }
  if (mode === 'group') {
    const name = employee.groupNames[0] ?? '';
    return name ? folderName(name, '_') : NO_GROUP_FOLDER;
  }
  return '';
}

/** Case- and normalisation-insensitive key: Windows and macOS treat "Li.jpg" and "li.JPG" as one file. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function splitExt(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * Returns name, or "name (2)", "name (3)"… so that it is not in `taken` (keys from nameKey), and adds it.
 * keepExtension: the suffix goes before the last '.' (default true); pass false for a bare base name.
 */
export function uniqueName(
  name: string,
  taken: Set<string>,
  opts: { keepExtension?: boolean; maxBytes?: number } = {},
): string {
  const maxBytes = opts.maxBytes ?? MAX_NAME_BYTES;
  if (!taken.has(nameKey(name))) {
    taken.add(nameKey(name));
    return name;
  }
  const [base, ext] = opts.keepExtension === false ? [name, ''] : splitExt(name);
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const room = maxBytes - utf8Length(suffix + ext);
    const candidate = truncateUtf8(base, Math.max(1, room)) + suffix + ext;
    if (!taken.has(nameKey(candidate))) {
      taken.add(nameKey(candidate));
      return candidate;
    }
  }
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/bmp': '.bmp',
};

export function extensionFor(mime: string): string {
  return EXTENSIONS[mime.toLowerCase().split(';')[0]!.trim()] ?? '.jpg';
}

/**
 * What the first n files of an export would be called ('/'-separated, '.jpg' assumed until the bytes are known).
 * Returns [] for a template with unknown tokens (show validateTemplate's answer instead).
 */
export function previewFileNames(
  template: string,
  subfolders: SubfolderMode,
  employees: ReadonlyArray<Employee & { face?: FaceInfo | null }>,
  n = 5,
): string[] {
  if (!validateTemplate(template || DEFAULT_TEMPLATE).ok) return [];
  const taken = new Map<string, Set<string>>();
  const out: string[] = [];
  for (const e of employees.slice(0, Math.max(0, n))) {
    const folder = subfolderFor(subfolders, e);
    const key = nameKey(folder);
    if (!taken.has(key)) taken.set(key, new Set());
    const base = renderFileName(template || DEFAULT_TEMPLATE, namingFields(e, e.face), { reserveBytes: MAX_EXTENSION_BYTES });
    const unique = uniqueName(base, taken.get(key)!, { keepExtension: false, maxBytes: MAX_NAME_BYTES - MAX_EXTENSION_BYTES });
    out.push((folder ? `${folder}/` : '') + unique + '.jpg');
  }
  return out;
}
