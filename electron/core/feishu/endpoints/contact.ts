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
