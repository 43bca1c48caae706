// Directory endpoint employees/filter (docs/feishu-api.md §3.3c): every employee of the tenant, 100 a page,
// in the directory API's own shape (base_info / work_info, only the required_fields asked for). Whether a tenant
// may call it (edition, scope) and whether a list without conditions holds the resigned are unconfirmed [U]:
// switches pick the answer, unavailable by default so a tenant without the endpoint is what tests see first.
import { FIELD_SCOPES } from './contact';
import { decodePageToken, encodePageToken } from './paging';
import { ApiError, ok, paramError, parseJson, type HandlerContext, type Reply, type RouteRequest } from './reply';
import type { SimUser } from './types';

/** [U] The scope the simulator names when the endpoint is not available to the app (edition or scope). */
export const SCOPE_DIRECTORY_EMPLOYEES = 'directory:employee:read';
/** The largest page the directory API allows (the contact lists: 50). */
export const FILTER_MAX_PAGE = 100;
const FILTER_DEFAULT_PAGE = 20;

/** The required_fields the simulator knows how to fill; anything else is refused like an unknown field. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'base_info.name',
  'base_info.mobile',
  'base_info.email',
  'base_info.enterprise_email',
  'base_info.departments',
  'base_info.is_resigned',
  'base_info.leader_id',
  'work_info.job_number',
  'work_info.job_title',
  'work_info.staff_status',
]);

interface FilterBody {
  fields: Set<string>;
  pageSize: number;
  pageToken: string | undefined;
}

function readBody(req: RouteRequest): FilterBody {
  const body = parseJson(req.body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw paramError('contact', 'body');
  const b = body as { filter?: { conditions?: unknown }; required_fields?: unknown; page_request?: { page_size?: unknown; page_token?: unknown } };
  const conditions = b.filter?.conditions ?? [];
  // Only the list without conditions (everyone) is simulated; a condition would be silently ignored otherwise.
  if (!Array.isArray(conditions) || conditions.length > 0) throw paramError('contact', 'filter.conditions (the simulator lists everyone only)');
  const fields = b.required_fields ?? [];
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string' && KNOWN_FIELDS.has(f))) throw paramError('contact', 'required_fields');
  const size = b.page_request?.page_size ?? FILTER_DEFAULT_PAGE;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > FILTER_MAX_PAGE)
    throw paramError('contact', `page_request.page_size must be between 1 and ${FILTER_MAX_PAGE}`);
  const token = b.page_request?.page_token;
  if (token !== undefined && typeof token !== 'string') throw paramError('contact', 'page_request.page_token');
  return { fields: new Set(fields as string[]), pageSize: size, pageToken: token || undefined };
}

const text = (value: string, en?: string) => ({ default_value: value, ...(en ? { i18n_value: { en_us: en } } : {}) });

/** One employee as the directory API shows it: the id always, every other field only when asked and visible. */
function employeeOut(ctx: HandlerContext, u: SimUser, fields: Set<string>, idType: string, deptType: string): Record<string, unknown> {
  const hidden = (scope: string) => ctx.switches.missingScopes.includes(scope);
  const base: Record<string, unknown> = {};
  const work: Record<string, unknown> = {};
  const id = idType === 'employee_id' ? (hidden(FIELD_SCOPES.user_id) ? undefined : u.user_id) : idType === 'union_id' ? u.union_id : u.open_id;
  if (id !== undefined) base.employee_id = id;
  if (fields.has('base_info.name')) base.name = { name: text(u.name, u.en_name) };
  if (fields.has('base_info.mobile') && !hidden(FIELD_SCOPES.mobile)) base.mobile = u.mobile;
  if (fields.has('base_info.email') && !hidden(FIELD_SCOPES.email)) base.email = u.email;
  if (fields.has('base_info.departments'))
    base.departments = u.department_ids.map((d) => ({
      department_id: deptType === 'department_id' ? (ctx.index.deptByOpenId.get(d)?.department_id ?? d) : d,
    }));
  if (fields.has('base_info.is_resigned')) base.is_resigned = u.status.is_resigned;
  // The direct manager, the same person users/find_by_department gives as leader_user_id.
  if (fields.has('base_info.leader_id')) {
    const leader = ctx.index.leaderOf(u);
    const leaderId = leader && (idType === 'employee_id' ? (hidden(FIELD_SCOPES.user_id) ? undefined : leader.user_id) : idType === 'union_id' ? leader.union_id : leader.open_id);
    if (leaderId !== undefined) base.leader_id = leaderId;
  }
  if (fields.has('work_info.job_number') && !hidden(FIELD_SCOPES.employee_no)) work.job_number = u.employee_no;
  if (fields.has('work_info.job_title')) work.job_title = { job_title_id: `jt-${u.job_title.length}`, job_title_name: text(u.job_title) };
  // [U] 1 = on the job, 2 = resigned.
  if (fields.has('work_info.staff_status')) work.staff_status = u.status.is_resigned ? 2 : 1;
  return { base_info: base, ...(Object.keys(work).length ? { work_info: work } : {}) };
}

/** POST directory/v1/employees/filter?employee_id_type=…&department_id_type=…, body {filter, required_fields, page_request}. */
export function handleEmployeesFilter(ctx: HandlerContext, req: RouteRequest): Reply {
  if (ctx.switches.employeesFilter === 'unavailable')
    throw new ApiError(400, 99991672, `Access denied. One of the following scopes is required: [${SCOPE_DIRECTORY_EMPLOYEES}].`, {
      permission_violations: [{ type: 'action_privilege_required', subject: SCOPE_DIRECTORY_EMPLOYEES, description: SCOPE_DIRECTORY_EMPLOYEES }],
    });
  const idType = req.query.get('employee_id_type') ?? 'open_id';
  if (idType !== 'open_id' && idType !== 'union_id' && idType !== 'employee_id') throw paramError('contact', 'employee_id_type');
  const deptType = req.query.get('department_id_type') ?? 'open_department_id';
  if (deptType !== 'open_department_id' && deptType !== 'department_id') throw paramError('contact', 'department_id_type');
  // With a tenant token the data range is the app's contact range; the simulator knows only "all" or "none".
  if (ctx.switches.contactRangeDenied) throw new ApiError(403, 40004, 'no dept authority error');
  const { fields, pageSize, pageToken } = readBody(req);
  const everyone = ctx.switches.employeesFilter === 'available_without_resigned' ? ctx.tenant.users.filter((u) => !u.status.is_resigned) : ctx.tenant.users;
  const scope = `employees-filter|${ctx.switches.employeesFilter}`;
  let offset = 0;
  if (pageToken) {
    const o = decodePageToken(scope, pageToken);
    if (o === undefined || o > everyone.length) throw paramError('contact', 'page_request.page_token');
    offset = o;
  }
  const slice = everyone.slice(offset, offset + pageSize);
  const hasMore = offset + pageSize < everyone.length;
  return ok({
    employees: slice.map((u) => employeeOut(ctx, u, fields, idType, deptType)),
    page_response: { has_more: hasMore, ...(hasMore ? { page_token: encodePageToken(scope, offset + pageSize) } : {}) },
  });
}
