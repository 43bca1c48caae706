// The structural check of a remembered directory as it is read back, a line at a time (lines.ts): the same rules as
// SnapshotSchema, written as plain loops because zod costs about a second per 20,000 employees on the app's start
// (issue #10). The bytes
// themselves are vouched for by the at-rest envelope (its GCM tag fails on any changed or missing byte), so this
// check only has to make sure that what this or an older version wrote has the shape the DirectoryService reads:
// a file that fails it is ignored, never half-used.
import type { SnapshotHeader } from './lines';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot, type SnapshotIndex } from './schema';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const isId = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const optText = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isTime = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isTexts = (v: unknown): boolean => Array.isArray(v) && v.every(isText);

const USER_TEXTS = ['open_id', 'name', 'en_name', 'employee_no', 'email', 'mobile', 'enterprise_email', 'job_title', 'leader_user_id'] as const;

function isUser(u: unknown): boolean {
  if (!isObj(u) || !isId(u.user_id)) return false;
  for (const k of USER_TEXTS) if (!optText(u[k])) return false;
  if (u.department_ids !== undefined && !isTexts(u.department_ids)) return false;
  const s = u.status;
  return s === undefined || (isObj(s) && (s.is_resigned === undefined || typeof s.is_resigned === 'boolean'));
}

function isDepartment(d: unknown): boolean {
  return (
    isObj(d) &&
    isText(d.name) &&
    isId(d.open_department_id) &&
    optText(d.department_id) &&
    optText(d.parent_department_id) &&
    (d.member_count === undefined || typeof d.member_count === 'number')
  );
}

function isFace(f: unknown): boolean {
  return (
    isObj(f) &&
    (f.faceKey === null || isId(f.faceKey)) &&
    (f.updatedAt === null || typeof f.updatedAt === 'number') &&
    (f.outOfRange === undefined || typeof f.outOfRange === 'boolean')
  );
}

const everyValue = (v: unknown, test: (x: unknown) => boolean): boolean => isObj(v) && Object.values(v).every(test);

function hasGroups(s: Obj): boolean {
  const groups = s.groups === null || (Array.isArray(s.groups) && s.groups.every((g) => isObj(g) && isText(g.id) && isText(g.name)));
  return groups && (s.groupMembers === null || everyValue(s.groupMembers, isTexts));
}

/** The header every remembered file starts with: this schema version, a tenant key and a time. */
function hasHeader(v: unknown): v is Obj {
  return isObj(v) && v.schemaVersion === SNAPSHOT_SCHEMA_VERSION && isId(v.tenant) && isTime(v.takenAt);
}

/** Why a stored snapshot was not used (logged, never shown). */
export type Rejection = 'unreadable' | 'schema' | 'tenant';

/** The header line of a snapshot (lines.ts) when it has the current shape, else why not (its tenant is the caller's). */
export function checkHeader(json: unknown): SnapshotHeader | Rejection {
  if (!hasHeader(json)) return 'schema';
  const ok = Array.isArray(json.departments) && json.departments.every(isDepartment) && hasGroups(json) && isTime(json.userCount) && isTime(json.faceCount);
  return ok ? (json as unknown as SnapshotHeader) : 'schema';
}

/** One line's employees. */
export const checkUsers = (v: unknown): v is Snapshot['users'] => Array.isArray(v) && v.every(isUser);

/** One line's face statuses, by user id. */
export const checkFaces = (v: unknown): v is Snapshot['faces'] => everyValue(v, isFace);

/** The employee-number index when it has the current shape and is this tenant's, else null. */
export function checkIndex(json: unknown, tenant: string): SnapshotIndex | null {
  if (!hasHeader(json) || json.tenant !== tenant) return null;
  const ok =
    everyValue(json.byEmployeeNo, isText) &&
    everyValue(json.departmentNames, isText) &&
    isTexts(json.groupNames) &&
    everyValue(json.groupsOf, (v) => Array.isArray(v) && v.every(isTime));
  return ok ? (json as unknown as SnapshotIndex) : null;
}
