// The remembered directory's file format: what the DirectoryService needs to answer without a walk
// (departments, each employee as Feishu sent them, attendance groups and their members, each employee's face
// status — the face_key and its update time, never photo bytes) and when it was taken.
// A file that does not parse as the current schemaVersion is ignored, never half-used.
import { z } from 'zod';
import type { AttendanceGroup } from '../../../shared/model';
import type { RawDepartment, RawUser } from '../feishu/types';

/**
 * Bump when the shape changes: a file of another version is read as "nothing remembered". 2: face statuses;
 * 3: written as lines (lines.ts), no longer one JSON document.
 */
export const SNAPSHOT_SCHEMA_VERSION = 3;

/** What the DirectoryService hands over after a complete walk and takes back on restore. */
export interface DirectoryData {
  departments: RawDepartment[];
  /** Every employee once, their department ids merged across the departments they were listed in. */
  users: RawUser[];
  /** null when the attendance groups could not be read at the time. */
  groups: AttendanceGroup[] | null;
  /** Group id → user ids; null with groups. */
  groupMembers: Record<string, string[]> | null;
}

/** A remembered face status: no face_key is "not enrolled"; outOfRange when Feishu refused the id. */
export interface RememberedFace {
  faceKey: string | null;
  updatedAt: number | null;
  outOfRange?: boolean;
}

const RememberedFaceSchema = z.object({
  faceKey: z.string().min(1).nullable(),
  updatedAt: z.number().nullable(),
  outOfRange: z.boolean().optional(),
});

const RawDepartmentSchema = z.object({
  name: z.string(),
  department_id: z.string().optional(),
  open_department_id: z.string().min(1),
  parent_department_id: z.string().optional(),
  member_count: z.number().optional(),
});

const RawUserSchema = z.object({
  user_id: z.string().min(1),
  open_id: z.string().optional(),
  name: z.string().optional(),
  en_name: z.string().optional(),
  employee_no: z.string().optional(),
  email: z.string().optional(),
  mobile: z.string().optional(),
  enterprise_email: z.string().optional(),
  job_title: z.string().optional(),
  leader_user_id: z.string().optional(),
  department_ids: z.array(z.string()).optional(),
  status: z.object({ is_resigned: z.boolean().optional() }).optional(),
});

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  /** tenantKey() of the tenant it was taken from: a file copied from another tenant's name is refused. */
  tenant: z.string().min(1),
  /** When the walk it holds ended, ms since the epoch. */
  takenAt: z.number().int().nonnegative(),
  departments: z.array(RawDepartmentSchema),
  users: z.array(RawUserSchema),
  groups: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
  groupMembers: z.record(z.string(), z.array(z.string())).nullable(),
  /** user_id → face status, for the employees whose status was known when it was written (since v2). */
  faces: z.record(z.string(), RememberedFaceSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** The small file beside a snapshot: employee number → user_id, so a check by number needs no full parse. */
export const IndexSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  tenant: z.string().min(1),
  takenAt: z.number().int().nonnegative(),
  byEmployeeNo: z.record(z.string(), z.string()),
  /** open_department_id → name, so the employee found by number shows their departments. */
  departmentNames: z.record(z.string(), z.string()),
  /** Attendance group names in list order, and user_id → positions in it (absent when groups were unreadable). */
  groupNames: z.array(z.string()),
  groupsOf: z.record(z.string(), z.array(z.number().int().nonnegative())),
});
export type SnapshotIndex = z.infer<typeof IndexSchema>;
