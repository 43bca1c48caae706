// A fake Feishu tenant served over real HTTP on 127.0.0.1, faithful to docs/feishu-api.md:
// envelopes, page-size limits, error codes and HTTP statuses, token reuse/renewal, GET-with-body,
// per-endpoint rate limits, latency, faults and connection resets. Switches can be flipped at run time.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRng, hashString, mix32 } from './rng';
import { PhotoStore } from './photos';
import { generateCompany } from './company';
import { generateTenant, newFaceKey, type SimDepartmentExtra, type SimGroupExtra } from './tenant';
import type { SimDepartment, SimFace, SimStats, SimUser, Simulator, SimulatorOptions, SimulatorSwitches } from './types';

export { HOSTILE_EMPLOYEES, HOSTILE_USER_IDS, HOSTILE_MIN_EMPLOYEES, HOSTILE_DEPARTMENTS, HOSTILE_GROUPS, TWIN_DEPARTMENTS } from './tenant';
export type * from './types';

export const SCOPE_ATTENDANCE = 'attendance:rule:readonly';
export const SCOPE_CONTACT = 'contact:contact.base:readonly';
/** Field scopes: without them the contact API silently leaves the field out. */
export const FIELD_SCOPES = {
  user_id: 'contact:user.employee_id:readonly',
  employee_no: 'contact:user.employee_number:read',
  email: 'contact:user.email:readonly',
  mobile: 'contact:user.phone:readonly',
} as const;

/** Endpoint keys used by stats() (and by the client's own stats). */
export const ENDPOINT_KEYS = [
  'token',
  'departments.children',
  'users.find_by_department',
  'users.get',
  'groups.list',
  'groups.search',
  'groups.list_user',
  'user_settings.query',
  'files.download',
] as const;
type EndpointKey = (typeof ENDPOINT_KEYS)[number];

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const RENEW_BELOW_MS = 30 * 60 * 1000;
const MAX_PAGE = 50;
const MAX_QUERY_IDS = 100;
const MAX_SEARCH_RESULTS = 10;
const RANGE_DENIED_MSG = 'no permission, please check the data permission range of the attendance admin';

interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

interface Route {
  key: EndpointKey;
  method: 'GET' | 'POST';
  kind: 'token' | 'contact' | 'attendance';
  params: Record<string, string>;
}

function matchRoute(method: string, pathname: string): Route | 'method' | undefined {
  const at = (key: EndpointKey, m: 'GET' | 'POST', kind: Route['kind'], params: Record<string, string> = {}): Route | 'method' =>
    method === m ? { key, method: m, kind, params } : 'method';
  if (pathname === TOKEN_PATH) return at('token', 'POST', 'token');
  let m = /^\/open-apis\/contact\/v3\/departments\/([^/]+)\/children$/.exec(pathname);
  if (m) return at('departments.children', 'GET', 'contact', { department_id: decodeURIComponent(m[1] as string) });
  if (pathname === '/open-apis/contact/v3/users/find_by_department') return at('users.find_by_department', 'GET', 'contact');
  m = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(pathname);
  if (m) return at('users.get', 'GET', 'contact', { user_id: decodeURIComponent(m[1] as string) });
  if (pathname === '/open-apis/attendance/v1/groups') return at('groups.list', 'GET', 'attendance');
  if (pathname === '/open-apis/attendance/v1/groups/search') return at('groups.search', 'POST', 'attendance');
  m = /^\/open-apis\/attendance\/v1\/groups\/([^/]+)\/list_user$/.exec(pathname);
  if (m) return at('groups.list_user', 'GET', 'attendance', { group_id: decodeURIComponent(m[1] as string) });
  if (pathname === '/open-apis/attendance/v1/user_settings/query') {
    // GET with a JSON body is the documented call; POST is routed so the handler can refuse or accept it.
    if (method === 'GET' || method === 'POST') return { key: 'user_settings.query', method, kind: 'attendance', params: {} };
    return 'method';
  }
  m = /^\/open-apis\/attendance\/v1\/files\/([^/]+)\/download$/.exec(pathname);
  if (m) return at('files.download', 'GET', 'attendance', { file_id: decodeURIComponent(m[1] as string) });
  return undefined;
}

/** An answer, before latency is applied. */
interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  /** Body sent as consecutive pieces (photos: portrait slices around the face_key tag). */
  bodyParts?: Buffer[];
  contentType?: string;
  reset?: boolean;
  /** Never answered (hangRate). */
  hang?: boolean;
  /** Download cut short after half the body (truncateRate). */
  truncate?: boolean;
}

class ApiError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

function emptyStats(): SimStats {
  const zero = (): Record<string, number> => Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, 0]));
  return { requests: zero(), rateLimited: zero(), faults: 0, resets: 0, truncations: 0, corruptions: 0, hangs: 0, tokensIssued: 0 };
}

/** Request times within a sliding window (one per endpoint and window length). */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;
  constructor(private readonly windowMs: number) {}
  /** Drops requests older than the window; returns how many remain. */
  count(now: number): number {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  /** Whole seconds until the oldest request leaves the window (at least 1). */
  resetSeconds(now: number): number {
    const oldest = this.times[this.head] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
  add(now: number): void {
    this.times.push(now);
  }
}

const CONTACT_KEYS: ReadonlySet<EndpointKey> = new Set(['departments.children', 'users.find_by_department', 'users.get']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Opaque page tokens that only fit the listing they came from. */
function encodePageToken(scope: string, offset: number): string {
  const check = hashString(`${scope}|${offset}`).toString(36);
  return Buffer.from(`${offset}.${check}`, 'latin1').toString('base64url');
}

function decodePageToken(scope: string, token: string): number | undefined {
  const text = Buffer.from(token, 'base64url').toString('latin1');
  const m = /^(\d{1,9})\.([0-9a-z]+)$/.exec(text);
  if (!m) return undefined;
  const offset = Number(m[1]);
  return hashString(`${scope}|${offset}`).toString(36) === m[2] ? offset : undefined;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 1;
  const employees = opts.employees ?? 240;
  const generated = (opts.company ? generateCompany : generateTenant)({
    seed,
    employees,
    departments: opts.departments ?? Math.max(6, Math.round(employees / 15)),
    groups: opts.groups ?? 5,
    enrolledShare: opts.enrolledShare ?? 0.9,
    hostile: opts.hostile ?? false,
    twinDepartments: opts.twinDepartments ?? false,
  });
  const { tenant, departmentExtra, groupExtra } = generated;
  const appId = opts.appId ?? 'cli_demo_app';
  const appSecret = opts.appSecret ?? 'demo-secret';
  const tokenTtlMs = (opts.tokenTtlSeconds ?? 7200) * 1000;
  const now = opts.now ?? Date.now;

  const switches: SimulatorSwitches = {
    badSecret: false,
    appNotInstalled: false,
    ipDenied: false,
    missingScopes: [],
    attendanceRangeDenied: false,
    contactRangeDenied: false,
    noFaceMode: 'omit',
    acceptPostForQuery: false,
    tokenInvalidHttp200: false,
    latencyMs: opts.latencyMs ?? 0,
    latencyJitterMs: opts.latencyJitterMs ?? 0,
    faultRate: opts.faultRate ?? 0,
    resetRate: opts.resetRate ?? 0,
    rateLimitPerSecond: opts.rateLimitPerSecond ?? 50,
    failingFaceKeys: new Set<string>(),
    contactPerMinute: opts.contactPerMinute ?? 1000,
    truncateRate: opts.truncateRate ?? 0,
    hangRate: opts.hangRate ?? 0,
    corruptRate: opts.corruptRate ?? 0,
    corruptFaceKeys: new Map<string, number>(),
    corruptMode: 'garble',
    attendanceTokenInvalidCode: 99991663,
    unknownUserMode: 'omit',
    outOfRangeUserIds: new Set<string>(),
    bigDeptForbidRecursion: false,
    echoCredentialsOn: new Set<string>(),
    tokenChurnMs: 0,
    refuseAllTokens: false,
  };

  // Indexes, so 20,000 employees are served without scans.
  const usersById = new Map<string, SimUser>();
  const usersByOpenId = new Map<string, SimUser>();
  const usersByUnionId = new Map<string, SimUser>();
  const usersByEmployeeNo = new Map<string, SimUser>();
  const membersOf = new Map<string, SimUser[]>();
  for (const u of tenant.users) {
    usersById.set(u.user_id, u);
    usersByOpenId.set(u.open_id, u);
    usersByUnionId.set(u.union_id, u);
    usersByEmployeeNo.set(u.employee_no, u);
    for (const d of u.department_ids) {
      const list = membersOf.get(d) ?? [];
      list.push(u);
      membersOf.set(d, list);
    }
  }
  const deptByOpenId = new Map<string, SimDepartment>();
  const deptByCustomId = new Map<string, SimDepartment>();
  const childrenOf = new Map<string, SimDepartment[]>();
  for (const d of tenant.departments) {
    deptByOpenId.set(d.open_department_id, d);
    deptByCustomId.set(d.department_id, d);
    const list = childrenOf.get(d.parent_department_id) ?? [];
    list.push(d);
    childrenOf.set(d.parent_department_id, list);
  }
  // Member counts include sub-departments, as Feishu's member_count does.
  const memberCount = new Map<string, number>();
  for (const u of tenant.users) {
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
  const groupsById = new Map(tenant.groups.map((g) => [g.group_id, g]));
  // Every face_key ever issued stays downloadable (Feishu keeps old files), with its format.
  const fileByKey = new Map<string, SimFace>();
  const usedFaceKeys = new Set<string>();
  for (const f of tenant.faces.values()) {
    fileByKey.set(f.face_key, f);
    usedFaceKeys.add(f.face_key);
  }
  const photos = new PhotoStore();
  const changeRng = createRng(seed ^ 0x3c6ef372);
  // Faults, resets, hangs, truncations and jitter are decided per request from the seed, the request itself
  // (method, URL, body) and how often that same request was seen: a run replays the same way whatever
  // order concurrent requests arrive in, and a retry of a failed request gets a fresh draw.
  const attempts = new Map<string, number>();
  const chaosFor = (method: string, url: string, body: Buffer): ((kind: string) => number) => {
    const key = `${method} ${url} ${hashString(body.toString('latin1')).toString(36)}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return (kind) => mix32(hashString(`${seed}|${kind}|${key}|${n}`)) / 4294967296;
  };
  const chaosOf = new WeakMap<IncomingMessage, (kind: string) => number>();
  const tokenRng = createRng(seed ^ 0x7f4a7c15);

  let stats = emptyStats();
  const tokens: IssuedToken[] = [];
  const everIssued: string[] = [];
  const secondWindows = new Map<string, SlidingWindow>();
  const minuteWindows = new Map<string, SlidingWindow>();
  let logSeq = 0;
  const sockets = new Set<Socket>();
  let closed = false;

  // Log ids come from a counter and the seed only (no wall clock), so two runs give the same ids.
  const newLogId = (): string => {
    logSeq++;
    const d = new Date(Date.UTC(2020, 0, 1) + logSeq * 1000);
    const stamp = d.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
    return `${stamp}${(hashString(`${seed}:${logSeq}`) >>> 0).toString(16).toUpperCase().padStart(8, '0')}${logSeq.toString(16).toUpperCase().padStart(6, '0')}`;
  };

  const issueToken = (): IssuedToken => {
    const t: IssuedToken = { token: `t-g${tokenRng.hex(6)}${tokenRng.hex(32).toUpperCase()}`, issuedAt: now(), expiresAt: now() + tokenTtlMs };
    tokens.push(t);
    everIssued.push(t.token);
    stats.tokensIssued++;
    // Keep the list short: expired tokens can never be valid again.
    const t0 = now();
    for (let i = tokens.length - 1; i >= 0; i--) if ((tokens[i] as IssuedToken).expiresAt <= t0 && tokens[i] !== t) tokens.splice(i, 1);
    return t;
  };

  /** Not expired, and (under token churn) issued since the last churn tick; a churned token stays dead. */
  const alive = (t: IssuedToken, t0: number): boolean => {
    const every = switches.tokenChurnMs;
    if (every > 0 && Math.floor(t.issuedAt / every) !== Math.floor(t0 / every)) t.expiresAt = Math.min(t.expiresAt, t0);
    return t.expiresAt > t0;
  };

  const validToken = (value: string): boolean => {
    const t0 = now();
    return !switches.refuseAllTokens && tokens.some((t) => t.token === value && alive(t, t0));
  };

  /** A validation error whose msg echoes the request's credentials, as some gateways and Feishu answers do. */
  const echoError = (req: IncomingMessage, body: Buffer): ApiError =>
    new ApiError(
      400,
      99992402,
      `field validation failed: header Authorization=${req.headers.authorization ?? ''}; app_id=${appId}; app_secret=${appSecret}; body=${body.toString('utf8').slice(0, 300)}`,
    );

  const parseJson = (body: Buffer): unknown => {
    if (body.length === 0) return undefined;
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      return null;
    }
  };

  // ---------------------------------------------------------------------------------------------
  // Parameter helpers

  const paramError = (kind: Route['kind'], what: string): ApiError =>
    kind === 'attendance' ? new ApiError(400, 1220001, `param is invalid: ${what}`) : new ApiError(400, 99992402, `field validation failed: ${what}`);

  const pageSize = (q: URLSearchParams, kind: Route['kind']): number => {
    const raw = q.get('page_size');
    if (raw === null || raw === '') return 10;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
      if (kind === 'contact') throw new ApiError(400, 40011, 'page size is invalid, it must be between 1 and 50');
      throw new ApiError(400, 1220001, 'param is invalid: page_size must be between 1 and 50');
    }
    return n;
  };

  function page<T>(items: readonly T[], q: URLSearchParams, kind: Route['kind'], scope: string): { slice: T[]; hasMore: boolean; next?: string } {
    const size = pageSize(q, kind);
    const token = q.get('page_token');
    let offset = 0;
    if (token) {
      const o = decodePageToken(scope, token);
      if (o === undefined || o > items.length) {
        if (kind === 'contact') throw new ApiError(400, 40012, 'page token is invalid');
        throw new ApiError(400, 1220001, 'param is invalid: page_token');
      }
      offset = o;
    }
    const slice = items.slice(offset, offset + size);
    const hasMore = offset + size < items.length;
    return hasMore ? { slice, hasMore, next: encodePageToken(scope, offset + size) } : { slice, hasMore };
  }

  const userIdType = (q: URLSearchParams): 'open_id' | 'union_id' | 'user_id' => {
    const t = q.get('user_id_type') ?? 'open_id';
    if (t !== 'open_id' && t !== 'union_id' && t !== 'user_id') throw paramError('contact', 'user_id_type');
    return t;
  };
  const departmentIdType = (q: URLSearchParams): 'open_department_id' | 'department_id' => {
    const t = q.get('department_id_type') ?? 'open_department_id';
    if (t !== 'open_department_id' && t !== 'department_id') throw paramError('contact', 'department_id_type');
    return t;
  };
  const findDepartment = (id: string, type: 'open_department_id' | 'department_id'): SimDepartment | undefined =>
    type === 'department_id' ? deptByCustomId.get(id) : deptByOpenId.get(id);
  const deptIdOut = (openId: string, type: 'open_department_id' | 'department_id'): string =>
    openId === '0' ? '0' : type === 'department_id' ? (deptByOpenId.get(openId)?.department_id ?? openId) : openId;
  const userIdOut = (u: SimUser, type: 'open_id' | 'union_id' | 'user_id'): string =>
    type === 'user_id' ? u.user_id : type === 'union_id' ? u.union_id : u.open_id;
  const employeeType = (q: URLSearchParams): 'employee_id' | 'employee_no' => {
    const t = q.get('employee_type');
    if (t !== 'employee_id' && t !== 'employee_no') throw new ApiError(400, 1220001, 'param is invalid: employee_type invalid');
    return t;
  };
  const employeeIdOut = (u: SimUser, t: 'employee_id' | 'employee_no'): string => (t === 'employee_no' ? u.employee_no : u.user_id);
  const missing = (scope: string): boolean => switches.missingScopes.includes(scope);

  const departmentOut = (d: SimDepartment, q: URLSearchParams): Record<string, unknown> => {
    const dt = departmentIdType(q);
    const ut = userIdType(q);
    const extra = departmentExtra.get(d.open_department_id) as SimDepartmentExtra;
    const leader = membersOf.get(d.open_department_id)?.find((u) => !u.status.is_resigned);
    const out: Record<string, unknown> = {
      name: d.name,
      i18n_name: { zh_cn: d.name, en_us: extra.enName, ja_jp: '' },
      parent_department_id: deptIdOut(d.parent_department_id, dt),
      department_id: d.department_id,
      open_department_id: d.open_department_id,
      member_count: memberCount.get(d.open_department_id) ?? 0,
      order: String(extra.order),
      status: { is_deleted: false },
    };
    if (leader && (ut !== 'user_id' || !missing(FIELD_SCOPES.user_id))) out.leader_user_id = userIdOut(leader, ut);
    return out;
  };

  const userOut = (u: SimUser, q: URLSearchParams): Record<string, unknown> => {
    const dt = departmentIdType(q);
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
      department_ids: u.department_ids.map((d) => deptIdOut(d, dt)),
      job_title: u.job_title,
      employee_type: 1,
      join_time: 1_600_000_000 + (hashString(u.user_id) % 150_000_000),
      is_tenant_manager: false,
    };
    if (!missing(FIELD_SCOPES.user_id)) out.user_id = u.user_id;
    if (!missing(FIELD_SCOPES.employee_no)) out.employee_no = u.employee_no;
    if (!missing(FIELD_SCOPES.email)) out.email = u.email;
    if (!missing(FIELD_SCOPES.mobile)) out.mobile = u.mobile;
    return out;
  };

  // ---------------------------------------------------------------------------------------------
  // Handlers

  const ok = (data: unknown): Reply => ({ status: 200, json: { code: 0, msg: 'success', data } });

  const handleToken = (body: Buffer): Reply => {
    const parsed = parseJson(body) as { app_id?: unknown; app_secret?: unknown } | null | undefined;
    if (!parsed || typeof parsed !== 'object' || typeof parsed.app_id !== 'string' || typeof parsed.app_secret !== 'string' || !parsed.app_id) {
      throw new ApiError(400, 10003, 'invalid param');
    }
    if (switches.appNotInstalled) throw new ApiError(400, 99991662, 'app is not installed in this tenant or has been disabled');
    if (switches.badSecret || parsed.app_id !== appId || parsed.app_secret !== appSecret) throw new ApiError(400, 10014, 'app secret invalid');
    const t0 = now();
    let current = tokens.filter((t) => alive(t, t0)).sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (!current || current.expiresAt - t0 < RENEW_BELOW_MS) current = issueToken();
    return { status: 200, json: { code: 0, msg: 'ok', tenant_access_token: current.token, expire: Math.floor((current.expiresAt - t0) / 1000) } };
  };

  const handleChildren = (route: Route, q: URLSearchParams): Reply => {
    const dt = departmentIdType(q);
    userIdType(q);
    const id = route.params.department_id as string;
    if (id.length > 64) throw paramError('contact', 'department_id');
    let parentOpenId: string;
    const fetchChild = q.get('fetch_child') === 'true';
    if (id === '0') {
      if (switches.contactRangeDenied) throw new ApiError(403, 40004, 'no dept authority error');
      if (fetchChild && switches.bigDeptForbidRecursion) throw new ApiError(400, 43010, 'big dept forbid recursion');
      parentOpenId = '0';
    } else {
      const d = findDepartment(id, dt);
      if (!d) throw new ApiError(403, 40014, 'no parent dept authority error');
      parentOpenId = d.open_department_id;
    }
    let list: SimDepartment[];
    if (!fetchChild) list = childrenOf.get(parentOpenId) ?? [];
    else {
      // Breadth-first: parents before their children, as the real listing does.
      list = [];
      const queue = [parentOpenId];
      while (queue.length > 0) {
        const kids = childrenOf.get(queue.shift() as string) ?? [];
        for (const k of kids) {
          list.push(k);
          queue.push(k.open_department_id);
        }
      }
    }
    const p = page(list, q, 'contact', `children|${parentOpenId}|${fetchChild}`);
    return ok({ has_more: p.hasMore, ...(p.next ? { page_token: p.next } : {}), items: p.slice.map((d) => departmentOut(d, q)) });
  };

  const handleFindByDepartment = (q: URLSearchParams): Reply => {
    const dt = departmentIdType(q);
    userIdType(q);
    const id = q.get('department_id');
    if (!id) throw paramError('contact', 'department_id is required');
    let openId: string;
    if (id === '0') {
      if (switches.contactRangeDenied) throw new ApiError(403, 40004, 'no dept authority error');
      openId = '0';
    } else {
      const d = findDepartment(id, dt);
      if (!d) throw new ApiError(403, 40004, 'no dept authority error');
      openId = d.open_department_id;
    }
    // Direct members only; resigned employees are still listed, with status.is_resigned true.
    const members = membersOf.get(openId) ?? [];
    const p = page(members, q, 'contact', `members|${openId}`);
    return ok({ has_more: p.hasMore, ...(p.next ? { page_token: p.next } : {}), items: p.slice.map((u) => userOut(u, q)) });
  };

  const handleUserGet = (route: Route, q: URLSearchParams): Reply => {
    const t = userIdType(q);
    departmentIdType(q);
    const id = route.params.user_id as string;
    const u = t === 'user_id' ? usersById.get(id) : t === 'union_id' ? usersByUnionId.get(id) : usersByOpenId.get(id);
    // Feishu cannot tell "no such employee" from "outside the data range": both answer 41050.
    if (!u) throw new ApiError(400, 41050, 'no user authority error');
    return ok({ user: userOut(u, q) });
  };

  const handleGroups = (q: URLSearchParams): Reply => {
    const p = page(tenant.groups, q, 'attendance', 'groups');
    return ok({
      group_list: p.slice.map((g) => ({ group_id: g.group_id, group_name: g.group_name })),
      has_more: p.hasMore,
      ...(p.next ? { page_token: p.next } : {}),
    });
  };

  const handleGroupSearch = (body: Buffer): Reply => {
    const parsed = parseJson(body) as { group_name?: unknown; exactly_matched?: unknown } | null | undefined;
    if (!parsed || typeof parsed !== 'object' || typeof parsed.group_name !== 'string' || parsed.group_name === '') {
      throw new ApiError(400, 1220001, 'param is invalid: group_name is required');
    }
    const needle = parsed.group_name;
    const exact = parsed.exactly_matched === true;
    const hits = tenant.groups
      .filter((g) => (exact ? g.group_name === needle : g.group_name.toLowerCase().includes(needle.toLowerCase())))
      .sort((a, b) => (groupExtra.get(b.group_id)?.updatedAt ?? 0) - (groupExtra.get(a.group_id)?.updatedAt ?? 0))
      .slice(0, MAX_SEARCH_RESULTS);
    return ok({ group_list: hits.map((g) => ({ group_id: g.group_id, group_name: g.group_name })) });
  };

  const handleListUser = (route: Route, q: URLSearchParams): Reply => {
    const et = employeeType(q);
    if (q.get('dept_type') !== 'open_id') throw new ApiError(400, 1220001, 'param is invalid: dept_type must be open_id');
    const clock = q.get('member_clock_type');
    if (clock === null || !['0', '1', '2'].includes(clock)) throw new ApiError(400, 1220001, 'param is invalid: member_clock_type');
    if (switches.attendanceRangeDenied) throw new ApiError(400, 1220005, RANGE_DENIED_MSG);
    const g = groupsById.get(route.params.group_id as string);
    if (!g) throw new ApiError(400, 1220001, 'param is invalid: group not found');
    const exempt = (groupExtra.get(g.group_id) as SimGroupExtra).exemptUserIds;
    const ids = clock === '0' ? g.user_ids : g.user_ids.filter((id) => (clock === '2') === exempt.has(id));
    const p = page(ids, q, 'attendance', `list_user|${g.group_id}|${clock}`);
    return ok({
      users: p.slice.map((id) => {
        const u = usersById.get(id) as SimUser;
        return { user_id: employeeIdOut(u, et), department_ids: [...u.department_ids] };
      }),
      has_more: p.hasMore,
      ...(p.next ? { page_token: p.next } : {}),
    });
  };

  const handleUserSettings = (route: Route, q: URLSearchParams, body: Buffer): Reply => {
    if (route.method === 'POST' && !switches.acceptPostForQuery) {
      throw new ApiError(405, 1220001, 'param is invalid: user_settings/query is a GET request with a JSON body');
    }
    const et = employeeType(q);
    const parsed = parseJson(body) as { user_ids?: unknown } | null | undefined;
    if (parsed === undefined) throw new ApiError(400, 1220001, 'param is invalid: request body is empty, user_ids is required');
    if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.user_ids) || !parsed.user_ids.every((x) => typeof x === 'string')) {
      throw new ApiError(400, 1220001, 'param is invalid: user_ids must be a list of strings');
    }
    const ids = parsed.user_ids as string[];
    if (ids.length === 0 || ids.length > MAX_QUERY_IDS) throw new ApiError(400, 1220001, `param is invalid: user_ids must hold 1 to ${MAX_QUERY_IDS} ids`);
    if (switches.attendanceRangeDenied) throw new ApiError(400, 1220005, RANGE_DENIED_MSG);
    const known = (id: string): SimUser | undefined => {
      const u = et === 'employee_no' ? usersByEmployeeNo.get(id) : usersById.get(id);
      return u && !switches.outOfRangeUserIds.has(u.user_id) ? u : undefined;
    };
    if (switches.unknownUserMode === 'error') {
      const unknown = ids.find((id) => !known(id));
      if (unknown !== undefined) throw new ApiError(400, 1220004, `user does not exist or is not in the permission range: ${unknown}`);
    }
    const settings: Record<string, string>[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const u = known(id);
      if (!u) continue; // unknown or out-of-range employees are left out
      const face = tenant.faces.get(u.user_id);
      if (face) settings.push({ user_id: employeeIdOut(u, et), face_key: face.face_key, face_key_update_time: face.face_key_update_time });
      else if (switches.noFaceMode === 'empty') settings.push({ user_id: employeeIdOut(u, et), face_key: '', face_key_update_time: '' });
    }
    return ok({ user_settings: settings });
  };

  // A test may put a face straight into tenant.faces; its file becomes downloadable too.
  const adoptedFace = (key: string): SimFace | undefined => {
    for (const f of tenant.faces.values()) {
      if (f.face_key === key) {
        fileByKey.set(key, f);
        usedFaceKeys.add(key);
        return f;
      }
    }
    return undefined;
  };

  const handleDownload = (route: Route): Reply => {
    const key = route.params.file_id as string;
    if (switches.attendanceRangeDenied) throw new ApiError(400, 1220005, RANGE_DENIED_MSG);
    const file = fileByKey.get(key) ?? adoptedFace(key);
    if (!file) throw new ApiError(400, 1220001, 'param is invalid: file not found');
    if (switches.failingFaceKeys.has(key)) throw new ApiError(500, 1225000, 'system error');
    const ext = file.mime === 'image/png' ? 'png' : 'jpg';
    return {
      status: 200,
      bodyParts: photos.parts(key, file.mime),
      contentType: file.mime,
      headers: { 'content-disposition': `attachment; filename="${key}.${ext}"` },
    };
  };

  /**
   * A photo that still starts like one and is sent with its true length, but is cut short or has its last third
   * overwritten (never with 0xFF, so no stray JPEG marker can end it early and look whole).
   */
  const damagedPhoto = (whole: Buffer, mode: 'truncate' | 'garble', faceKey: string): Buffer => {
    if (mode === 'truncate') return Buffer.from(whole.subarray(0, Math.floor(whole.length * 0.6)));
    const out = Buffer.from(whole);
    const rng = createRng(hashString(faceKey));
    for (let i = Math.floor((out.length * 2) / 3); i < out.length; i++) out[i] = Math.floor(rng.next() * 255);
    return out;
  };

  // ---------------------------------------------------------------------------------------------
  // Gateway: rate limit, IP allow-list, token, scope, faults; then the handler.

  /** A 429 reply when a window is full, else undefined (and the request is counted in its windows). */
  const rateLimited = (key: EndpointKey): Reply | undefined => {
    const t = Date.now();
    const limit = switches.rateLimitPerSecond;
    const perSecond = limit > 0 && Number.isFinite(limit);
    const perMinuteLimit = switches.contactPerMinute;
    const perMinute = CONTACT_KEYS.has(key) && perMinuteLimit > 0 && Number.isFinite(perMinuteLimit);
    const limitedBy = (w: SlidingWindow, max: number): Reply => ({
      status: 429,
      json: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': String(max), 'x-ogw-ratelimit-reset': String(w.resetSeconds(t)) },
    });
    let second: SlidingWindow | undefined;
    let minute: SlidingWindow | undefined;
    if (perSecond) {
      second = secondWindows.get(key) ?? new SlidingWindow(1000);
      secondWindows.set(key, second);
      if (second.count(t) >= limit) return limitedBy(second, limit);
    }
    if (perMinute) {
      minute = minuteWindows.get(key) ?? new SlidingWindow(60_000);
      minuteWindows.set(key, minute);
      if (minute.count(t) >= perMinuteLimit) return limitedBy(minute, perMinuteLimit);
    }
    second?.add(t);
    minute?.add(t);
    return undefined;
  };

  const answer = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    const body = await readBody(req);
    if (route === undefined) return { status: 404, body: Buffer.from('404 page not found'), contentType: 'text/plain; charset=utf-8' };
    if (route === 'method') return { status: 404, body: Buffer.from('404 page not found'), contentType: 'text/plain; charset=utf-8' };
    stats.requests[route.key] = (stats.requests[route.key] ?? 0) + 1;
    const chaos = chaosFor(req.method ?? 'GET', req.url ?? '/', body);
    chaosOf.set(req, chaos);
    if (switches.resetRate > 0 && chaos('reset') < switches.resetRate) {
      stats.resets++;
      return { status: 0, reset: true };
    }
    if (switches.hangRate > 0 && chaos('hang') < switches.hangRate) {
      stats.hangs++;
      return { status: 0, hang: true };
    }
    const limited = route.kind !== 'token' ? rateLimited(route.key) : undefined;
    if (limited) {
      stats.rateLimited[route.key] = (stats.rateLimited[route.key] ?? 0) + 1;
      return limited;
    }
    if (route.kind !== 'token') {
      if (switches.ipDenied) throw new ApiError(400, 99991401, 'ip 127.0.0.1 is denied by app setting');
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!m) throw new ApiError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
      const token = m[1] as string;
      // Tenant tokens start with "t-"; anything else is refused before it is looked up.
      if (!token.startsWith('t-')) throw new ApiError(switches.tokenInvalidHttp200 ? 200 : 400, 99991671, 'Invalid access token format. Token must start with "t-" or "u-".');
      if (!validToken(token)) {
        if (route.kind === 'attendance' && switches.attendanceTokenInvalidCode === 1220002) throw new ApiError(400, 1220002, 'tenant_id is empty');
        throw new ApiError(switches.tokenInvalidHttp200 ? 200 : 400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
      }
      const scope = route.kind === 'attendance' ? SCOPE_ATTENDANCE : SCOPE_CONTACT;
      if (missing(scope)) {
        throw new ApiError(400, 99991672, `Access denied. One of the following scopes is required: [${scope}].`, {
          permission_violations: [{ type: 'action_privilege_required', subject: scope, description: scope }],
        });
      }
    }
    if (switches.echoCredentialsOn.has(route.key)) throw echoError(req, body);
    if (switches.faultRate > 0 && chaos('fault') < switches.faultRate) {
      stats.faults++;
      if (route.kind === 'attendance') throw new ApiError(500, 1225000, 'system error');
      throw new ApiError(500, 99991500, 'internal server error, please retry later');
    }
    switch (route.key) {
      case 'token':
        return handleToken(body);
      case 'departments.children':
        return handleChildren(route, url.searchParams);
      case 'users.find_by_department':
        return handleFindByDepartment(url.searchParams);
      case 'users.get':
        return handleUserGet(route, url.searchParams);
      case 'groups.list':
        return handleGroups(url.searchParams);
      case 'groups.search':
        return handleGroupSearch(body);
      case 'groups.list_user':
        return handleListUser(route, url.searchParams);
      case 'user_settings.query':
        return handleUserSettings(route, url.searchParams, body);
      case 'files.download': {
        const reply = handleDownload(route);
        if (switches.truncateRate > 0 && chaos('truncate') < switches.truncateRate) {
          stats.truncations++;
          reply.truncate = true;
        }
        const key = route.params.file_id as string;
        const times = switches.corruptFaceKeys.get(key) ?? 0;
        if (times > 0 || (switches.corruptRate > 0 && chaos('corrupt') < switches.corruptRate)) {
          if (times > 0) switches.corruptFaceKeys.set(key, times - 1);
          stats.corruptions++;
          reply.bodyParts = [damagedPhoto(Buffer.concat(reply.bodyParts ?? []), switches.corruptMode, key)];
        }
        return reply;
      }
    }
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    if (res.destroyed || closed) return;
    if (reply.reset) {
      const s = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
      // A TCP RST, so clients see ECONNRESET as on a flaky network.
      if (s?.resetAndDestroy) s.resetAndDestroy();
      else s?.destroy();
      return;
    }
    const logId = newLogId();
    const headers: Record<string, string | number> = { 'x-tt-logid': logId, 'x-request-id': logId, ...(reply.headers ?? {}) };
    let payload: Buffer;
    if (reply.json !== undefined) {
      const j = reply.json as Record<string, unknown>;
      if (typeof j.code === 'number' && j.code !== 0) {
        const err = (j.error as Record<string, unknown> | undefined) ?? {};
        j.error = {
          ...err,
          log_id: logId,
          troubleshooter: `https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${j.code}&method_id=0`,
        };
      }
      payload = Buffer.from(JSON.stringify(j), 'utf8');
      headers['content-type'] = 'application/json; charset=utf-8';
    } else if (reply.bodyParts) {
      headers['content-type'] = reply.contentType ?? 'application/octet-stream';
      headers['content-length'] = reply.bodyParts.reduce((n, b) => n + b.length, 0);
      res.writeHead(reply.status, headers);
      if (reply.truncate) {
        // The full length is promised, half the bytes arrive, then the connection drops.
        const whole = Buffer.concat(reply.bodyParts);
        res.write(whole.subarray(0, Math.floor(whole.length / 2)), () => res.destroy());
        return;
      }
      res.cork();
      for (const part of reply.bodyParts) res.write(part);
      res.uncork(); // one writev for the pieces
      res.end();
      return;
    } else {
      payload = reply.body ?? Buffer.alloc(0);
      headers['content-type'] = reply.contentType ?? 'application/octet-stream';
    }
    headers['content-length'] = payload.length;
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const delay = (req: IncomingMessage): number => {
    const base = switches.latencyMs;
    const jitter = switches.latencyJitterMs;
    if (!(base > 0) && !(jitter > 0)) return 0;
    const draw = chaosOf.get(req)?.('jitter') ?? 0.5;
    return Math.max(0, base + (jitter > 0 ? (draw * 2 - 1) * jitter : 0));
  };

  const server = createServer((req, res) => {
    answer(req)
      .catch((e: unknown): Reply => {
        if (e instanceof ApiError) return { status: e.status, json: { code: e.code, msg: e.msg, error: { ...e.extra } } };
        return { status: 400, json: { code: 99992402, msg: 'field validation failed: request could not be read' } };
      })
      .then((reply) => {
        if (reply.hang) return; // never answered; close() or the client's timeout ends the connection
        const ms = delay(req);
        if (ms > 0) setTimeout(() => send(res, reply), ms);
        else send(res, reply);
      })
      .catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    tenant,
    switches,
    stats(): SimStats {
      return structuredClone(stats);
    },
    resetStats(): void {
      stats = emptyStats();
    },
    expireTokens(): void {
      const t0 = now();
      for (const t of tokens) t.expiresAt = Math.min(t.expiresAt, t0);
    },
    issuedTokens(): string[] {
      return [...everIssued];
    },
    changeFace(userId: string): string {
      if (!usersById.has(userId)) throw new Error(`no employee ${userId}`);
      const previous = tenant.faces.get(userId);
      const faceKey = newFaceKey(changeRng, usedFaceKeys);
      const face: SimFace = {
        face_key: faceKey,
        // Strictly later than before, even if the clock has not moved.
        face_key_update_time: String(Math.max(Math.floor(now() / 1000), Number(previous?.face_key_update_time ?? 0) + 1)),
        mime: previous?.mime ?? 'image/jpeg',
      };
      tenant.faces.set(userId, face);
      fileByKey.set(faceKey, face);
      return faceKey;
    },
    photoBytes(faceKey: string): Uint8Array | undefined {
      const file = fileByKey.get(faceKey) ?? adoptedFace(faceKey);
      return file ? new Uint8Array(photos.bytes(faceKey, file.mime)) : undefined;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
