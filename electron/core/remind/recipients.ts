// Who a reminder goes to: the employees without a photo themselves, or their direct managers, one message per
// manager naming the reports it is about. Only "not enrolled" counts: an employee Feishu would not say about
// (outside the attendance range) or with an old photo is not asked to enrol.
import type { CoverageRow } from '../coverage';
import type { Employee } from '../../../shared/model';
import type { RemindPerson, RemindPlan, RemindRecipient, RemindTo } from '../../../shared/remind';

const person = (e: Pick<Employee, 'userId' | 'name' | 'employeeNo'>): RemindPerson => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo });

/** Managers grouped: each current manager once, their reports in the order given; no manager → withoutManager. */
function byManager(missing: readonly CoverageRow[], everyone: readonly Employee[]): Pick<RemindPlan, 'recipients' | 'withoutManager'> {
  const byId = new Map(everyone.map((e) => [e.userId, e]));
  const groups = new Map<string, RemindRecipient>();
  const withoutManager: RemindPerson[] = [];
  for (const row of missing) {
    const managerId = byId.get(row.userId)?.managerId;
    const manager = managerId === undefined ? undefined : byId.get(managerId);
    // A resigned manager cannot act on it: those reports are listed as without a manager.
    if (!manager || manager.resigned) {
      withoutManager.push(person(row));
      continue;
    }
    const entry = groups.get(manager.userId) ?? { ...person(manager), reports: [] };
    entry.reports!.push(person(row));
    groups.set(manager.userId, entry);
  }
  return { recipients: [...groups.values()], withoutManager };
}

/** The plan for the rows of a coverage report (already scoped): who gets a message. */
export function planReminders(rows: readonly CoverageRow[], everyone: readonly Employee[], to: RemindTo): RemindPlan {
  const missing = rows.filter((r) => r.status === 'not_enrolled');
  const skipped = rows.length - missing.length;
  if (to === 'employees') return { to, recipients: missing.map(person), withoutManager: [], skipped };
  return { to, ...byManager(missing, everyone), skipped };
}
