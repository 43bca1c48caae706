// Attendance API endpoints: groups, groups/search, groups/:id/list_user, user_settings/query (a GET with a
// JSON body) and files/:face_key/download. The data-range switch and unknown-employee modes live here.
import { isRetiredFaceKey, uploadedFile } from './attendance-write';
import { page, pageFields } from './paging';
import { ApiError, ok, parseJson, type HandlerContext, type Reply, type RouteRequest } from './reply';
import type { SimGroupExtra } from './tenant';
import type { SimUser } from './types';

const MAX_QUERY_IDS = 100;
const MAX_SEARCH_RESULTS = 10;
const RANGE_DENIED_MSG = 'no permission, please check the data permission range of the attendance admin';

type EmployeeType = 'employee_id' | 'employee_no';

function employeeType(q: URLSearchParams): EmployeeType {
  const t = q.get('employee_type');
  if (t !== 'employee_id' && t !== 'employee_no') throw new ApiError(400, 1220001, 'param is invalid: employee_type invalid');
  return t;
}

const employeeIdOut = (u: SimUser, t: EmployeeType): string => (t === 'employee_no' ? u.employee_no : u.user_id);

function refuseOutOfRange(ctx: HandlerContext): void {
  if (ctx.switches.attendanceRangeDenied) throw new ApiError(400, 1220005, RANGE_DENIED_MSG);
}

/** GET groups. */
export function handleGroups(ctx: HandlerContext, req: RouteRequest): Reply {
  const p = page(ctx.tenant.groups, req.query, 'attendance', 'groups');
  return ok({ group_list: p.slice.map((g) => ({ group_id: g.group_id, group_name: g.group_name })), ...pageFields(p) });
}

/** POST groups/search: by name, newest first, at most ten. */
export function handleGroupSearch(ctx: HandlerContext, req: RouteRequest): Reply {
  const parsed = parseJson(req.body) as { group_name?: unknown; exactly_matched?: unknown } | null | undefined;
  if (!parsed || typeof parsed !== 'object' || typeof parsed.group_name !== 'string' || parsed.group_name === '') {
    throw new ApiError(400, 1220001, 'param is invalid: group_name is required');
  }
  const needle = parsed.group_name;
  const exact = parsed.exactly_matched === true;
  const { groupExtra } = ctx.index;
  const hits = ctx.tenant.groups
    .filter((g) => (exact ? g.group_name === needle : g.group_name.toLowerCase().includes(needle.toLowerCase())))
    .sort((a, b) => (groupExtra.get(b.group_id)?.updatedAt ?? 0) - (groupExtra.get(a.group_id)?.updatedAt ?? 0))
    .slice(0, MAX_SEARCH_RESULTS);
  return ok({ group_list: hits.map((g) => ({ group_id: g.group_id, group_name: g.group_name })) });
}

/** GET groups/:group_id/list_user: members (clock type 1), exempt (2) or both (0). */
export function handleListUser(ctx: HandlerContext, req: RouteRequest): Reply {
  const q = req.query;
  const et = employeeType(q);
  if (q.get('dept_type') !== 'open_id') throw new ApiError(400, 1220001, 'param is invalid: dept_type must be open_id');
  const clock = q.get('member_clock_type');
  if (clock === null || !['0', '1', '2'].includes(clock)) throw new ApiError(400, 1220001, 'param is invalid: member_clock_type');
  refuseOutOfRange(ctx);
  const g = ctx.index.groupsById.get(req.params.group_id as string);
  if (!g) throw new ApiError(400, 1220001, 'param is invalid: group not found');
  const exempt = (ctx.index.groupExtra.get(g.group_id) as SimGroupExtra).exemptUserIds;
  const ids = clock === '0' ? g.user_ids : g.user_ids.filter((id) => (clock === '2') === exempt.has(id));
  const p = page(ids, q, 'attendance', `list_user|${g.group_id}|${clock}`);
  return ok({
    users: p.slice.map((id) => {
      const u = ctx.index.usersById.get(id) as SimUser;
      return { user_id: employeeIdOut(u, et), department_ids: [...u.department_ids] };
    }),
    ...pageFields(p),
  });
}

/** The user_ids of a user_settings/query body, or the error Feishu gives for a bad one. */
function queryIds(body: Buffer): string[] {
  const parsed = parseJson(body) as { user_ids?: unknown } | null | undefined;
  if (parsed === undefined) throw new ApiError(400, 1220001, 'param is invalid: request body is empty, user_ids is required');
  if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.user_ids) || !parsed.user_ids.every((x) => typeof x === 'string')) {
    throw new ApiError(400, 1220001, 'param is invalid: user_ids must be a list of strings');
  }
  const ids = parsed.user_ids as string[];
  if (ids.length === 0 || ids.length > MAX_QUERY_IDS) throw new ApiError(400, 1220001, `param is invalid: user_ids must hold 1 to ${MAX_QUERY_IDS} ids`);
  return ids;
}

/** GET user_settings/query with a JSON body { user_ids }: face_key and its update time per employee. */
export function handleUserSettings(ctx: HandlerContext, req: RouteRequest): Reply {
  const { switches, index } = ctx;
  if (req.method === 'POST' && !switches.acceptPostForQuery) {
    throw new ApiError(405, 1220001, 'param is invalid: user_settings/query is a GET request with a JSON body');
  }
  const et = employeeType(req.query);
  const ids = queryIds(req.body);
  refuseOutOfRange(ctx);
  const known = (id: string): SimUser | undefined => {
    const u = et === 'employee_no' ? index.usersByEmployeeNo.get(id) : index.usersById.get(id);
    return u && !switches.outOfRangeUserIds.has(u.user_id) ? u : undefined;
  };
  if (switches.unknownUserMode === 'error') {
    const unknown = ids.find((id) => !known(id));
    if (unknown !== undefined) throw new ApiError(400, 1220004, `user does not exist or is not in the permission range: ${unknown}`);
  }
  const settings: Record<string, string>[] = [];
  for (const id of new Set(ids)) {
    const u = known(id);
    if (!u) continue; // unknown or out-of-range employees are left out
    const face = ctx.tenant.faces.get(u.user_id);
    if (face) settings.push({ user_id: employeeIdOut(u, et), face_key: face.face_key, face_key_update_time: face.face_key_update_time });
    else if (switches.noFaceMode === 'empty') settings.push({ user_id: employeeIdOut(u, et), face_key: '', face_key_update_time: '' });
  }
  return ok({ user_settings: settings });
}

/** GET files/:file_id/download: the photo behind a face_key or an uploaded file_id (see keepOldFaceKeyAfterModify). */
export function handleDownload(ctx: HandlerContext, req: RouteRequest): Reply {
  const key = req.params.file_id as string;
  refuseOutOfRange(ctx);
  if (isRetiredFaceKey(ctx, key)) throw new ApiError(400, 1220001, 'param is invalid: file not found');
  const uploaded = uploadedFile(ctx, key);
  if (uploaded) return { status: 200, body: uploaded.bytes, contentType: uploaded.mime, fileKey: key, headers: { 'content-disposition': `attachment; filename="${key}.${uploaded.mime === 'image/png' ? 'png' : 'jpg'}"` } };
  const file = ctx.index.fileFor(key);
  if (!file) throw new ApiError(400, 1220001, 'param is invalid: file not found');
  if (ctx.switches.failingFaceKeys.has(key)) throw new ApiError(500, 1225000, 'system error');
  const ext = file.mime === 'image/png' ? 'png' : 'jpg';
  return {
    status: 200,
    bodyParts: ctx.photos.parts(key, file.mime),
    contentType: file.mime,
    fileKey: key,
    headers: { 'content-disposition': `attachment; filename="${key}.${ext}"` },
  };
}
