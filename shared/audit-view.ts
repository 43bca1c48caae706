// The audit log as the Settings window sees it (Settings → 审计日志): rows with their details flattened to
// plain values, the chain check, and the one-line privacy summary. Schemas for the IPC contract.
import { z } from 'zod';

const DetailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const AuditRowSchema = z.object({
  seq: z.number().int(),
  /** ISO 8601, UTC. */
  at: z.string(),
  actor: z.string(),
  /** One of core's audit actions (session.sign_in, export, detail.open, …); the renderer translates the known ones. */
  action: z.string(),
  tenant: z.string(),
  /** The action's own fields; lists and objects as JSON text, the employee-id list left out (see count). */
  details: z.record(z.string(), DetailValue),
  /** How many employees the action touched, when it is about employees. */
  count: z.number().int().nonnegative().nullable(),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;

export const AuditCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.number().int() }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int(),
    /** The seq the first broken entry should have had, and its line in the file. */
    seq: z.number().int(),
    line: z.number().int(),
    reason: z.enum(['unreadable', 'hash', 'chain', 'seq']),
  }),
]);
export type AuditCheck = z.infer<typeof AuditCheckSchema>;

export const AuditViewSchema = z.object({
  /** Newest first, at most AUDIT_VIEW_MAX of them. */
  rows: z.array(AuditRowSchema),
  /** Entries in the log (rows may be fewer). */
  total: z.number().int().nonnegative(),
  check: AuditCheckSchema,
});
export type AuditView = z.infer<typeof AuditViewSchema>;
/** The table shows the newest entries; the CSV export always has all of them. */
export const AUDIT_VIEW_MAX = 2000;

export const PrivacySummarySchema = z.object({
  /** Photo files in the local caches (every tenant and the demo). */
  cachedPhotos: z.number().int().nonnegative(),
  /** Distinct employees whose photos this computer has opened, saved or exported, from the audit log. */
  employees: z.number().int().nonnegative(),
  /** Last use of the least recently used cached photo (ms since the epoch), or null with an empty cache. */
  oldestCachedAt: z.number().nullable(),
});
export type PrivacySummary = z.infer<typeof PrivacySummarySchema>;
