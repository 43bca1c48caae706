// Contact endpoints (docs/feishu-api.md §3): the department tree and the people in it, each with the
// zod schema its `data` must fit. Only the fields the directory relies on are required.
import { z } from 'zod';
import { appError, isAppFailure } from '../../../../shared/errors';
import { BIG_DEPT_CODE } from '../errors';
import { opt } from '../schemas';
import type { FeishuTransport } from '../transport';
import type { RawDepartment, RawUser, RawUserId } from '../types';
import { paginate } from './paging';

const seg = (s: string) => encodeURIComponent(s);

export const DepartmentSchema: z.ZodType<RawDepartment> = z.looseObject({
  name: z.string(),
  department_id: opt(z.string()),
  open_department_id: z.string(),
  parent_department_id: opt(z.string()),
  member_count: opt(z.number()),
  status: opt(z.looseObject({ is_deleted: opt(z.boolean()) })),
});

const UserStatusSchema = z.looseObject({
  is_frozen: opt(z.boolean()),
  is_resigned: opt(z.boolean()),
  is_activated: opt(z.boolean()),
  is_exited: opt(z.boolean()),
  is_unjoin: opt(z.boolean()),
});

/** Every field optional: which ones come depends on the scopes granted (user_id needs employee_id:readonly). */
export const UserSchema: z.ZodType<RawUser> = z.looseObject({
  user_id: opt(z.string()),
  open_id: opt(z.string()),
  name: opt(z.string()),
  en_name: opt(z.string()),
  employee_no: opt(z.string()),
  email: opt(z.string()),
  mobile: opt(z.string()),
  enterprise_email: opt(z.string()),
  job_title: opt(z.string()),
  department_ids: opt(z.array(z.string())),
  leader_user_id: opt(z.string()),
  status: opt(UserStatusSchema),
});

const UserAnswerSchema = z.looseObject({ user: opt(UserSchema) });

/** One level (fetch_child=false) or the whole subtree (true) below a department; every page. */
export function departmentChildren(t: FeishuTransport, departmentId: string, fetchChild: boolean, signal?: AbortSignal): Promise<RawDepartment[]> {
  return paginate(
    t,
    {
      key: 'departments.children',
      method: 'GET',
      path: `/open-apis/contact/v3/departments/${seg(departmentId)}/children`,
      query: { fetch_child: fetchChild, department_id_type: 'open_department_id', user_id_type: 'user_id' },
    },
    'items',
    DepartmentSchema,
    signal,
  );
}

/** Every level below departmentId, one level at a time with fetch_child=false (each level concurrently). */
async function walkLevels(t: FeishuTransport, departmentId: string, signal?: AbortSignal): Promise<RawDepartment[]> {
  const out: RawDepartment[] = [];
  const seen = new Set<string>([departmentId]);
  let level = [departmentId];
  while (level.length) {
    const found = await Promise.all(level.map((id) => departmentChildren(t, id, false, signal)));
    const next: string[] = [];
    for (const d of found.flat()) {
      const id = d.open_department_id;
      // A department seen twice (or a loop) is listed once and not walked again.
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(d);
      next.push(id);
    }
    level = next;
  }
  return out;
}

/** The subtree; a tree too large for fetch_child=true (43010) is walked level by level instead. */
export async function departmentTree(t: FeishuTransport, departmentId: string, fetchChild: boolean, signal?: AbortSignal): Promise<RawDepartment[]> {
  try {
    return await departmentChildren(t, departmentId, fetchChild, signal);
  } catch (e) {
    if (!fetchChild || !isAppFailure(e) || e.info.feishuCode !== BIG_DEPT_CODE) throw e;
    t.log('info', 'feishu department tree too big for fetch_child; walking it level by level', { endpoint: 'departments.children' });
    return walkLevels(t, departmentId, signal);
  }
}

/** Users directly under a department; every page. */
export function usersByDepartment(t: FeishuTransport, departmentId: string, signal?: AbortSignal): Promise<RawUser[]> {
  return paginate(
    t,
    {
      key: 'users.find_by_department',
      method: 'GET',
      path: '/open-apis/contact/v3/users/find_by_department',
      query: { department_id: departmentId, user_id_type: 'user_id', department_id_type: 'open_department_id' },
    },
    'items',
    UserSchema,
    signal,
  );
}

/** One user by user_id (or open_id); an answer without one is feishu.not_found. */
export async function user(t: FeishuTransport, userId: string, signal?: AbortSignal, idType: 'user_id' | 'open_id' = 'user_id'): Promise<RawUser> {
  const data = await t.call(
    {
      key: 'users.get',
      method: 'GET',
      path: `/open-apis/contact/v3/users/${seg(userId)}`,
      query: { user_id_type: idType, department_id_type: 'open_department_id' },
    },
    UserAnswerSchema,
    signal,
  );
  if (!data.user) throw appError('feishu.not_found', 'No such employee');
  return data.user;
}

/** Feishu's limit per list and call of users/batch_get_id. */
export const BATCH_GET_ID_MAX = 50;

const UserIdSchema: z.ZodType<RawUserId> = z.looseObject({
  user_id: opt(z.string()),
  email: opt(z.string()),
  mobile: opt(z.string()),
  status: opt(z.looseObject({ is_resigned: opt(z.boolean()) })),
});
const UserIdAnswerSchema = z.looseObject({ user_list: opt(z.array(UserIdSchema)) });

const chunks = (list: readonly string[]): string[][] =>
  Array.from({ length: Math.ceil(list.length / BATCH_GET_ID_MAX) }, (_, i) => list.slice(i * BATCH_GET_ID_MAX, (i + 1) * BATCH_GET_ID_MAX));

/** user_ids by e-mail and mobile, ≤ 50 of each per call (the calls run one after another under the contact quota). */
export async function batchGetId(
  t: FeishuTransport,
  query: { emails?: string[]; mobiles?: string[]; includeResigned?: boolean },
  signal?: AbortSignal,
): Promise<RawUserId[]> {
  const emails = chunks(query.emails ?? []);
  const mobiles = chunks(query.mobiles ?? []);
  const out: RawUserId[] = [];
  for (let i = 0; i < Math.max(emails.length, mobiles.length); i++) {
    const body: Record<string, unknown> = { include_resigned: query.includeResigned ?? false };
    if (emails[i]) body.emails = emails[i];
    if (mobiles[i]) body.mobiles = mobiles[i];
    const data = await t.call(
      { key: 'users.batch_get_id', method: 'POST', path: '/open-apis/contact/v3/users/batch_get_id', query: { user_id_type: 'user_id' }, body },
      UserIdAnswerSchema,
      signal,
    );
    out.push(...(data.user_list ?? []));
  }
  return out;
}

/** The directory API's largest page (docs/feishu-api.md §3.3c); the contact lists stop at 50. */
export const EMPLOYEES_FILTER_PAGE = 100;
/** A list longer than this is a server loop (100 × 20 000 = two million employees). */
const EMPLOYEES_FILTER_MAX_PAGES = 20_000;
/** The fields a directory row needs to become a contact user; a field not asked for is not sent. */
const EMPLOYEES_FILTER_FIELDS = [
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
];

const I18nTextSchema = z.looseObject({ default_value: opt(z.string()), i18n_value: opt(z.record(z.string(), z.string())) });
const DirectoryEmployeeSchema = z.looseObject({
  base_info: opt(
    z.looseObject({
      employee_id: opt(z.string()),
      name: opt(z.looseObject({ name: opt(I18nTextSchema) })),
      mobile: opt(z.string()),
      email: opt(z.string()),
      enterprise_email: opt(z.string()),
      departments: opt(z.array(z.looseObject({ department_id: z.string() }))),
      is_resigned: opt(z.boolean()),
      leader_id: opt(z.string()),
    }),
  ),
  work_info: opt(
    z.looseObject({
      job_number: opt(z.string()),
      job_title: opt(z.looseObject({ job_title_name: opt(I18nTextSchema) })),
      staff_status: opt(z.number()),
    }),
  ),
});
type DirectoryEmployee = z.infer<typeof DirectoryEmployeeSchema>;

const EmployeesFilterAnswerSchema = z.looseObject({
  employees: opt(z.array(DirectoryEmployeeSchema)),
  page_response: opt(z.looseObject({ has_more: opt(z.boolean()), page_token: opt(z.string()) })),
  abnormals: opt(z.array(z.unknown())),
});

/** A directory row as the contact user the rest of the engine reads (field names of users/find_by_department). */
function userFromDirectory(e: DirectoryEmployee): RawUser {
  const b: Partial<NonNullable<DirectoryEmployee['base_info']>> = e.base_info ?? {};
  const w: Partial<NonNullable<DirectoryEmployee['work_info']>> = e.work_info ?? {};
  const u: RawUser = {};
  if (b.employee_id !== undefined) u.user_id = b.employee_id;
  if (b.name?.name?.default_value !== undefined) u.name = b.name.name.default_value;
  const en = b.name?.name?.i18n_value?.en_us;
  if (en !== undefined) u.en_name = en;
  if (w.job_number !== undefined) u.employee_no = w.job_number;
  if (b.email !== undefined) u.email = b.email;
  if (b.enterprise_email !== undefined) u.enterprise_email = b.enterprise_email;
  if (b.mobile !== undefined) u.mobile = b.mobile;
  if (w.job_title?.job_title_name?.default_value !== undefined) u.job_title = w.job_title.job_title_name.default_value;
  if (b.leader_id !== undefined) u.leader_user_id = b.leader_id;
  if (b.departments !== undefined) u.department_ids = b.departments.map((d) => d.department_id);
  // [U] staff_status 2 = resigned; is_resigned, when sent, decides.
  const resigned = b.is_resigned ?? (w.staff_status === undefined ? undefined : w.staff_status === 2);
  if (resigned !== undefined) u.status = { is_resigned: resigned };
  return u;
}

/**
 * Every employee through directory/v1/employees/filter with no condition, 100 a page, page tokens followed to
 * the end (they go in the body). A page that reports row errors (`abnormals`) fails the whole list: a directory
 * missing people must not pass for a complete one.
 */
export async function employeesFilter(t: FeishuTransport, signal?: AbortSignal, onPage?: (users: RawUser[]) => void): Promise<RawUser[]> {
  const out: RawUser[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (let page = 0; page < EMPLOYEES_FILTER_MAX_PAGES; page++) {
    const data = await t.call(
      {
        key: 'directory.employees_filter',
        method: 'POST',
        path: '/open-apis/directory/v1/employees/filter',
        query: { employee_id_type: 'employee_id', department_id_type: 'open_department_id' },
        body: {
          filter: { conditions: [] },
          required_fields: EMPLOYEES_FILTER_FIELDS,
          page_request: { page_size: EMPLOYEES_FILTER_PAGE, ...(pageToken ? { page_token: pageToken } : {}) },
        },
      },
      EmployeesFilterAnswerSchema,
      signal,
    );
    if (data.abnormals?.length) throw appError('feishu.bad_response', `Feishu could not read ${data.abnormals.length} employee(s) (directory.employees_filter)`);
    const users = (data.employees ?? []).map(userFromDirectory);
    out.push(...users);
    onPage?.(users);
    if (!data.page_response?.has_more) return out;
    const next = data.page_response.page_token;
    if (typeof next !== 'string' || next === '' || seen.has(next)) {
      throw appError('feishu.bad_response', 'Feishu repeated or omitted the page token (directory.employees_filter)');
    }
    seen.add(next);
    pageToken = next;
  }
  throw appError('feishu.bad_response', 'Too many pages (directory.employees_filter)');
}
