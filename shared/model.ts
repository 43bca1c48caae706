// Domain model, in the HR admin's words. Schemas double as the IPC validation.
import { z } from 'zod';
import { AppErrorSchema } from './errors';

// ---------------------------------------------------------------------------
// Tenant / connection

/** Loopback hosts where plain http is allowed: the simulator and the e2e tests. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https for any host; http only on loopback, so the app secret never crosses a network in clear text. */
function isAllowedBaseUrl(raw: string): boolean {
  if (!/^https?:\/\/[^\s]+$/i.test(raw)) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

export const BaseUrlSchema = z.union([
  z.literal('feishu'),
  z.literal('lark'),
  z.string().max(300).refine(isAllowedBaseUrl, 'must be an https URL (http only for 127.0.0.1, localhost or [::1])'),
]);
export type BaseUrl = z.infer<typeof BaseUrlSchema>;

export const FEISHU_BASE_URL = 'https://open.feishu.cn';
export const LARK_BASE_URL = 'https://open.larksuite.com';

export function resolveBaseUrl(b: BaseUrl): string {
  if (b === 'feishu') return FEISHU_BASE_URL;
  if (b === 'lark') return LARK_BASE_URL;
  return b.replace(/\/+$/, '');
}

export const CredentialsInputSchema = z.object({
  baseUrl: BaseUrlSchema,
  appId: z.string().trim().min(1).max(128),
  appSecret: z.string().min(1).max(256),
});
export type CredentialsInput = z.infer<typeof CredentialsInputSchema>;

export const EncryptionStateSchema = z.enum(['available', 'basic_text', 'unavailable']);

/** All the renderer ever learns about the stored credentials. The secret is write-only. */
export const CredentialStatusSchema = z.object({
  configured: z.boolean(),
  demo: z.boolean(),
  baseUrl: BaseUrlSchema.nullable(),
  appIdMasked: z.string().nullable(),
  /** true when the secret is stored encrypted on disk; false when kept for this run only. */
  persisted: z.boolean(),
  encryption: EncryptionStateSchema,
  /** true when the OS cannot protect the photo cache's key: photos are then cached in memory for this session only. */
  photoCacheInMemory: z.boolean(),
});
export type CredentialStatus = z.infer<typeof CredentialStatusSchema>;

// ---------------------------------------------------------------------------
// Directory

export const DepartmentSchema = z.object({
  id: z.string(), // open_department_id; "0" is the root
  name: z.string(),
  parentId: z.string().nullable(),
  /**
   * Current (not resigned) employees in the department and its sub-departments, counted from the directory the
   * list shows; absent until the whole directory has been read (Feishu's own member_count counts resigned staff).
   */
  memberCount: z.number().int().nonnegative().optional(),
  /** Resigned employees counted the same way (the list shows them with "include resigned"). */
  resignedCount: z.number().int().nonnegative().optional(),
});
export type Department = z.infer<typeof DepartmentSchema>;

export type DepartmentNode = Department & { children: DepartmentNode[] };
export const DepartmentNodeSchema: z.ZodType<DepartmentNode> = z.lazy(() =>
  DepartmentSchema.extend({ children: z.array(DepartmentNodeSchema) }),
);

/**
 * Where a department sits, for showing and naming it (see departmentPaths in shared/departments.ts).
 * full: names from the top-level department down to this one (the root is just its own name).
 * unique: the shortest tail of full that no other department of the tenant shares (compared the way folder names
 * are: sanitised, case-insensitive); when even full is shared, full with the department id added to the last name.
 */
export const DepartmentPathSchema = z.object({ full: z.array(z.string()), unique: z.array(z.string()) });
export type DepartmentPath = z.infer<typeof DepartmentPathSchema>;

export const AttendanceGroupSchema = z.object({ id: z.string(), name: z.string() });
export type AttendanceGroup = z.infer<typeof AttendanceGroupSchema>;

export const EmployeeSchema = z.object({
  userId: z.string(), // contact user_id == attendance employee_id
  name: z.string(),
  enName: z.string(),
  employeeNo: z.string(),
  email: z.string(),
  mobile: z.string(),
  departmentIds: z.array(z.string()),
  /** Names of departmentIds, same order; the first is the primary department. */
  departmentNames: z.array(z.string()),
  /** Paths of departmentIds, same order. Set by the directory; absent only on hand-built employees (tests). */
  departmentPaths: z.array(DepartmentPathSchema).optional(),
  /** Attendance groups the employee is in, when known. */
  groupNames: z.array(z.string()),
  resigned: z.boolean(),
  jobTitle: z.string(),
  /** The direct manager's user id (Feishu's leader_user_id), when Feishu names one. */
  managerId: z.string().optional(),
});
export type Employee = z.infer<typeof EmployeeSchema>;

export const FaceInfoSchema = z.object({
  enrolled: z.boolean(),
  faceKey: z.string().nullable(),
  /** face_key_update_time as Unix seconds, or null when not enrolled. */
  updatedAt: z.number().int().nullable(),
  /**
   * Feishu would not say (1220004): the employee is unknown to attendance or outside the app's attendance
   * data range. Then enrolled is false for lack of evidence, not because there is no photo.
   */
  outOfRange: z.literal(true).optional(),
});
export type FaceInfo = z.infer<typeof FaceInfoSchema>;

export const EmployeeRowSchema = EmployeeSchema.extend({ face: FaceInfoSchema });
export type EmployeeRow = z.infer<typeof EmployeeRowSchema>;

export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.@+-]+$/, 'not an id');

export const ScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('department'), id: IdSchema, recursive: z.boolean().default(true) }),
  z.object({ kind: z.literal('group'), id: IdSchema }),
]);
export type Scope = z.infer<typeof ScopeSchema>;

export const EmployeeFilterSchema = z.object({
  scope: ScopeSchema,
  /** Matches name, English name, employee number, email, mobile or user id (case-insensitive, substring). */
  search: z.string().max(200).default(''),
  photo: z.enum(['all', 'with', 'without']).default('all'),
  includeResigned: z.boolean().default(false),
});
export type EmployeeFilter = z.infer<typeof EmployeeFilterSchema>;

export const EmployeePageSchema = z.object({
  rows: z.array(EmployeeRowSchema),
  offset: z.number().int().nonnegative(),
  /** Rows matching the filter (all pages). */
  total: z.number().int().nonnegative(),
  /** Coverage of the scope with the search applied, before the photo filter and paging: enrolled of total. */
  coverage: z.object({ enrolled: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
  /**
   * Set while a large directory is still being read (departments read of all): rows, total and
   * coverage are partial, and the caller should ask again shortly. Absent or null when complete.
   */
  loading: z
    .object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
    .nullable()
    .optional(),
  /**
   * Field scopes the app lacks, seen in the directory behind this page (Feishu leaves the field out of every
   * user): e.g. contact:user.employee_number:read, without which there is no 工号. Absent when none is missing.
   */
  missingScopes: z.array(z.string()).optional(),
  /**
   * Set while the list is the directory remembered from an earlier run: when it was read (ms since the epoch) and
   * whether it is being read again now (ask again shortly). Absent once the list is the one just read.
   */
  remembered: z.object({ takenAt: z.number().int().nonnegative(), refreshing: z.boolean() }).optional(),
});
export type EmployeePage = z.infer<typeof EmployeePageSchema>;

// ---------------------------------------------------------------------------
// Export

export const SUBFOLDER_MODES = ['none', 'department', 'group'] as const;
export const DEFAULT_TEMPLATE = '{name}_{employee_no}';

export const ExportOptionsSchema = z.object({
  template: z.string().min(1).max(200).default(DEFAULT_TEMPLATE),
  subfolders: z.enum(SUBFOLDER_MODES).default('none'),
  zip: z.boolean().default(false),
});
export type ExportOptions = z.infer<typeof ExportOptionsSchema>;

export const ExportStatusSchema = z.enum(['saved', 'up_to_date', 'no_photo', 'failed', 'cancelled']);
export type ExportItemStatus = z.infer<typeof ExportStatusSchema>;

export const ExportProgressSchema = z.object({
  jobId: z.string(),
  phase: z.enum(['preparing', 'downloading', 'zipping', 'done', 'cancelled']),
  total: z.number().int().nonnegative(),
  /** Employees processed so far (any status). */
  done: z.number().int().nonnegative(),
  saved: z.number().int().nonnegative(),
  upToDate: z.number().int().nonnegative(),
  noPhoto: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Photos per second over the recent window. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type ExportProgress = z.infer<typeof ExportProgressSchema>;

export const ExportFailureSchema = z.object({
  userId: z.string(),
  name: z.string(),
  employeeNo: z.string(),
  error: AppErrorSchema,
});
export type ExportFailure = z.infer<typeof ExportFailureSchema>;

export const ExportSummarySchema = z.object({
  jobId: z.string(),
  /** The folder, for display only; the renderer never sends paths back. */
  outDir: z.string(),
  total: z.number().int().nonnegative(),
  saved: z.number().int().nonnegative(),
  upToDate: z.number().int().nonnegative(),
  noPhoto: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.boolean(),
  failures: z.array(ExportFailureSchema),
  manifestPath: z.string(),
  zipPath: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  /**
   * Counts over every row of manifest.csv after this run: this run's employees plus the ones earlier exports into the
   * folder listed (a retry of the failures, or a run over part of them, keeps those rows). Absent when no manifest.
   */
  manifestTotals: z
    .object({
      rows: z.number().int().nonnegative(),
      /** Saved or up to date: a photo file in the folder. */
      photos: z.number().int().nonnegative(),
      noPhoto: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      /** Listed but not processed (cancelled, or its file was removed by hand). */
      notProcessed: z.number().int().nonnegative(),
    })
    .optional(),
  /** Set when the final manifest.csv could not be written (e.g. the disk filled up): the counts above are still true. */
  manifestError: AppErrorSchema.optional(),
});
export type ExportSummary = z.infer<typeof ExportSummarySchema>;

/** One manifest.csv row; every selected employee gets one, whatever happened. */
export interface ManifestRow {
  user_id: string;
  name: string;
  en_name: string;
  employee_no: string;
  department: string;
  group: string;
  face_key: string;
  face_key_update_time: string; // ISO 8601 UTC, empty when not enrolled
  file: string; // path relative to the export folder, '/'-separated
  bytes: string;
  sha256: string;
  status: ExportItemStatus;
  error: string; // stable error code
  error_detail: string;
  /** Full path of each department ('/' between levels, '; ' between departments); last, for positional readers. */
  department_path: string;
}

export const MANIFEST_COLUMNS: (keyof ManifestRow)[] = [
  'user_id',
  'name',
  'en_name',
  'employee_no',
  'department',
  'group',
  'face_key',
  'face_key_update_time',
  'file',
  'bytes',
  'sha256',
  'status',
  'error',
  'error_detail',
  'department_path',
];

// ---------------------------------------------------------------------------
// Settings (non-secret; electron-store in the app)

// Each setting's schema without its default: the patch must not fill in what the admin did not send.
const settingFields = {
  language: z.enum(['system', 'zh-CN', 'en-US']),
  theme: z.enum(['system', 'light', 'dark']),
  /** Display only; the real path stays in main. */
  lastFolder: z.string().nullable(),
  template: z.string().min(1).max(200),
  subfolders: z.enum(SUBFOLDER_MODES),
  zip: z.boolean(),
  cacheMaxMB: z.number().int().min(50).max(20_000),
  /** Cached photos unused for this many days are removed. */
  cacheRetentionDays: z.number().int().min(1).max(3650),
  /** Photo grid thumbnails on the browse screen. */
  thumbSize: z.enum(['small', 'medium', 'large']),
};

export const SettingsSchema = z.object({
  language: settingFields.language.default('system'),
  theme: settingFields.theme.default('system'),
  /** Display only; the real path stays in main. */
  lastFolder: settingFields.lastFolder.default(null),
  template: settingFields.template.default(DEFAULT_TEMPLATE),
  subfolders: settingFields.subfolders.default('none'),
  zip: settingFields.zip.default(false),
  cacheMaxMB: settingFields.cacheMaxMB.default(500),
  cacheRetentionDays: settingFields.cacheRetentionDays.default(30),
  thumbSize: settingFields.thumbSize.default('medium'),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** A partial change from the renderer: only the fields sent, no defaults (lastFolder is set by main only). */
export const SettingsPatchSchema = z
  .strictObject({
    language: settingFields.language,
    theme: settingFields.theme,
    template: settingFields.template,
    subfolders: settingFields.subfolders,
    zip: settingFields.zip,
    cacheMaxMB: settingFields.cacheMaxMB,
    cacheRetentionDays: settingFields.cacheRetentionDays,
    thumbSize: settingFields.thumbSize,
  })
  .partial();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const CacheInfoSchema = z.object({
  bytes: z.number().nonnegative(),
  files: z.number().int().nonnegative(),
  maxBytes: z.number().nonnegative(),
});
export type CacheInfo = z.infer<typeof CacheInfoSchema>;

export const PhotoSchema = z.object({
  bytes: z.instanceof(Uint8Array),
  mime: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']),
});
export type Photo = z.infer<typeof PhotoSchema>;
/** Largest photo we send across IPC. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
