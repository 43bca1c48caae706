// The plan for a selection: the coverage rows of a scope (or of the named employees), the directory for the
// managers, then planReminders. The same for the CLI and the app.
import type { RemindPlan, RemindSelection, RemindTo } from '../../../shared/remind';
import type { CoverageQueries } from '../coverage';
import type { Directory } from '../types';
import { planReminders } from './recipients';

export interface PlanDeps {
  coverageReport: CoverageQueries['coverageReport'];
  directory: Pick<Directory, 'employees'>;
}

export async function remindPlan(deps: PlanDeps, selection: RemindSelection, to: RemindTo, signal?: AbortSignal): Promise<RemindPlan> {
  const scope = 'scope' in selection ? selection.scope : { kind: 'all' as const };
  const [report, everyone] = await Promise.all([deps.coverageReport(scope, undefined, signal), deps.directory.employees({ kind: 'all' }, signal)]);
  if (!('userIds' in selection)) return planReminders(report.rows, everyone, to);
  // Named employees (a browse selection, --users): the resigned and the unknown count as left out, like the enrolled.
  const wanted = new Set(selection.userIds);
  const rows = report.rows.filter((r) => wanted.has(r.userId));
  const plan = planReminders(rows, everyone, to);
  return { ...plan, skipped: plan.skipped + (wanted.size - rows.length) };
}
