// The rows of the list an admin hands on: one per employee, in the words a manager reads (names, not ids),
// with the photo's last change as an instant (the writers show it in local time).
import { PATH_SEPARATOR } from '../../../shared/departments';
import type { CoverageStatus } from '../../../shared/coverage';
import type { Employee, FaceInfo } from '../../../shared/model';
import { NOT_ENROLLED } from '../faces';
import { statusOf } from './count';

export interface CoverageRow {
  userId: string;
  name: string;
  employeeNo: string;
  /** Full path of the primary department, from the top ("研发中心/测试组/一组"). */
  departmentPath: string;
  /** The direct manager's name; empty when Feishu names none or the manager is outside the app's range. */
  manager: string;
  email: string;
  mobile: string;
  /** Attendance groups, "; " between several. */
  groups: string;
  status: CoverageStatus;
  /** When the photo last changed, Unix seconds; null when not enrolled or unknown. */
  updatedAt: number | null;
}

export function reportRows(employees: readonly Employee[], everyone: readonly Employee[], faces: ReadonlyMap<string, FaceInfo>, staleBefore: number): CoverageRow[] {
  const byId = new Map(everyone.map((e) => [e.userId, e]));
  return employees.map((e) => {
    const face = faces.get(e.userId) ?? NOT_ENROLLED;
    const path = e.departmentPaths?.[0]?.full ?? [];
    return {
      userId: e.userId,
      name: e.name,
      employeeNo: e.employeeNo,
      departmentPath: path.length ? path.join(PATH_SEPARATOR) : (e.departmentNames[0] ?? ''),
      manager: (e.managerId && byId.get(e.managerId)?.name) || '',
      email: e.email,
      mobile: e.mobile,
      groups: e.groupNames.join('; '),
      status: statusOf(face, staleBefore),
      updatedAt: face.enrolled ? face.updatedAt : null,
    };
  });
}
