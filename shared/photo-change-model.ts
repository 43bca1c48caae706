// What the app's photo-change channels carry (issue #11): a replacement's preview and result, the undo that is
// possible, and the import wizard's folder, match preview, plan and job. No file system path ever comes back from
// the renderer: it holds tokens and user ids; the folder is shown by name only.
import { z } from 'zod';
import { AppErrorSchema, ERROR_CODES } from './errors';
import { FaceInfoSchema, PhotoSchema } from './model';

/** The checks of photo-prep on a chosen file: what would be uploaded, or why it is refused. */
export const PhotoChecksSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), width: z.number(), height: z.number(), bytes: z.number(), orientation: z.number(), strippedBytes: z.number() }),
  z.object({ ok: z.literal(false), reason: z.enum(ERROR_CODES), detail: z.string() }),
]);

export const ReplacementPreviewSchema = z.object({
  /** Names the chosen, checked photo held by main until photoReplace (or the next choice). */
  token: z.string(),
  fileName: z.string(),
  fileBytes: z.number(),
  checks: PhotoChecksSchema,
  /** The photo as it would be uploaded (cleaned); absent when the checks refused it. */
  photo: PhotoSchema.nullable(),
  /** The employee's face read afresh. */
  current: FaceInfoSchema,
  /** The employee already has exactly this photo: nothing would change. */
  samePhoto: z.boolean(),
});
export type ReplacementPreview = z.infer<typeof ReplacementPreviewSchema>;

export const PhotoChangeResultSchema = z.object({
  userId: z.string(),
  oldFaceKey: z.string().nullable(),
  newFaceKey: z.string(),
  updatedAt: z.number().nullable(),
});
export type PhotoChangeResult = z.infer<typeof PhotoChangeResultSchema>;

export const UndoInfoSchema = z.object({
  kind: z.enum(['replace', 'restore', 'import']),
  at: z.string(),
  source: z.string(),
  /** The change never reached Feishu: the old photo is still there, an undo changes nothing. */
  already: z.boolean(),
});
export type UndoInfo = z.infer<typeof UndoInfoSchema>;

export const ImportFolderSchema = z.object({ folderName: z.string(), files: z.number() });
export type ImportFolder = z.infer<typeof ImportFolderSchema>;

const Who = z.object({ userId: z.string(), name: z.string(), employeeNo: z.string() });

export const ImportPreviewRowSchema = z.object({ file: z.string(), matches: z.array(Who), more: z.number() });
export type ImportPreviewRow = z.infer<typeof ImportPreviewRowSchema>;

export const IMPORT_OUTCOMES = ['enrol', 'replace', 'same_photo', 'has_photo', 'no_such_employee', 'ambiguous', 'invalid', 'not_visible'] as const;
export type ImportOutcomeName = (typeof IMPORT_OUTCOMES)[number];

export const ImportPlanViewSchema = z.object({
  template: z.string(),
  replace: z.boolean(),
  items: z.array(
    z.object({
      file: z.string(),
      outcome: z.enum(IMPORT_OUTCOMES),
      employee: Who.optional(),
      reason: z.object({ code: z.enum(ERROR_CODES), detail: z.string() }).optional(),
    }),
  ),
  counts: z.record(z.enum(IMPORT_OUTCOMES), z.number()),
});
export type ImportPlanView = z.infer<typeof ImportPlanViewSchema>;

export const ImportJobViewSchema = z.object({
  jobId: z.string(),
  progress: z.object({ done: z.number(), total: z.number(), changed: z.number(), failed: z.number(), rate: z.number(), etaSeconds: z.number().nullable() }),
  summary: z
    .object({
      planned: z.number(),
      enrolled: z.number(),
      replaced: z.number(),
      alreadyDone: z.number(),
      notStarted: z.number(),
      cancelled: z.boolean(),
      durationMs: z.number(),
      failed: z.array(z.object({ file: z.string(), userId: z.string(), name: z.string(), error: AppErrorSchema })),
    })
    .nullable(),
});
export type ImportJobView = z.infer<typeof ImportJobViewSchema>;
