// Reminders to enrol a face photo (issue #14): who gets one (the employees without a photo, or their managers
// with the list of their reports), the message, and what happened to each recipient.
import { z } from 'zod';
import { AppErrorSchema } from './errors';
import { CoverageScopeSchema, REPORT_LANGUAGES } from './coverage';
import { IdSchema } from './model';

export const REMIND_TARGETS = ['employees', 'managers'] as const;
export const RemindToSchema = z.enum(REMIND_TARGETS);
export type RemindTo = z.infer<typeof RemindToSchema>;

/** The longest message we send (Feishu takes far more; a reminder longer than this is a mistake). */
export const MAX_REMIND_TEXT = 4000;
export const RemindTextSchema = z.string().trim().min(1).max(MAX_REMIND_TEXT);

export const RemindPersonSchema = z.object({ userId: z.string(), name: z.string(), employeeNo: z.string() });
export type RemindPerson = z.infer<typeof RemindPersonSchema>;

/** One message's recipient; a manager's message lists the reports it is about. */
export const RemindRecipientSchema = RemindPersonSchema.extend({ reports: z.array(RemindPersonSchema).optional() });
export type RemindRecipient = z.infer<typeof RemindRecipientSchema>;

/** Who would get a message: recipients, and the employees without a photo no message can reach (no manager). */
export const RemindPlanSchema = z.object({
  to: RemindToSchema,
  recipients: z.array(RemindRecipientSchema),
  /** Employees without a photo left out: no manager known (managers mode). */
  withoutManager: z.array(RemindPersonSchema),
  /** Employees asked for who already have a photo or whose status Feishu would not say: no message. */
  skipped: z.number().int().nonnegative(),
});
export type RemindPlan = z.infer<typeof RemindPlanSchema>;

export const RemindOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('sent'), userId: z.string(), name: z.string(), messageId: z.string() }),
  z.object({ status: z.literal('failed'), userId: z.string(), name: z.string(), error: AppErrorSchema }),
]);
export type RemindOutcome = z.infer<typeof RemindOutcomeSchema>;

/** How far a send of one plan (its token) has got: recipients with an outcome, of those being sent to. */
export const RemindProgressSchema = z.object({ token: z.string(), done: z.number().int().min(0), total: z.number().int().min(0) });
export type RemindProgress = z.infer<typeof RemindProgressSchema>;

/** Which employees a reminder is about: a coverage scope, or named employees (user ids). */
export const RemindSelectionSchema = z.union([
  z.strictObject({ scope: CoverageScopeSchema }),
  z.strictObject({ userIds: z.array(IdSchema).min(1).max(5000) }),
]);
export type RemindSelection = z.infer<typeof RemindSelectionSchema>;

export const RemindLanguageSchema = z.enum(REPORT_LANGUAGES);

/** The text one recipient gets: the admin's text, and for a manager the reports' names and employee numbers. */
export function messageFor(text: string, recipient: Pick<RemindRecipient, 'reports'>): string {
  const reports = recipient.reports;
  if (!reports?.length) return text;
  const lines = reports.map((r) => `• ${r.name}${r.employeeNo ? ` (${r.employeeNo})` : ''}`);
  return `${text}\n\n${lines.join('\n')}`;
}
