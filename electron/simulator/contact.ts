// Contact API endpoints: departments/:id/children, users/find_by_department, users/:id. Field scopes
// decide which fields an employee record carries; the id types decide which ids are shown.
import { hashString } from './rng';
import { page, pageFields } from './paging';
import { ApiError, ok, paramError, type HandlerContext, type Reply, type RouteRequest } from './reply';
import type { SimDepartmentExtra } from './tenant';
import type { TenantIndex } from './tenant-index';
import type { SimDepartment, SimUser } from './types';

/** Field scopes: without them the contact API silently leaves the field out. */
export const FIELD_SCOPES = {
  user_id: 'contact:user.employee_id:readonly',
  employee_no: 'contact:user.employee_number:read',
  email: 'contact:user.email:readonly',
  mobile: 'contact:user.phone:readonly',
} as const;

type UserIdType = 'open_id' | 'union_id' | 'user_id';
type DepartmentIdType = 'open_department_id' | 'department_id';

function userIdType(q: URLSearchParams): UserIdType {
  const t = q.get('user_id_type') ?? 'open_id';
  if (t !== 'open_id' && t !== 'union_id' && t !== 'user_id') throw paramError('contact', 'user_id_type');
  return t;
}

function departmentIdType(q: URLSearchParams): DepartmentIdType {
  const t = q.get('department_id_type') ?? 'open_department_id';
  if (t !== 'open_department_id' && t !== 'department_id') throw paramError('contact', 'department_id_type');
  return t;
}

const findDepartment = (index: TenantIndex, id: string, type: DepartmentIdType): SimDepartment | undefined =>
  type === 'department_id' ? index.deptByCustomId.get(id) : index.deptByOpenId.get(id);
const deptIdOut = (index: TenantIndex, openId: string, type: DepartmentIdType): string =>
  openId === '0' ? '0' : type === 'department_id' ? (index.deptByOpenId.get(openId)?.department_id ?? openId) : openId;
const userIdOut = (u: SimUser, type: UserIdType): string => (type === 'user_id' ? u.user_id : type === 'union_id' ? u.union_id : u.open_id);
const missing = (ctx: HandlerContext, scope: string): boolean => ctx.switches.missingScopes.includes(scope);

function departmentOut(ctx: HandlerContext, d: SimDepartment, q: URLSearchParams): Record<string, unknown> {
  const { index } = ctx;
  const dt = departmentIdType(q);
  const ut = userIdType(q);
  const extra = index.departmentExtra.get(d.open_department_id) as SimDepartmentExtra;
  const leader = index.membersOf.get(d.open_department_id)?.find((u) => !u.status.is_resigned);
  const out: Record<string, unknown> = {
    name: d.name,
    i18n_name: { zh_cn: d.name, en_us: extra.enName, ja_jp: '' },
    parent_department_id: deptIdOut(index, d.parent_department_id, dt),
    department_id: d.department_id,
    open_department_id: d.open_department_id,
    member_count: index.memberCount.get(d.open_department_id) ?? 0,
    order: String(extra.order),
    status: { is_deleted: false },
  };
  if (leader && (ut !== 'user_id' || !missing(ctx, FIELD_SCOPES.user_id))) out.leader_user_id = userIdOut(leader, ut);
  return out;
}

function userOut(ctx: HandlerContext, u: SimUser, q: URLSearchParams): Record<string, unknown> {
  const dt = departmentIdType(q);
  const ut = userIdType(q);
  const leader = ctx.index.leaderOf(u);
  const out: Record<string, unknown> = {
    union_id: u.union_id,
    open_id: u.open_id,
    name: u.name,
    en_name: u.en_name,
    nickname: '',
    avatar: {
      avatar_72: `https://example.invalid/avatar/${u.open_id}~72x72.png`,
      avatar_240: `https://example.invalid/avatar/${u.open_id}~240x240.png`,
      avatar_640: `https://example.invalid/avatar/${u.open_id}~640x640.png`,
      avatar_origin: `https://example.invalid/avatar/${u.open_id}~noop.png`,
    },
    status: { ...u.status },
    department_ids: u.department_ids.map((d) => deptIdOut(ctx.index, d, dt)),
    job_title: u.job_title,
    employee_type: 1,
    join_time: 1_600_000_000 + (hashString(u.user_id) % 150_000_000),
    is_tenant_manager: false,
  };
  if (!missing(ctx, FIELD_SCOPES.user_id)) out.user_id = u.user_id;
  // Like the department's leader: a user_id is only shown with its field scope.
  if (leader && (ut !== 'user_id' || !missing(ctx, FIELD_SCOPES.user_id))) out.leader_user_id = userIdOut(leader, ut);
  if (!missing(ctx, FIELD_SCOPES.employee_no)) out.employee_no = u.employee_no;
  if (!missing(ctx, FIELD_SCOPES.email)) out.email = u.email;
  if (!missing(ctx, FIELD_SCOPES.mobile)) out.mobile = u.mobile;
  return out;
}

/** GET departments/:department_id/children, with fetch_child=true for the whole subtree. */
export function handleChildren(ctx: HandlerContext, req: RouteRequest): Reply {
  const q = req.query;
  const dt = departmentIdType(q);
  userIdType(q);
  const id = req.params.department_id as string;
  if (id.length > 64) throw paramError('contact', 'department_id');
  let parentOpenId: string;
  const fetchChild = q.get('fetch_child') === 'true';
  if (id === '0') {
    if (ctx.switches.contactRangeDenied) throw new ApiError(403, 40004, 'no dept authority error');
    if (fetchChild && ctx.switches.bigDeptForbidRecursion) throw new ApiError(400, 43010, 'big dept forbid recursion');
    parentOpenId = '0';
  } else {
    const d = findDepartment(ctx.index, id, dt);
    if (!d) throw new ApiError(403, 40014, 'no parent dept authority error');
    parentOpenId = d.open_department_id;
  }
  const list = fetchChild ? ctx.index.descendantsOf(parentOpenId) : (ctx.index.childrenOf.get(parentOpenId) ?? []);
  const p = page(list, q, 'contact', `children|${parentOpenId}|${fetchChild}`);
  return ok({ ...pageFields(p), items: p.slice.map((d) => departmentOut(ctx, d, q)) });
}

/** GET users/find_by_department: direct members only; resigned employees are listed with status.is_resigned. */
export function handleFindByDepartment(ctx: HandlerContext, req: RouteRequest): Reply {
  const q = req.query;
  const dt = departmentIdType(q);
  userIdType(q);
  const id = q.get('department_id');
  if (!id) throw paramError('contact', 'department_id is required');
  let openId: string;
  if (id === '0') {
    if (ctx.switches.contactRangeDenied) throw new ApiError(403, 40004, 'no dept authority error');
    openId = '0';
  } else {
    const d = findDepartment(ctx.index, id, dt);
    if (!d) throw new ApiError(403, 40004, 'no dept authority error');
    openId = d.open_department_id;
  }
  const members = ctx.index.membersOf.get(openId) ?? [];
  const p = page(members, q, 'contact', `members|${openId}`);
  return ok({ ...pageFields(p), items: p.slice.map((u) => userOut(ctx, u, q)) });
}

/** GET users/:user_id. */
export function handleUserGet(ctx: HandlerContext, req: RouteRequest): Reply {
  const t = userIdType(req.query);
  departmentIdType(req.query);
  const id = req.params.user_id as string;
  const { usersById, usersByUnionId, usersByOpenId } = ctx.index;
  const u = t === 'user_id' ? usersById.get(id) : t === 'union_id' ? usersByUnionId.get(id) : usersByOpenId.get(id);
  // Feishu cannot tell "no such employee" from "outside the data range": both answer 41050.
  if (!u) throw new ApiError(400, 41050, 'no user authority error');
  return ok({ user: userOut(ctx, u, req.query) });
}
