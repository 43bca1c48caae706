// The IPC contract: every channel declared once, with request and response schemas.
// Main registers handlers from it, the preload exposes it as window.api, the browser
// harness serves it over HTTP; no channel string appears anywhere else.
import { z } from 'zod';
import { channelNames, eventNames } from './channels';
import { CoverageSchema, CoverageScopeSchema, DEFAULT_STALE_MONTHS, REPORT_LANGUAGES, StaleMonthsSchema } from './coverage';
import type { Result } from './errors';
import { RemindLanguageSchema, RemindOutcomeSchema, RemindPlanSchema, RemindProgressSchema, RemindSelectionSchema, RemindTextSchema, RemindToSchema } from './remind';
import {
  AttendanceGroupSchema,
  CacheInfoSchema,
  CredentialsInputSchema,
  CredentialStatusSchema,
  DepartmentNodeSchema,
  EmployeeFilterSchema,
  EmployeePageSchema,
  EmployeeRowSchema,
  ExportOptionsSchema,
  ExportProgressSchema,
  ExportSummarySchema,
  FaceInfoSchema,
  IdSchema,
  PhotoSchema,
  SettingsPatchSchema,
  SettingsSchema,
} from './model';
import { AuditViewSchema, PrivacySummarySchema } from './audit-view';
import {
  ImportFolderSchema,
  ImportJobViewSchema,
  ImportPlanViewSchema,
  ImportPreviewRowSchema,
  PhotoChangeResultSchema,
  ReplacementPreviewSchema,
  UndoInfoSchema,
} from './photo-change-model';

const NoInput = z.undefined();
// Requests are strict at every level we define: an unknown key is a caller bug, not something to drop.
const CredentialsRequest = z.strictObject(CredentialsInputSchema.shape);
const FilterRequest = z.strictObject(EmployeeFilterSchema.shape);
const ExportOptionsRequest = z.strictObject(ExportOptionsSchema.shape);
const Ok = z.object({ ok: z.literal(true) });

function channel<N extends keyof typeof channelNames, Req extends z.ZodType, Res extends z.ZodType>(key: N, request: Req, response: Res) {
  return { name: channelNames[key], request, response };
}

export const contract = {
  // credentials
  credentialsStatus: channel('credentialsStatus', NoInput, CredentialStatusSchema),
  /** Tests the credentials against Feishu, then stores them (secret encrypted) and signs in. */
  credentialsSet: channel('credentialsSet', CredentialsRequest, CredentialStatusSchema),
  /** Tests without storing. */
  credentialsTest: channel('credentialsTest', CredentialsRequest, Ok),
  credentialsClear: channel('credentialsClear', NoInput, CredentialStatusSchema),
  /** Starts the built-in simulated tenant and signs in to it. Touches no stored credentials. */
  demoStart: channel('demoStart', NoInput, CredentialStatusSchema),

  // directory
  departments: channel('departments', NoInput, z.array(DepartmentNodeSchema)),
  groups: channel('groups', NoInput, z.array(AttendanceGroupSchema)),
  employees: channel(
    'employees',
    z.strictObject({
      filter: FilterRequest,
      offset: z.number().int().nonnegative().max(1_000_000).default(0),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    EmployeePageSchema,
  ),
  /** All user ids matching a filter: "select all in the current filter". */
  employeeIds: channel('employeeIds', z.strictObject({ filter: EmployeeFilterSchema }), z.array(z.string())),
  employee: channel('employee', z.strictObject({ userId: IdSchema }), EmployeeRowSchema),
  /** Search-as-you-type for "check one employee": name, employee no, email, mobile, user id; includes resigned. */
  lookup: channel(
    'lookup',
    z.strictObject({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).default(10) }),
    z.array(EmployeeRowSchema),
  ),
  /** Re-reads face settings from Feishu (bypassing the short cache) for these employees. */
  faceRefresh: channel(
    'faceRefresh',
    z.strictObject({ userIds: z.array(IdSchema).min(1).max(1000) }),
    z.record(z.string(), FaceInfoSchema),
  ),

  // coverage (录入情况)
  /** Enrolment figures for the whole company, each department (with sub-departments) and each attendance group. */
  coverage: channel('coverage', z.strictObject({ staleMonths: StaleMonthsSchema.default(DEFAULT_STALE_MONTHS) }), CoverageSchema),
  /** Writes the list of a department, group or everyone through the native save dialog. null when cancelled. */
  coverageExport: channel(
    'coverageExport',
    z.strictObject({
      scope: CoverageScopeSchema,
      staleMonths: StaleMonthsSchema.default(DEFAULT_STALE_MONTHS),
      lang: z.enum(REPORT_LANGUAGES),
      by: z.enum(['department', 'group']).default('department'),
      format: z.enum(['xlsx', 'csv']).default('xlsx'),
    }),
    z.object({ path: z.string(), rows: z.number().int().nonnegative() }).nullable(),
  ),

  // reminders to enrol (issue #14): the renderer names employees or a scope, main keeps the plan behind a token
  /** Who would get a reminder, and the default text in the asked language. Sends nothing. */
  remindPlan: channel(
    'remindPlan',
    z.strictObject({ selection: RemindSelectionSchema, to: RemindToSchema, lang: RemindLanguageSchema }),
    z.object({ token: z.string(), plan: RemindPlanSchema, text: z.string() }),
  ),
  /** Sends the planned reminder with this text (after the admin confirmed), or again to its failed recipients only. */
  remindSend: channel(
    'remindSend',
    z.strictObject({ token: IdSchema, text: RemindTextSchema, only: z.enum(['all', 'failed']).default('all') }),
    z.object({ outcomes: z.array(RemindOutcomeSchema) }),
  ),

  // photos
  photo: channel('photo', z.strictObject({ faceKey: IdSchema }), PhotoSchema),
  /** Saves one employee's photo through the native save dialog. null when the admin cancelled. */
  photoSave: channel('photoSave', z.strictObject({ userId: IdSchema }), z.object({ path: z.string() }).nullable()),

  // changing photos (issue #11): the renderer names employees and tokens, never a file or folder path
  /** Probes the write scope, opens the native open-file dialog (JPEG/PNG) and checks the chosen photo. null = cancelled. */
  photoChooseReplacement: channel('photoChooseReplacement', z.strictObject({ userId: IdSchema }), ReplacementPreviewSchema.nullable()),
  /** Carries out the change previewed under this token. */
  photoReplace: channel('photoReplace', z.strictObject({ token: IdSchema }), PhotoChangeResultSchema),
  /** The change this tool made to this employee that an undo would revert; null when there is none. */
  photoUndoInfo: channel('photoUndoInfo', z.strictObject({ userId: IdSchema }), UndoInfoSchema.nullable()),
  photoUndo: channel('photoUndo', z.strictObject({ userId: IdSchema }), PhotoChangeResultSchema.nullable()),
  /** Probes the write scope, opens the native folder dialog; null = cancelled. */
  importChooseFolder: channel('importChooseFolder', NoInput, ImportFolderSchema.nullable()),
  /** How the first few files of the chosen folder match with this template. */
  importPreview: channel('importPreview', z.strictObject({ template: z.string().min(1).max(200) }), z.array(ImportPreviewRowSchema)),
  importPlan: channel('importPlan', z.strictObject({ template: z.string().min(1).max(200), replace: z.boolean() }), ImportPlanViewSchema),
  importStart: channel('importStart', NoInput, z.object({ jobId: z.string() })),
  importCancel: channel('importCancel', z.strictObject({ jobId: IdSchema }), Ok),
  importCurrent: channel('importCurrent', NoInput, ImportJobViewSchema.nullable()),

  // export
  /** Opens the native folder dialog (or re-validates the remembered folder). Returns the folder for display. */
  exportChooseFolder: channel(
    'exportChooseFolder',
    z.strictObject({ useRemembered: z.boolean().default(false) }),
    z.object({ folder: z.string() }).nullable(),
  ),
  exportStart: channel(
    'exportStart',
    z.strictObject({
      selection: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('ids'), userIds: z.array(IdSchema).min(1).max(200_000) }),
        // Everyone the filter matches when the export starts, minus the ones the admin unticked afterwards.
        z.strictObject({ kind: z.literal('filter'), filter: FilterRequest, except: z.array(IdSchema).max(200_000).optional() }),
      ]),
      options: ExportOptionsRequest,
      /** Why the export is made, as the admin typed it in the first-export notice: recorded in the audit log. */
      purpose: z.string().trim().max(500).optional(),
    }),
    z.object({ jobId: z.string() }),
  ),
  exportCancel: channel('exportCancel', z.strictObject({ jobId: IdSchema }), Ok),
  /** Starts a new job over the failed employees of a finished one, into the same folder. */
  exportRetryFailed: channel('exportRetryFailed', z.strictObject({ jobId: IdSchema }), z.object({ jobId: z.string() })),
  /** The running or last job, for a renderer that reloaded. */
  exportCurrent: channel(
    'exportCurrent',
    NoInput,
    z.object({ progress: ExportProgressSchema, summary: ExportSummarySchema.nullable() }).nullable(),
  ),
  exportShowInFolder: channel('exportShowInFolder', z.strictObject({ jobId: IdSchema }), Ok),
  exportOpenManifest: channel('exportOpenManifest', z.strictObject({ jobId: IdSchema }), Ok),

  // cache
  cacheInfo: channel('cacheInfo', NoInput, CacheInfoSchema),
  cacheClear: channel('cacheClear', NoInput, CacheInfoSchema),

  // settings and app
  settingsGet: channel('settingsGet', NoInput, SettingsSchema),
  settingsSet: channel('settingsSet', SettingsPatchSchema, SettingsSchema),
  appInfo: channel(
    'appInfo',
    NoInput,
    z.object({ version: z.string(), platform: z.string(), systemLocale: z.string(), harness: z.boolean() }),
  ),
  /** Opens an allow-listed https URL (developer console, docs) in the system browser. */
  openExternal: channel('openExternal', z.strictObject({ url: z.string().url().max(500) }), Ok),

  // audit trail and local data (issue #13)
  /** The detail view of this employee was opened (thumbnails are not recorded): one audit entry. */
  detailOpened: channel('detailOpened', z.strictObject({ userId: IdSchema }), Ok),
  /** The audit log, newest first, with the result of the chain check. */
  auditLog: channel('auditLog', NoInput, AuditViewSchema),
  /** Writes the whole audit log as CSV where the admin chooses in the native save dialog. null when cancelled. */
  auditExportCsv: channel('auditExportCsv', NoInput, z.object({ path: z.string(), entries: z.number().int() }).nullable()),
  /** Whether the signed-in tenant has not had an export from this computer yet (show the notice first). */
  exportNoticeNeeded: channel('exportNoticeNeeded', NoInput, z.object({ needed: z.boolean() })),
  /** Cached photos, employees processed (from the audit log) and the oldest cached photo. */
  privacySummary: channel('privacySummary', NoInput, PrivacySummarySchema),
  /** Erases cache, logs and the rest of the local data, the audit log last. confirm is the second confirmation. */
  dataErase: channel('dataErase', z.strictObject({ confirm: z.literal(true) }), z.object({ failed: z.array(z.string()) })),
} as const;

/** Events main pushes to the renderer. */
export const events = {
  exportProgress: { name: eventNames.exportProgress, payload: ExportProgressSchema },
  exportDone: { name: eventNames.exportDone, payload: ExportSummarySchema },
  remindProgress: { name: eventNames.remindProgress, payload: RemindProgressSchema },
} as const;

export type Contract = typeof contract;
export type ChannelKey = keyof Contract;
export type RequestOf<K extends ChannelKey> = z.input<Contract[K]['request']>;
export type ParsedRequestOf<K extends ChannelKey> = z.output<Contract[K]['request']>;
export type ResponseOf<K extends ChannelKey> = z.output<Contract[K]['response']>;
export type EventKey = keyof typeof events;
export type EventPayload<E extends EventKey> = z.output<(typeof events)[E]['payload']>;

/** The renderer's window.api, derived from the contract: one function per channel, one subscribe per event. */
export type AppApi = {
  [K in ChannelKey]: RequestOf<K> extends undefined
    ? () => Promise<Result<ResponseOf<K>>>
    : (request: RequestOf<K>) => Promise<Result<ResponseOf<K>>>;
} & {
  on: {
    [E in EventKey]: (listener: (payload: EventPayload<E>) => void) => () => void;
  };
};

/** Server-side handlers (main and the browser harness share them). */
export type Handlers = {
  [K in ChannelKey]: (request: ParsedRequestOf<K>) => Promise<ResponseOf<K>>;
};

export const channelKeys = Object.keys(contract) as ChannelKey[];
export const eventKeys = Object.keys(events) as EventKey[];

// channels.ts and the contract must list the same keys, in both directions.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : never;
const channelsMatch: SameKeys<typeof channelNames, Contract> = true;
const eventsMatch: SameKeys<typeof eventNames, typeof events> = true;
void channelsMatch;
void eventsMatch;
