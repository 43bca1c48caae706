// Coverage of face enrolment (issue #14): how many current employees have a photo, per department (with its
// sub-departments) and per attendance group, and the per-employee rows of the list an admin hands on.
import { z } from 'zod';
import { IdSchema } from './model';

/** Current (not resigned) employees of one department or group, by face status. */
export const CoverageCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  enrolled: z.number().int().nonnegative(),
  /** Feishu says there is no photo. */
  notEnrolled: z.number().int().nonnegative(),
  /** Feishu would not say (1220004: outside the app's attendance data range): neither enrolled nor not. */
  notVisible: z.number().int().nonnegative(),
  /** Enrolled, but the photo last changed more than staleMonths ago (a subset of enrolled). */
  stale: z.number().int().nonnegative(),
});
export type CoverageCounts = z.infer<typeof CoverageCountsSchema>;

export type DepartmentCoverage = { id: string; name: string; counts: CoverageCounts; children: DepartmentCoverage[] };
export const DepartmentCoverageSchema: z.ZodType<DepartmentCoverage> = z.lazy(() =>
  z.object({ id: z.string(), name: z.string(), counts: CoverageCountsSchema, children: z.array(DepartmentCoverageSchema) }),
);

export const GroupCoverageSchema = z.object({ id: z.string(), name: z.string(), counts: CoverageCountsSchema });
export type GroupCoverage = z.infer<typeof GroupCoverageSchema>;

export const DEFAULT_STALE_MONTHS = 24;
export const StaleMonthsSchema = z.number().int().min(1).max(240);

export const CoverageSchema = z.object({
  /** The whole company (department "0"), its departments below it. */
  company: DepartmentCoverageSchema,
  groups: z.array(GroupCoverageSchema),
  staleMonths: StaleMonthsSchema,
  /** Photos changed before this instant (Unix seconds) count as stale. */
  staleBefore: z.number().int(),
});
export type Coverage = z.infer<typeof CoverageSchema>;

/** enrolled / total, or null for an empty department (no share to show). */
export function shareOf(c: Pick<CoverageCounts, 'enrolled' | 'total'>): number | null {
  return c.total > 0 ? c.enrolled / c.total : null;
}

/** One employee's face status in the list: stale is enrolled with an old photo. */
export const CoverageStatusSchema = z.enum(['enrolled', 'stale', 'not_enrolled', 'not_visible']);
export type CoverageStatus = z.infer<typeof CoverageStatusSchema>;

/** Which employees a list covers: a department (with sub-departments), a group, or everyone. */
export const CoverageScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('department'), id: IdSchema }),
  z.strictObject({ kind: z.literal('group'), id: IdSchema }),
]);
export type CoverageScope = z.infer<typeof CoverageScopeSchema>;

export const REPORT_LANGUAGES = ['zh-CN', 'en-US'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];
