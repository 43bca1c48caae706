// The tenant's directory as the HR admin sees it: departments, attendance groups and employees.
// Every list is paged through in full by the client; here we join, de-duplicate and cache.
import PQueue from 'p-queue';
import { departmentPaths } from '../../shared/departments';
import { appError, isAppFailure } from '../../shared/errors';
import type { AttendanceGroup, DepartmentNode, DepartmentPath, Employee, EmployeeFilter } from '../../shared/model';
import { withSignal } from '../util/abort';
import { ReadCache } from './cache';
import { nextTurn } from './next-turn';
import { DEFAULT_RATE_PER_SECOND } from './feishu/client';
import type { FeishuClient, RawDepartment, RawGroupMember, RawUser } from './feishu/types';
import type { DirectoryData } from './snapshot/schema';
import type { Directory } from './types';

export const ROOT_DEPARTMENT_ID = '0';
/** Name for the root department: Feishu's contact API does not return the tenant's name. */
export const ROOT_DEPARTMENT_NAME = '全公司';
export const USER_ID_SCOPE = 'contact:user.employee_id:readonly';
/** The field scope behind employee_no (工号). Without it the app still works, with no 工号 anywhere. */
export const EMPLOYEE_NO_SCOPE = 'contact:user.employee_number:read';

type Scope = EmployeeFilter['scope'];

interface DepartmentIndex {
  list: RawDepartment[];
  byId: Map<string, RawDepartment>;
  children: Map<string, string[]>;
  /** Position in a depth-first walk, for sorting employees "by department". */
  order: Map<string, number>;
  /** How each department (root included) is shown and named, worked out once per load of the tree. */
  paths: Map<string, DepartmentPath>;
  /** How an employee's departments are named, made once per tree: not two closures per employee (20,000 on a start). */
  names: { nameOf: (id: string) => string; pathOf: (id: string) => DepartmentPath | undefined };
}

/** Lower-cased text an employee is found by. */
function haystack(e: Employee): string {
  return [e.name, e.enName, e.employeeNo, e.email, e.mobile, e.userId].join('\u0001').toLowerCase();
}

/** Search over a list of employees; exact employee number / user id first, then name prefixes, then the rest. */
/** How far a department walk has got: each department's member list as it arrives. */
interface WalkProgress {
  lists: (RawUser[] | undefined)[];
  done: number;
  total: number;
}

/**
 * find_by_department calls a walk keeps in flight: the default per-second pace, so a second's budget is used even
 * when answers take a second (the contact quota is per minute: the limiter, not this, keeps the walk under it).
 */
const WALK_CONCURRENCY = DEFAULT_RATE_PER_SECOND;

/** Employees a restore builds between two pauses: ~25 ms of CPU, so a file or an answer waits no longer. */
const RESTORE_SLICE = 2000;

/**
 * The departments worth a find_by_department call. member_count counts the sub-departments' members too (resigned
 * staff included), so a department that says 0 has nobody in it or below it: asking would cost a contact call of
 * the per-minute quota for an empty page. The root has no count; a department without one is asked.
 */
function withMembers(idx: DepartmentIndex, departmentIds: string[]): string[] {
  return departmentIds.filter((id) => idx.byId.get(id)?.member_count !== 0);
}

/**
 * Departments whose member_count (people in it or below it, each once) the list does not match, with the first
 * few of them; undefined when every count matches. A department without a count cannot vouch for the list.
 */
function countShortfall(idx: DepartmentIndex, users: Map<string, RawUser>): { departments: number; examples: string[] } | undefined {
  const counts = new Map<string, number>();
  for (const u of users.values()) {
    const reached = new Set<string>();
    for (const start of u.department_ids ?? []) {
      for (let cur: string | undefined = start; cur && idx.byId.has(cur) && !reached.has(cur); cur = idx.byId.get(cur)?.parent_department_id) reached.add(cur);
    }
    for (const id of reached) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const off = idx.list.filter((d) => d.member_count === undefined || (counts.get(d.open_department_id) ?? 0) !== d.member_count);
  return off.length ? { departments: off.length, examples: off.slice(0, 3).map((d) => d.open_department_id) } : undefined;
}

/** Member lists merged into one entry per user_id, department ids joined in list order. */
function mergeUsers(lists: readonly (RawUser[] | undefined)[]): Map<string, RawUser> {
  const byId = new Map<string, RawUser>();
  for (const list of lists) {
    for (const u of list ?? []) {
      if (!u.user_id) {
        throw appError('scope.missing', `The app cannot read employees' user ids; grant ${USER_ID_SCOPE}`, {
          scopes: [USER_ID_SCOPE],
        });
      }
      const known = byId.get(u.user_id);
      if (!known) byId.set(u.user_id, u);
      else {
        const merged = [...(known.department_ids ?? [])];
        for (const d of u.department_ids ?? []) if (!merged.includes(d)) merged.push(d);
        byId.set(u.user_id, { ...known, department_ids: merged });
      }
    }
  }
  return byId;
}

/** What a raw contact user becomes once its departments and groups are named (or left unnamed). */
export function employeeFromRaw(
  u: RawUser,
  userId: string,
  departmentIds: string[],
  names: { nameOf?: (id: string) => string; pathOf?: (id: string) => DepartmentPath | undefined; groupNames?: string[] } = {},
): Employee {
  return {
    userId,
    name: u.name ?? '',
    enName: u.en_name ?? '',
    employeeNo: u.employee_no ?? '',
    email: u.email ?? u.enterprise_email ?? '',
    mobile: u.mobile ?? '',
    departmentIds,
    departmentNames: departmentIds.map((d) => names.nameOf?.(d) ?? ''),
    departmentPaths: departmentIds.map((d) => names.pathOf?.(d) ?? { full: [], unique: [] }),
    groupNames: names.groupNames ?? [],
    resigned: Boolean(u.status?.is_resigned),
    jobTitle: u.job_title ?? '',
    ...(u.leader_user_id ? { managerId: u.leader_user_id } : {}),
  };
}

export class EmployeeMatcher {
  private readonly texts = new WeakMap<readonly Employee[], string[]>();

  match(list: readonly Employee[], query: string): Employee[] {
    const q = query.trim().toLowerCase();
    if (!q) return [...list];
    let texts = this.texts.get(list);
    if (!texts) {
      texts = list.map(haystack);
      this.texts.set(list, texts);
    }
    const exact: Employee[] = [];
    const prefix: Employee[] = [];
    const rest: Employee[] = [];
    for (let i = 0; i < list.length; i++) {
      if (!texts[i]!.includes(q)) continue;
      const e = list[i]!;
      if (e.userId.toLowerCase() === q || e.employeeNo.toLowerCase() === q) exact.push(e);
      else if (e.name.toLowerCase().startsWith(q) || e.enName.toLowerCase().startsWith(q)) prefix.push(e);
      else rest.push(e);
    }
    return [...exact, ...prefix, ...rest];
  }
}

export interface DirectoryOptions {
  ttlMs: number;
  now: () => number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Told each time the whole directory has been read afresh (e.g. to purge resigned employees' cached photos). */
  onRefreshed?(all: readonly Employee[]): void;
  /** Called after each complete walk of the whole directory, with what a remembered directory keeps. */
  onWalked?: (data: DirectoryData) => void;
}

export class DirectoryService implements Directory {
  private readonly departmentsCache: ReadCache<DepartmentIndex>;
  private readonly usersCache: ReadCache<RawUser[]>;
  private readonly groupsCache: ReadCache<AttendanceGroup[]>;
  private readonly membersCache: ReadCache<RawGroupMember[]>;
  private readonly groupIndexCache: ReadCache<Map<string, string[]>>;
  private readonly scopeCache: ReadCache<Employee[]>;
  private readonly matcher = new EmployeeMatcher();
  /** Department walks under way, by scope key. */
  private readonly walks = new Map<string, { progress: WalkProgress; snapshot: () => Employee[] }>();
  private readonly collator = new Intl.Collator('zh-CN');
  /** Field scopes found missing, by the employee list they were seen in. */
  private readonly missingOf = new WeakMap<readonly Employee[], string[]>();
  /** Whether directory.employees_filter gave a complete list (undefined: not tried yet this session). */
  private filterUsable: boolean | undefined;

  constructor(
    private readonly client: FeishuClient,
    private readonly opts: DirectoryOptions,
  ) {
    const onError = (key: string, e: unknown) =>
      opts.log?.('warn', 'background directory refresh failed', { key, code: isAppFailure(e) ? e.info.code : 'internal' });
    this.departmentsCache = new ReadCache(opts.ttlMs, opts.now, onError);
    this.usersCache = new ReadCache(opts.ttlMs, opts.now, onError);
    this.groupsCache = new ReadCache(opts.ttlMs, opts.now, onError);
    this.membersCache = new ReadCache(opts.ttlMs, opts.now, onError);
    this.groupIndexCache = new ReadCache(opts.ttlMs, opts.now, onError);
    this.scopeCache = new ReadCache(opts.ttlMs, opts.now, onError);
  }

  invalidate(): void {
    this.remembered = null;
    this.deferred = null;
    for (const c of [this.departmentsCache, this.usersCache, this.groupsCache, this.membersCache, this.groupIndexCache, this.scopeCache])
      c.clear();
  }

  // --- departments -----------------------------------------------------------

  private departmentIndex(opts: { fresh?: boolean; raw?: RawDepartment[] } = {}): Promise<DepartmentIndex> {
    return this.departmentsCache.get('all', async () => {
      const raw = opts.raw ?? (await this.client.departmentChildren(ROOT_DEPARTMENT_ID, { fetchChild: true }));
      const list = raw.filter((d) => !d.status?.is_deleted && d.open_department_id);
      const byId = new Map(list.map((d) => [d.open_department_id, d]));
      const children = new Map<string, string[]>();
      for (const d of list) {
        const parent = d.parent_department_id && byId.has(d.parent_department_id) ? d.parent_department_id : ROOT_DEPARTMENT_ID;
        if (!children.has(parent)) children.set(parent, []);
        children.get(parent)!.push(d.open_department_id);
      }
      const order = new Map<string, number>([[ROOT_DEPARTMENT_ID, -1]]);
      const walk = (id: string) => {
        for (const c of children.get(id) ?? []) {
          if (order.has(c)) continue; // a cycle in bad data must not hang us
          order.set(c, order.size);
          walk(c);
        }
      };
      walk(ROOT_DEPARTMENT_ID);
      for (const d of list) if (!order.has(d.open_department_id)) order.set(d.open_department_id, order.size);
      const paths = departmentPaths([
        { id: ROOT_DEPARTMENT_ID, name: ROOT_DEPARTMENT_NAME, parentId: null },
        ...list.map((d) => ({
          id: d.open_department_id,
          name: d.name,
          parentId: d.parent_department_id && byId.has(d.parent_department_id) ? d.parent_department_id : null,
        })),
      ]);
      const names = {
        nameOf: (id: string) => (id === ROOT_DEPARTMENT_ID ? ROOT_DEPARTMENT_NAME : (byId.get(id)?.name ?? '')),
        // A department outside the tree we can see has no name, hence no path either.
        pathOf: (id: string) => paths.get(id),
      };
      return { list, byId, children, order, paths, names };
    }, opts.fresh ? { fresh: true } : {});
  }

  /**
   * The department tree. Counts come from the directory the list shows (a department scope lists its
   * sub-departments too), split into current and resigned staff, so a count matches the rows of its
   * department; Feishu's member_count counts resigned staff and would not. Until the whole directory
   * has been read there are no counts: the caller asks again once the list has finished loading.
   */
  async departmentTree(signal?: AbortSignal): Promise<DepartmentNode[]> {
    const idx = await withSignal(this.whenSeeded().then(() => this.departmentIndex()), signal);
    const all = this.scopeCache.peek(scopeKey({ kind: 'all' }));
    const counts = all ? this.subtreeCounts(all, idx) : null;
    const seen = new Set<string>();
    const build = (id: string): DepartmentNode => {
      seen.add(id);
      const d = idx.byId.get(id)!;
      const parent = d.parent_department_id && idx.byId.has(d.parent_department_id) ? d.parent_department_id : null;
      return {
        id,
        name: d.name,
        parentId: parent,
        ...(counts ? { memberCount: counts.get(id)?.current ?? 0, resignedCount: counts.get(id)?.resigned ?? 0 } : {}),
        children: (idx.children.get(id) ?? []).filter((c) => !seen.has(c)).map(build),
      };
    };
    return (idx.children.get(ROOT_DEPARTMENT_ID) ?? []).map(build);
  }

  /** Per department: employees in it or below it, each counted once, current and resigned apart. */
  private subtreeCounts(all: readonly Employee[], idx: DepartmentIndex): Map<string, { current: number; resigned: number }> {
    const counts = new Map<string, { current: number; resigned: number }>();
    for (const e of all) {
      const reached = new Set<string>();
      for (const start of e.departmentIds) {
        let cur: string | null | undefined = start;
        while (cur && cur !== ROOT_DEPARTMENT_ID && !reached.has(cur)) {
          reached.add(cur);
          const d = idx.byId.get(cur);
          cur = d?.parent_department_id && idx.byId.has(d.parent_department_id) ? d.parent_department_id : null;
        }
      }
      for (const id of reached) {
        const c = counts.get(id) ?? { current: 0, resigned: 0 };
        if (e.resigned) c.resigned++;
        else c.current++;
        counts.set(id, c);
      }
    }
    return counts;
  }

  private subtree(idx: DepartmentIndex, id: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      out.push(cur);
      for (const c of idx.children.get(cur) ?? []) stack.push(c);
    }
    return out;
  }

  // --- groups ---------------------------------------------------------------

  groups(signal?: AbortSignal): Promise<AttendanceGroup[]> {
    return withSignal(
      this.whenSeeded().then(() => this.groupList()),
      signal,
    );
  }

  /** groups() without waiting for a deferred restore (which itself reads them). */
  private groupList(): Promise<AttendanceGroup[]> {
    return this.groupsCache.get('all', async () => (await this.client.groups()).map((g) => ({ id: g.group_id, name: g.group_name })));
  }

  private groupMembers(groupId: string): Promise<RawGroupMember[]> {
    return this.membersCache.get(groupId, () => this.client.groupMembers(groupId));
  }

  /** user id → names of the attendance groups they are in (group list order). */
  private groupIndex(): Promise<Map<string, string[]>> {
    return this.groupIndexCache.get('all', async () => {
      const groups = await this.groupList();
      const members = await Promise.all(groups.map((g) => this.groupMembers(g.id)));
      const index = new Map<string, string[]>();
      groups.forEach((g, i) => {
        for (const m of members[i]!) {
          if (!index.has(m.user_id)) index.set(m.user_id, []);
          const names = index.get(m.user_id)!;
          if (!names.includes(g.name)) names.push(g.name);
        }
      });
      return index;
    });
  }

  // --- employees --------------------------------------------------------------

  private usersOf(departmentId: string): Promise<RawUser[]> {
    return this.usersCache.get(departmentId, () => this.client.usersByDepartment(departmentId));
  }

  /**
   * Raw users of these departments, de-duplicated by user_id (department lists merged in the
   * order of departmentIds, so the result does not depend on which answer came first).
   * `progress`, when given, is filled as department lists arrive, for a partial view.
   */
  private async rawUsers(departmentIds: string[], progress?: WalkProgress): Promise<Map<string, RawUser>> {
    // The client's limiter paces the calls (per second and per minute); the queue only has to keep enough in
    // flight to use a whole second's budget even when each answer takes that long.
    const queue = new PQueue({ concurrency: WALK_CONCURRENCY });
    const lists: (RawUser[] | undefined)[] = new Array<RawUser[] | undefined>(departmentIds.length);
    if (progress) {
      progress.lists = lists;
      progress.total = departmentIds.length;
    }
    await Promise.all(
      departmentIds.map((id, i) =>
        queue.add(async () => {
          lists[i] = await this.usersOf(id);
          if (progress) progress.done++;
        }),
      ),
    );
    return mergeUsers(lists);
  }

  /**
   * Everyone, de-duplicated. Where the tenant offers directory/v1/employees/filter (100 a page, its own quota: a
   * fifth of the walk's calls and no minute-long wait on a large tenant) it is read alongside the department tree
   * and kept only when it adds up to every department's member_count; otherwise, and from then on, the walk.
   */
  private async allRawUsers(progress?: WalkProgress): Promise<Map<string, RawUser>> {
    const [idx, listed] = await Promise.all([this.departmentIndex(), this.listedByFilter(progress)]);
    if (listed) {
      const shortfall = countShortfall(idx, listed);
      if (!shortfall) return listed;
      this.filterUsable = false;
      this.opts.log?.('info', 'directory.employees_filter does not add up to the department counts; walking the departments instead', shortfall);
    }
    return this.rawUsers(withMembers(idx, [ROOT_DEPARTMENT_ID, ...idx.list.map((d) => d.open_department_id)]), progress);
  }

  /**
   * The filter's list plus the root's own members (no member_count covers them), or null when the endpoint is
   * not there for this app (edition, scope, an answer we cannot read), which is remembered for this session.
   */
  private async listedByFilter(progress?: WalkProgress): Promise<Map<string, RawUser> | null> {
    const filter = this.client.employeesFilter;
    if (!filter || this.filterUsable === false) return null;
    const pages: RawUser[][] = [];
    if (progress) progress.lists = pages;
    try {
      const [rootMembers, everyone] = await Promise.all([this.usersOf(ROOT_DEPARTMENT_ID), filter.call(this.client, undefined, (page) => pages.push(page))]);
      // Without user_ids (a field scope) the walk is the one to say which scope is missing.
      if (everyone.some((u) => !u.user_id)) throw appError('scope.missing', 'directory.employees_filter gave employees without user_id');
      this.filterUsable = true;
      return mergeUsers([rootMembers, everyone]);
    } catch (e) {
      if (!isAppFailure(e) || /^(auth|net)\./.test(e.info.code) || e.info.code === 'export.cancelled') throw e;
      this.filterUsable = false;
      this.opts.log?.('info', 'directory.employees_filter unavailable; walking the departments', { code: e.info.code });
      return null;
    }
  }

  private toEmployee(u: RawUser, idx: DepartmentIndex, groupsOf: Map<string, string[]> | null, foundIn?: string): Employee {
    let departmentIds = u.department_ids?.length ? [...u.department_ids] : foundIn ? [foundIn] : [];
    departmentIds = departmentIds.filter((d, i) => departmentIds.indexOf(d) === i);
    return employeeFromRaw(u, u.user_id!, departmentIds, { ...idx.names, groupNames: [...(groupsOf?.get(u.user_id!) ?? [])] });
  }

  private sortEmployees(list: Employee[], idx: DepartmentIndex): Employee[] {
    const rank = (e: Employee) => idx.order.get(e.departmentIds[0] ?? '') ?? Number.MAX_SAFE_INTEGER;
    return list.sort((a, b) => rank(a) - rank(b) || this.collator.compare(a.name, b.name) || (a.userId < b.userId ? -1 : 1));
  }

  /** Group membership is a nice-to-have on an employee: without the attendance scope we still list them. */
  private groupIndexOrNull(): Promise<Map<string, string[]> | null> {
    return this.groupIndex().catch((e: unknown) => {
      this.opts.log?.('info', 'attendance groups unavailable for the employee list', {
        code: isAppFailure(e) ? e.info.code : 'internal',
      });
      return null;
    });
  }

  private async loadScope(scope: Scope): Promise<Employee[]> {
    // Group membership only decorates employees (a group name column): the department walk does not
    // wait for it, since reading every group's members can take as long as the walk itself.
    const groups = this.groupIndexOrNull();
    let groupsOf: Map<string, string[]> | null = null;
    void groups.then((g) => {
      groupsOf = g;
    });
    const idx = await this.departmentIndex();
    // A department walk can take a minute on a large tenant (Feishu allows 1000 contact calls a
    // minute): what has arrived so far is offered as a partial view meanwhile.
    const progress: WalkProgress = { lists: [], done: 0, total: 0 };
    const key = scopeKey(scope);
    if (scope.kind !== 'group') {
      this.walks.set(key, {
        progress,
        snapshot: () => this.sortEmployees([...mergeUsers(progress.lists).values()].map((u) => this.toEmployee(u, idx, groupsOf)), idx),
      });
    }
    try {
      const raws = await this.rawUsersOf(scope, idx, progress);
      const list = this.listOf(raws, idx, await groups);
      if (scope.kind === 'all') this.opts.onRefreshed?.(list);
      return list;
    } finally {
      if (this.walks.get(key)?.progress === progress) this.walks.delete(key);
    }
  }

  /** Raw users as the list shows them: named, sorted, and marked when a field scope is missing. */
  private listOf(raws: RawUser[], idx: DepartmentIndex, groupsOf: Map<string, string[]> | null): Employee[] {
    return this.sortedList(
      raws,
      raws.map((u) => this.toEmployee(u, idx, groupsOf)),
      idx,
    );
  }

  /**
   * listOf for a restore, on the app's start: the employees are built a slice at a time (a 20,000-employee tenant
   * is ~0.25 s of CPU), so that the window's files and first questions are answered in between.
   */
  private async listOfInSlices(raws: RawUser[], idx: DepartmentIndex, groupsOf: Map<string, string[]> | null, pause: () => Promise<void>): Promise<Employee[]> {
    const built: Employee[] = [];
    for (let i = 0; i < raws.length; i += RESTORE_SLICE) {
      for (const u of raws.slice(i, i + RESTORE_SLICE)) built.push(this.toEmployee(u, idx, groupsOf));
      await pause();
    }
    return this.sortedList(raws, built, idx);
  }

  private sortedList(raws: RawUser[], built: Employee[], idx: DepartmentIndex): Employee[] {
    const list = this.sortEmployees(built, idx);
    // Feishu leaves a field out of every user when its field scope is missing; a tenant that does not
    // use 工号 sends it empty instead.
    if (raws.length && raws.every((u) => u.employee_no === undefined)) this.missingOf.set(list, [EMPLOYEE_NO_SCOPE]);
    return list;
  }

  private async rawUsersOf(scope: Scope, idx: DepartmentIndex, progress: WalkProgress): Promise<RawUser[]> {
    let raws: RawUser[];
    if (scope.kind === 'all') {
      raws = [...(await this.allRawUsers(progress)).values()];
    } else if (scope.kind === 'department') {
      const recursive = scope.recursive !== false;
      const ids = recursive ? this.subtree(idx, scope.id) : [scope.id];
      if (scope.id === ROOT_DEPARTMENT_ID && recursive) raws = [...(await this.allRawUsers(progress)).values()];
      else raws = [...(await this.rawUsers(withMembers(idx, ids), progress)).values()];
    } else {
      const [members, all] = await Promise.all([this.groupMembers(scope.id), this.allRawUsers()]);
      // Members outside every department we can see (e.g. just moved) are asked for one by one.
      const unique = [...new Map(members.map((m) => [m.user_id, m])).values()];
      const queue = new PQueue({ concurrency: 8 });
      const found = await Promise.all(
        unique.map((m) => (all.has(m.user_id) ? all.get(m.user_id)! : queue.add(() => this.fetchUser(m.user_id)))),
      );
      raws = [];
      found.forEach((u, i) => {
        if (u) raws.push(u.department_ids?.length ? u : { ...u, department_ids: unique[i]!.department_ids ?? [] });
      });
    }
    return raws;
  }

  private async fetchUser(userId: string): Promise<RawUser | null> {
    try {
      const u = await this.client.user(userId);
      return u.user_id ? u : { ...u, user_id: userId };
    } catch (e) {
      if (isAppFailure(e) && (e.info.code === 'feishu.not_found' || e.info.code === 'range.contact')) return null;
      throw e;
    }
  }

  employees(scope: Scope, signal?: AbortSignal): Promise<Employee[]> {
    return withSignal(this.whenSeeded().then(() => this.scopeCache.get(scopeKey(scope), () => this.loadAndRemember(scope))), signal);
  }

  /**
   * Like employeesStaleOk(), but when the scope has never been loaded and its walk takes longer
   * than waitMs, returns the employees found so far with the walk's progress (departments read of
   * all), so the first rows show while a large tenant is still being read.
   */
  async employeesProgressive(scope: Scope, waitMs: number, signal?: AbortSignal): Promise<{ employees: Employee[]; loading: { done: number; total: number } | null }> {
    // A remembered directory being restored is a second of CPU at most, not a walk: the first page waits for it, rather
    // than answer "loading, nothing yet" and be asked again (the app's poll: 0.8 s later) on a slow start (issue #10).
    await withSignal(this.whenSeeded(), signal);
    const full = this.employeesStaleOk(scope, signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      const first = await Promise.race([full, timeout]);
      if (first) return { employees: first, loading: null };
    } finally {
      clearTimeout(timer);
    }
    // Attendance groups are joined against the whole directory: no partial view for them.
    if (scope.kind === 'group') return { employees: await full, loading: null };
    full.catch(() => {}); // the next call reports a failure of the walk
    const walk = this.walks.get(scopeKey(scope));
    // Before the walk starts (departments and groups are read first) there is nothing to show yet.
    if (!walk) return { employees: [], loading: { done: 0, total: 0 } };
    return { employees: walk.snapshot(), loading: { done: walk.progress.done, total: walk.progress.total } };
  }

  /** Field scopes the app was found to lack when `list` (an answer of employees()) was read. */
  missingScopes(list: readonly Employee[]): string[] {
    return this.missingOf.get(list) ?? [];
  }

  /** Like employees(), but an expired list is returned at once and refreshed in the background. */
  employeesStaleOk(scope: Scope, signal?: AbortSignal): Promise<Employee[]> {
    return withSignal(this.whenSeeded().then(() => this.scopeCache.get(scopeKey(scope), () => this.loadAndRemember(scope), { staleOk: true })), signal);
  }

  async employeesByIds(userIds: string[], signal?: AbortSignal): Promise<Employee[]> {
    if (!userIds.length) return [];
    const all = await this.employeesStaleOk({ kind: 'all' }, signal);
    const byId = new Map(all.map((e) => [e.userId, e]));
    const missing = [...new Set(userIds.filter((id) => !byId.has(id)))];
    if (missing.length) {
      const [idx, groupsOf] = await withSignal(Promise.all([this.departmentIndex(), this.groupIndexOrNull()]), signal);
      const queue = new PQueue({ concurrency: 8 });
      await withSignal(
        Promise.all(
          missing.map((id) =>
            queue.add(async () => {
              const u = await this.fetchUser(id);
              if (u) byId.set(id, this.toEmployee(u, idx, groupsOf));
            }),
          ),
        ),
        signal,
      );
    }
    const seen = new Set<string>();
    const out: Employee[] = [];
    for (const id of userIds) {
      const e = byId.get(id);
      if (e && !seen.has(id)) {
        seen.add(id);
        out.push(e);
      }
    }
    if (!out.length) throw appError('feishu.not_found', 'None of these employees exist', { detail: userIds.slice(0, 5).join(', ') });
    return out;
  }

  async search(query: string, limit: number, signal?: AbortSignal): Promise<Employee[]> {
    const all = await this.employeesStaleOk({ kind: 'all' }, signal);
    return this.matcher.match(all, query).slice(0, Math.max(0, limit));
  }

  /** Filter helper shared with the core's paging (same rules as search). */
  match(list: readonly Employee[], query: string): Employee[] {
    return this.matcher.match(list, query);
  }

  async employee(userIdOrEmployeeNo: string, signal?: AbortSignal): Promise<Employee> {
    const key = userIdOrEmployeeNo.trim();
    const all = await this.employeesStaleOk({ kind: 'all' }, signal);
    const found =
      all.find((e) => e.userId === key) ??
      all.find((e) => e.employeeNo === key) ??
      all.find((e) => e.employeeNo.toLowerCase() === key.toLowerCase());
    if (found) return found;
    // Not in any department (e.g. resigned and removed): ask Feishu directly.
    const u = /^[\w.@+-]+$/.test(key) ? await withSignal(this.fetchUser(key), signal) : null;
    if (!u) throw appError('feishu.not_found', 'No such employee', { detail: key });
    const [idx, groupsOf] = await withSignal(Promise.all([this.departmentIndex(), this.groupIndexOrNull()]), signal);
    return this.toEmployee(u, idx, groupsOf);
  }

  // --- the remembered directory (electron/core/snapshot/) --------------------------------------------------

  private remembered: { takenAt: number; refreshing: boolean } | null = null;
  /** A restore put off until the directory is first used (the CLI: a check by number may never need it). */
  private deferred: (() => Promise<void>) | null = null;
  private seeding: Promise<void> = Promise.resolve();

  /** Runs restoreLater before the next read of the directory, once (and not at all if none comes). */
  deferRestore(restoreLater: () => Promise<void>): void {
    this.deferred = restoreLater;
  }

  /** Whether a deferred restore has not run yet. */
  restorePending(): boolean {
    return this.deferred !== null;
  }

  private whenSeeded(): Promise<void> {
    const run = this.deferred;
    if (run) {
      this.deferred = null;
      // A failed restore leaves the caches empty: the read then walks as if nothing was remembered.
      this.seeding = run().catch(() => undefined);
    }
    return this.seeding;
  }

  /** A load of a scope; a complete walk of the whole directory is handed to onWalked to be remembered. */
  private async loadAndRemember(scope: Scope): Promise<Employee[]> {
    const remembered = this.remembered?.refreshing ? this.fromRemembered(scope) : null;
    if (remembered) return remembered;
    const list = await this.loadScope(scope);
    if (scope.kind === 'all') {
      const data = this.walkedData(list);
      if (data) this.opts.onWalked?.(data);
    }
    return list;
  }

  /**
   * A department or group cut out of the remembered whole list while it is being read again: the refresh has
   * expired the per-department lists, and walking them again for one click would wait on the refresh.
   */
  private fromRemembered(scope: Scope): Employee[] | null {
    const all = this.scopeCache.peek(scopeKey({ kind: 'all' }));
    const idx = this.departmentsCache.peek('all');
    if (!all || !idx || scope.kind === 'all') return null;
    let ids: Set<string>;
    if (scope.kind === 'group') {
      const members = this.membersCache.peek(scope.id);
      if (!members) return null;
      ids = new Set(members.map((m) => m.user_id));
      return all.filter((e) => ids.has(e.userId));
    }
    if (scope.id === ROOT_DEPARTMENT_ID && scope.recursive !== false) return all;
    ids = new Set(scope.recursive === false ? [scope.id] : this.subtree(idx, scope.id));
    return all.filter((e) => e.departmentIds.some((d) => ids.has(d)));
  }

  /**
   * What the caches hold after a complete walk, in the shape a remembered directory keeps. The employees are kept
   * in the order of the list shown (sorted): sorting them again on the next start is then one pass, not a sort.
   */
  private walkedData(shown: readonly Employee[]): DirectoryData | null {
    const idx = this.departmentsCache.peek('all');
    if (!idx) return null;
    // A department whose member_count says 0 was never asked (withMembers): its list is known to be empty.
    const lists = [ROOT_DEPARTMENT_ID, ...idx.list.map((d) => d.open_department_id)].map((id) => this.usersCache.peek(id) ?? (idx.byId.get(id)?.member_count === 0 ? [] : undefined));
    if (lists.some((l) => !l)) return null;
    const groups = this.groupsCache.peek('all');
    const members = groups?.map((g) => this.membersCache.peek(g.id));
    const complete = groups && members && members.every(Boolean);
    const merged = mergeUsers(lists);
    const users: RawUser[] = [];
    for (const e of shown) {
      const u = merged.get(e.userId);
      if (u && merged.delete(e.userId)) users.push(u);
    }
    users.push(...merged.values()); // any the list did not show (none after a walk), at the end
    return {
      departments: idx.list,
      users,
      groups: complete ? groups : null,
      groupMembers: complete ? Object.fromEntries(groups.map((g, i) => [g.id, members[i]!.map((m) => m.user_id)])) : null,
    };
  }

  /**
   * Seeds every cache from a remembered directory, as if it had just been read: departments, each department's
   * members, attendance groups and their members. The whole list is then built from them with no API call.
   */
  async restore(data: DirectoryData, takenAt: number, pause: () => Promise<void> = nextTurn): Promise<void> {
    const at = this.opts.now();
    await this.departmentIndex({ fresh: true, raw: data.departments });
    const byDepartment = new Map<string, RawUser[]>([[ROOT_DEPARTMENT_ID, []]]);
    for (const d of data.departments) byDepartment.set(d.open_department_id, []);
    for (const u of data.users) {
      const ids = u.department_ids?.length ? u.department_ids : [ROOT_DEPARTMENT_ID];
      for (const id of ids) byDepartment.get(id)?.push(u);
    }
    for (const [id, users] of byDepartment) this.usersCache.seed(id, users, at);
    if (data.groups && data.groupMembers) {
      this.groupsCache.seed('all', data.groups, at);
      for (const g of data.groups) this.membersCache.seed(g.id, (data.groupMembers[g.id] ?? []).map((user_id) => ({ user_id })), at);
    } else {
      // Groups were not readable when it was taken: no group names, as then, and no call to find that out again.
      this.groupIndexCache.seed('all', new Map(), at);
    }
    // Built from the remembered employees themselves (each once, already merged): a load of the scope would try
    // directory.employees_filter first, a contact call (and on tenants that offer it, a read of everyone).
    const idx = await this.departmentIndex();
    const groupsOf = await this.groupIndexOrNull();
    this.scopeCache.seed(scopeKey({ kind: 'all' }), await this.listOfInSlices(data.users, idx, groupsOf, pause), at);
    this.remembered = { takenAt, refreshing: false };
  }

  /**
   * Reads the whole directory again while the remembered one keeps answering; on success the new one replaces
   * it (and is remembered in turn). Departments are read first, so the walk covers departments created since.
   */
  async refresh(): Promise<void> {
    await this.whenSeeded();
    if (this.remembered) this.remembered.refreshing = true;
    const remembered = this.remembered;
    try {
      await this.departmentIndex({ fresh: true });
      for (const c of [this.usersCache, this.groupsCache, this.membersCache, this.groupIndexCache]) c.expire();
      await this.scopeCache.get(scopeKey({ kind: 'all' }), () => this.loadAndRemember({ kind: 'all' }), { fresh: true });
      // Other scopes were built from the remembered data: rebuilt on their next read.
      this.scopeCache.expire((key) => key !== scopeKey({ kind: 'all' }));
      if (this.remembered === remembered) this.remembered = null;
    } catch (e) {
      if (remembered) remembered.refreshing = false;
      throw e;
    }
  }

  /** When the directory shown was taken, and whether it is being read again; null once it is the live one. */
  rememberedState(): { takenAt: number; refreshing: boolean } | null {
    return this.remembered ? { ...this.remembered } : null;
  }
}

export function scopeKey(scope: Scope): string {
  if (scope.kind === 'all') return 'all';
  if (scope.kind === 'department') return `department:${scope.id}:${scope.recursive === false ? 'direct' : 'tree'}`;
  return `group:${scope.id}`;
}
