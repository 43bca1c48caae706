// Contact endpoint users/batch_get_id: user ids by e-mail or mobile (docs/feishu-api.md §3.10). Each e-mail and
// each mobile is answered on its own; one without a match comes back without user_id, as Feishu does.
import { FIELD_SCOPES } from './contact';
import { ApiError, ok, paramError, parseJson, type HandlerContext, type Reply, type RouteRequest } from './reply';
import type { SimUser } from './types';

/** The API scope batch_get_id needs on top of the contact base scope. */
export const SCOPE_USER_ID_LOOKUP = 'contact:user.id:readonly';
/** Feishu's limit per list and call. */
export const BATCH_GET_ID_MAX = 50;

/** "+8613800138000", "8613800138000" and "13800138000" are one mainland number; other countries keep their "+code". */
function mobileKey(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  if (mobile.trim().startsWith('+')) return digits.startsWith('86') ? digits.slice(2) : `+${digits}`;
  return digits;
}

function stringList(body: Record<string, unknown>, field: 'emails' | 'mobiles'): string[] {
  const v = body[field];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw paramError('contact', field);
  if (v.length > BATCH_GET_ID_MAX) throw paramError('contact', `${field} must have at most ${BATCH_GET_ID_MAX} items`);
  return v as string[];
}

function indexes(users: readonly SimUser[]): { byEmail: Map<string, SimUser>; byMobile: Map<string, SimUser> } {
  const byEmail = new Map<string, SimUser>();
  const byMobile = new Map<string, SimUser>();
  for (const u of users) {
    if (u.email) byEmail.set(u.email.toLowerCase(), u);
    if (u.mobile) byMobile.set(mobileKey(u.mobile), u);
  }
  return { byEmail, byMobile };
}

let cached: { users: readonly SimUser[]; maps: ReturnType<typeof indexes> } | undefined;
const mapsOf = (users: readonly SimUser[]) => (cached?.users === users ? cached.maps : (cached = { users, maps: indexes(users) }).maps);

/** POST users/batch_get_id?user_id_type=…, body {emails?, mobiles?, include_resigned?}. */
export function handleBatchGetId(ctx: HandlerContext, req: RouteRequest): Reply {
  if (ctx.switches.missingScopes.includes(SCOPE_USER_ID_LOOKUP))
    throw new ApiError(400, 99991672, `Access denied. One of the following scopes is required: [${SCOPE_USER_ID_LOOKUP}].`, {
      permission_violations: [{ type: 'action_privilege_required', subject: SCOPE_USER_ID_LOOKUP, description: SCOPE_USER_ID_LOOKUP }],
    });
  const type = req.query.get('user_id_type') ?? 'open_id';
  if (type !== 'open_id' && type !== 'union_id' && type !== 'user_id') throw paramError('contact', 'user_id_type');
  const body = parseJson(req.body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw paramError('contact', 'body');
  const b = body as Record<string, unknown>;
  const emails = stringList(b, 'emails');
  const mobiles = stringList(b, 'mobiles');
  if (emails.length === 0 && mobiles.length === 0) throw paramError('contact', 'emails or mobiles is required');
  const includeResigned = b.include_resigned === true;
  const { byEmail, byMobile } = mapsOf(ctx.tenant.users);
  const idOut = (u: SimUser | undefined): Record<string, unknown> => {
    // A resigned employee is no match unless asked for; without the employee_id field scope, no user_id comes back.
    if (!u || (u.status.is_resigned && !includeResigned)) return {};
    if (type === 'user_id' && ctx.switches.missingScopes.includes(FIELD_SCOPES.user_id)) return {};
    return { user_id: type === 'user_id' ? u.user_id : type === 'union_id' ? u.union_id : u.open_id, status: { ...u.status } };
  };
  const user_list = [
    ...emails.map((email) => ({ ...idOut(byEmail.get(email.trim().toLowerCase())), email })),
    ...mobiles.map((mobile) => ({ ...idOut(byMobile.get(mobileKey(mobile))), mobile })),
  ];
  return ok({ user_list });
}
