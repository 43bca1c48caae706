// The plan for a selection: the coverage rows of a scope (or of the named employees), the directory for the
// managers, then planReminders. The same for the CLI and the app.
import { appError } from '../../../shared/errors';
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
  let rows = report.rows;
  if ('userIds' in selection) {
    const wanted = new Set(selection.userIds);
    rows = rows.filter((r) => wanted.has(r.userId));
    const found = new Set(rows.map((r) => r.userId));
    const unknown = selection.userIds.filter((id) => !found.has(id));
    if (unknown.length) throw appError('input.invalid', `Not current employees: ${unknown.slice(0, 20).join(', ')}`, { detail: 'resigned or outside the data range' });
  }
  return planReminders(rows, everyone, to);
}
