// The IPC contract: every channel declared once, with request and response schemas.
// Main registers handlers from it, the preload exposes it as window.api, the browser
// harness serves it over HTTP; no channel string appears anywhere else.
import { z } from 'zod';
import type { Result } from './errors';
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

const NoInput = z.undefined();
const Ok = z.object({ ok: z.literal(true) });

function channel<Req extends z.ZodType, Res extends z.ZodType>(name: string, request: Req, response: Res) {
  return { name, request, response };
}

export const contract = {
  // credentials
  credentialsStatus: channel('credentials:status', NoInput, CredentialStatusSchema),
  /** Tests the credentials against Feishu, then stores them (secret encrypted) and signs in. */
  credentialsSet: channel('credentials:set', CredentialsInputSchema, CredentialStatusSchema),
  /** Tests without storing. */
  credentialsTest: channel('credentials:test', CredentialsInputSchema, Ok),
  credentialsClear: channel('credentials:clear', NoInput, CredentialStatusSchema),
  /** Starts the built-in simulated tenant and signs in to it. Touches no stored credentials. */
  demoStart: channel('demo:start', NoInput, CredentialStatusSchema),

  // directory
  departments: channel('directory:departments', NoInput, z.array(DepartmentNodeSchema)),
  groups: channel('directory:groups', NoInput, z.array(AttendanceGroupSchema)),
  employees: channel(
    'directory:employees',
    z.object({
      filter: EmployeeFilterSchema,
      offset: z.number().int().nonnegative().max(1_000_000).default(0),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    EmployeePageSchema,
  ),
  /** All user ids matching a filter: "select all in the current filter". */
  employeeIds: channel('directory:employee-ids', z.object({ filter: EmployeeFilterSchema }), z.array(z.string())),
  employee: channel('directory:employee', z.object({ userId: IdSchema }), EmployeeRowSchema),
  /** Search-as-you-type for "check one employee": name, employee no, email, mobile, user id; includes resigned. */
  lookup: channel(
    'directory:lookup',
    z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).default(10) }),
    z.array(EmployeeRowSchema),
  ),
  /** Re-reads face settings from Feishu (bypassing the short cache) for these employees. */
  faceRefresh: channel(
    'face:refresh',
    z.object({ userIds: z.array(IdSchema).min(1).max(1000) }),
    z.record(z.string(), FaceInfoSchema),
  ),

  // photos
  photo: channel('photo:get', z.object({ faceKey: IdSchema }), PhotoSchema),
  /** Saves one employee's photo through the native save dialog. null when the admin cancelled. */
  photoSave: channel('photo:save', z.object({ userId: IdSchema }), z.object({ path: z.string() }).nullable()),

  // export
  /** Opens the native folder dialog (or re-validates the remembered folder). Returns the folder for display. */
  exportChooseFolder: channel(
    'export:choose-folder',
    z.object({ useRemembered: z.boolean().default(false) }),
    z.object({ folder: z.string() }).nullable(),
  ),
  exportStart: channel(
    'export:start',
    z.object({
      selection: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('ids'), userIds: z.array(IdSchema).min(1).max(200_000) }),
        z.object({ kind: z.literal('filter'), filter: EmployeeFilterSchema }),
      ]),
      options: ExportOptionsSchema,
    }),
    z.object({ jobId: z.string() }),
  ),
  exportCancel: channel('export:cancel', z.object({ jobId: IdSchema }), Ok),
  /** Starts a new job over the failed employees of a finished one, into the same folder. */
  exportRetryFailed: channel('export:retry-failed', z.object({ jobId: IdSchema }), z.object({ jobId: z.string() })),
  /** The running or last job, for a renderer that reloaded. */
  exportCurrent: channel(
    'export:current',
    NoInput,
    z.object({ progress: ExportProgressSchema, summary: ExportSummarySchema.nullable() }).nullable(),
  ),
  exportShowInFolder: channel('export:show-in-folder', z.object({ jobId: IdSchema }), Ok),
  exportOpenManifest: channel('export:open-manifest', z.object({ jobId: IdSchema }), Ok),

  // cache
  cacheInfo: channel('cache:info', NoInput, CacheInfoSchema),
  cacheClear: channel('cache:clear', NoInput, CacheInfoSchema),

  // settings and app
  settingsGet: channel('settings:get', NoInput, SettingsSchema),
  settingsSet: channel('settings:set', SettingsPatchSchema, SettingsSchema),
  appInfo: channel(
    'app:info',
    NoInput,
    z.object({ version: z.string(), platform: z.string(), systemLocale: z.string(), harness: z.boolean() }),
  ),
  /** Opens an allow-listed https URL (developer console, docs) in the system browser. */
  openExternal: channel('app:open-external', z.object({ url: z.string().url().max(500) }), Ok),
} as const;

/** Events main pushes to the renderer. */
export const events = {
  exportProgress: { name: 'export:progress', payload: ExportProgressSchema },
  exportDone: { name: 'export:done', payload: ExportSummarySchema },
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
