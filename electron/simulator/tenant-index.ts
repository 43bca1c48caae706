// Lookup maps over the generated tenant, built once at start and passed to the handlers, so 20,000
// employees are served without scans.
import type { GeneratedTenant, SimDepartmentExtra, SimGroupExtra } from './tenant';
import type { SimDepartment, SimFace, SimGroup, SimTenant, SimUser } from './types';

export interface TenantIndex {
  usersById: Map<string, SimUser>;
  usersByOpenId: Map<string, SimUser>;
  usersByUnionId: Map<string, SimUser>;
  usersByEmployeeNo: Map<string, SimUser>;
  /** Direct members by open_department_id ("0" holds nobody). */
  membersOf: Map<string, SimUser[]>;
  deptByOpenId: Map<string, SimDepartment>;
  deptByCustomId: Map<string, SimDepartment>;
  /** Direct sub-departments by parent open_department_id ("0" for the top level). */
  childrenOf: Map<string, SimDepartment[]>;
  /** Members including sub-departments, as Feishu's member_count counts them. */
  memberCount: Map<string, number>;
  groupsById: Map<string, SimGroup>;
  departmentExtra: Map<string, SimDepartmentExtra>;
  groupExtra: Map<string, SimGroupExtra>;
  /** Every department under `openId`, breadth-first (parents before their children), built once per parent. */
  descendantsOf(openId: string): readonly SimDepartment[];
  /** The photo file behind a face_key, if one was ever issued (or a test put it straight into tenant.faces). */
  fileFor(faceKey: string): SimFace | undefined;
  /** Make a newly issued face downloadable; old face_keys stay downloadable, as Feishu keeps old files. */
  addFile(face: SimFace): void;
  /** Every face_key ever issued, so a new one never repeats an old one. */
  usedFaceKeys: Set<string>;
  /**
   * The user's direct manager (Feishu's `leader_user_id`): the leader of the primary department (its first active
   * member, as the department's own `leader_user_id` says), or for that leader the leader of the department above.
   */
  leaderOf(u: SimUser): SimUser | undefined;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexUsers(users: readonly SimUser[]): Pick<TenantIndex, 'usersById' | 'usersByOpenId' | 'usersByUnionId' | 'usersByEmployeeNo' | 'membersOf'> {
  const out = { usersById: new Map<string, SimUser>(), usersByOpenId: new Map<string, SimUser>(), usersByUnionId: new Map<string, SimUser>(), usersByEmployeeNo: new Map<string, SimUser>(), membersOf: new Map<string, SimUser[]>() };
  for (const u of users) {
    out.usersById.set(u.user_id, u);
    out.usersByOpenId.set(u.open_id, u);
    out.usersByUnionId.set(u.union_id, u);
    out.usersByEmployeeNo.set(u.employee_no, u);
    for (const d of u.department_ids) pushTo(out.membersOf, d, u);
  }
  return out;
}

function indexDepartments(departments: readonly SimDepartment[]): Pick<TenantIndex, 'deptByOpenId' | 'deptByCustomId' | 'childrenOf'> {
  const out = { deptByOpenId: new Map<string, SimDepartment>(), deptByCustomId: new Map<string, SimDepartment>(), childrenOf: new Map<string, SimDepartment[]>() };
  for (const d of departments) {
    out.deptByOpenId.set(d.open_department_id, d);
    out.deptByCustomId.set(d.department_id, d);
    pushTo(out.childrenOf, d.parent_department_id, d);
  }
  return out;
}

function countMembers(users: readonly SimUser[], deptByOpenId: Map<string, SimDepartment>): Map<string, number> {
  const memberCount = new Map<string, number>();
  for (const u of users) {
    // Only staff in several departments can reach an ancestor twice; skip the Set for everyone else.
    const seen = u.department_ids.length > 1 ? new Set<string>() : undefined;
    for (const start of u.department_ids) {
      let cur: string | undefined = start;
      for (let guard = 0; cur && cur !== '0' && guard < 16; guard++) {
        if (!seen?.has(cur)) {
          seen?.add(cur);
          memberCount.set(cur, (memberCount.get(cur) ?? 0) + 1);
        }
        cur = deptByOpenId.get(cur)?.parent_department_id;
      }
    }
  }
  return memberCount;
}

/** Breadth-first walk below `openId`; an index cursor instead of queue.shift() keeps it linear. */
function walkDown(openId: string, childrenOf: Map<string, SimDepartment[]>): SimDepartment[] {
  const list: SimDepartment[] = [];
  const queue = [openId];
  for (let i = 0; i < queue.length; i++) {
    for (const k of childrenOf.get(queue[i] as string) ?? []) {
      list.push(k);
      queue.push(k.open_department_id);
    }
  }
  return list;
}

/** The face files by face_key; a face a test put straight into tenant.faces is adopted on first ask. */
function faceFiles(tenant: SimTenant): Pick<TenantIndex, 'fileFor' | 'addFile' | 'usedFaceKeys'> {
  const fileByKey = new Map<string, SimFace>();
  const usedFaceKeys = new Set<string>();
  const addFile = (f: SimFace): void => {
    fileByKey.set(f.face_key, f);
    usedFaceKeys.add(f.face_key);
  };
  for (const f of tenant.faces.values()) addFile(f);
  const adopted = (key: string): SimFace | undefined => {
    for (const f of tenant.faces.values()) {
      if (f.face_key === key) {
        addFile(f);
        return f;
      }
    }
    return undefined;
  };
  return { fileFor: (key) => fileByKey.get(key) ?? adopted(key), addFile, usedFaceKeys };
}

export function buildTenantIndex(generated: GeneratedTenant): TenantIndex {
  const { tenant, departmentExtra, groupExtra } = generated;
  const users = indexUsers(tenant.users);
  const departments = indexDepartments(tenant.departments);
  const descendants = new Map<string, SimDepartment[]>();
  return {
    ...users,
    ...departments,
    memberCount: countMembers(tenant.users, departments.deptByOpenId),
    groupsById: new Map(tenant.groups.map((g) => [g.group_id, g])),
    departmentExtra,
    groupExtra,
    descendantsOf(openId) {
      let list = descendants.get(openId);
      if (!list) {
        list = walkDown(openId, departments.childrenOf);
        descendants.set(openId, list);
      }
      return list;
    },
    ...faceFiles(tenant),
    leaderOf: (u) => leaderOf(u, users.membersOf, departments.deptByOpenId),
  };
}

function leaderOf(u: SimUser, membersOf: Map<string, SimUser[]>, deptByOpenId: Map<string, SimDepartment>): SimUser | undefined {
  let cur: string | undefined = u.department_ids[0];
  for (let guard = 0; cur && guard < 16; guard++) {
    const leader = membersOf.get(cur)?.find((m) => !m.status.is_resigned);
    if (leader && leader !== u) return leader;
    cur = deptByOpenId.get(cur)?.parent_department_id;
  }
  return undefined;
}
