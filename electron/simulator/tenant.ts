// Deterministic fake tenant: departments, employees, attendance groups and face enrolments, all derived
// from one seed; with `hostile`, also the awkward names an exporter must survive (tests and benchmarks only).
import { createRng, type Rng } from './rng';
import type { SimDepartment, SimFace, SimGroup, SimTenant, SimUser } from './types';

export interface TenantSize {
  seed: number;
  employees: number;
  departments: number;
  groups: number;
  enrolledShare: number;
  /**
   * Add the hostile fixtures (HOSTILE_EMPLOYEES, HOSTILE_DEPARTMENTS, HOSTILE_GROUPS) when employees ≥
   * HOSTILE_MIN_EMPLOYEES (default false). Every other id, name, membership and face is the same either way.
   */
  hostile?: boolean;
  /** Add TWIN_DEPARTMENTS (a test fixture, never in the demo tenant; default false). */
  twinDepartments?: boolean;
}

/**
 * Employees whose names break naive file naming. Present (with these exact user_ids) in every `hostile`
 * tenant of at least HOSTILE_MIN_EMPLOYEES employees, always enrolled unless enrolledShare is 0.
 */
export const HOSTILE_EMPLOYEES: ReadonlyArray<{ userId: string; name: string; enName: string; why: string }> = [
  { userId: 'hz000001', name: '张伟', enName: 'Wei Zhang', why: 'same name as hz000002' },
  { userId: 'hz000002', name: '张伟', enName: 'Wei Zhang', why: 'same name as hz000001' },
  { userId: 'hz000003', name: '王/小明', enName: 'Xiaoming/Wang', why: 'slash' },
  { userId: 'hz000004', name: '..', enName: '..', why: 'parent-directory name' },
  { userId: 'hz000005', name: '../../李四', enName: '../../Si Li', why: 'path traversal' },
  { userId: 'hz000006', name: '赵\\六', enName: 'Liu\\Zhao', why: 'backslash' },
  { userId: 'hz000007', name: '钱:七', enName: 'Qi:Qian', why: 'colon' },
  { userId: 'hz000008', name: '孙*?"<>|八', enName: 'Ba*?"<>|Sun', why: 'Windows-forbidden characters' },
  { userId: 'hz000009', name: '周九😀', enName: 'Jiu Zhou 😀', why: 'emoji' },
  { userId: 'hz000010', name: '吴十.', enName: 'Shi Wu.', why: 'trailing dot' },
  { userId: 'hz000011', name: '郑十一 ', enName: 'Shiyi Zheng ', why: 'trailing space' },
  { userId: 'hz000012', name: 'CON', enName: 'CON', why: 'reserved device name' },
  { userId: 'hz000013', name: 'aux', enName: 'aux', why: 'reserved device name, lower case' },
  { userId: 'hz000014', name: 'COM1', enName: 'COM1', why: 'reserved device name' },
  { userId: 'hz000015', name: '欧阳' + '长'.repeat(298), enName: 'Ouyang ' + 'Chang'.repeat(59), why: '300-character name' },
  { userId: 'hz000016', name: 'Anna', enName: 'Anna', why: 'differs only by case from hz000017' },
  { userId: 'hz000017', name: 'ANNA', enName: 'ANNA', why: 'differs only by case from hz000016' },
  { userId: 'hz000018', name: '=HYPERLINK("https://example.invalid","点我")', enName: '=1+2', why: 'spreadsheet formula in a CSV cell' },
];
export const HOSTILE_USER_IDS: readonly string[] = HOSTILE_EMPLOYEES.map((e) => e.userId);
export const HOSTILE_MIN_EMPLOYEES = 60;
/**
 * Departments whose names break naive folder naming. Added after the ordinary ones (so ordinary ids do not move)
 * to every `hostile` tenant of at least HOSTILE_MIN_EMPLOYEES employees with at least one department; `parent` is the index
 * of another hostile department, or -1 for the root. Each gets one ordinary employee moved into it.
 */
export const HOSTILE_DEPARTMENTS: ReadonlyArray<{ name: string; enName: string; parent: number; why: string }> = [
  { name: '研发/测试中心', enName: 'R&D/QA', parent: -1, why: 'slash' },
  { name: '..', enName: '..', parent: -1, why: 'parent-directory name' },
  { name: 'CON', enName: 'CON', parent: -1, why: 'reserved device name' },
  { name: '🚀增长部', enName: '🚀 Growth', parent: -1, why: 'emoji' },
  { name: '售后部.', enName: 'After-sales.', parent: -1, why: 'trailing dot' },
  { name: '客服部 ', enName: 'Support ', parent: -1, why: 'trailing space' },
  { name: 'Team Alpha', enName: 'Team Alpha', parent: 1, why: 'differs only by case from its sibling TEAM ALPHA' },
  { name: 'TEAM ALPHA', enName: 'TEAM ALPHA', parent: 1, why: 'differs only by case from its sibling Team Alpha' },
];
/**
 * Test fixture: two departments named 一组 under different parents (双子中心/测试组/一组, 双子中心/品牌组/一组), added
 * last when asked for; `parent` as in HOSTILE_DEPARTMENTS. Each 一组 gets one ordinary, active, enrolled employee.
 */
export const TWIN_DEPARTMENTS: ReadonlyArray<{ name: string; enName: string; parent: number }> = [
  { name: '双子中心', enName: 'Twin Center', parent: -1 },
  { name: '测试组', enName: 'QA', parent: 0 },
  { name: '品牌组', enName: 'Brand', parent: 0 },
  { name: '一组', enName: 'Team 1', parent: 1 },
  { name: '一组', enName: 'Team 1', parent: 2 },
];
/** Attendance groups with the same kind of names; added after the ordinary groups when groups ≥ 1. One member each at least. */
export const HOSTILE_GROUPS: ReadonlyArray<{ name: string; why: string }> = [
  { name: '外勤/驻场组', why: 'slash' },
  { name: '..', why: 'parent-directory name' },
  { name: 'CON', why: 'reserved device name' },
  { name: '🌙夜班组', why: 'emoji' },
  { name: '弹性组.', why: 'trailing dot' },
  { name: '轮班组 ', why: 'trailing space' },
  { name: 'Shift A', why: 'differs only by case from SHIFT A' },
  { name: 'SHIFT A', why: 'differs only by case from Shift A' },
];
/** Where the hostile employees sit in the employee list (after some ordinary ones). */
const HOSTILE_FIRST_INDEX = 23;

/** Face update times are spread over the two years before this instant, so a seed gives one tenant. */
export const TENANT_EPOCH_SECONDS = Date.UTC(2026, 9, 1) / 1000;

export const SURNAMES: ReadonlyArray<[string, string]> = [
  ['王', 'Wang'], ['李', 'Li'], ['张', 'Zhang'], ['刘', 'Liu'], ['陈', 'Chen'], ['杨', 'Yang'], ['黄', 'Huang'],
  ['赵', 'Zhao'], ['吴', 'Wu'], ['周', 'Zhou'], ['徐', 'Xu'], ['孙', 'Sun'], ['马', 'Ma'], ['朱', 'Zhu'],
  ['胡', 'Hu'], ['郭', 'Guo'], ['何', 'He'], ['高', 'Gao'], ['林', 'Lin'], ['罗', 'Luo'], ['郑', 'Zheng'],
  ['梁', 'Liang'], ['谢', 'Xie'], ['宋', 'Song'], ['唐', 'Tang'], ['许', 'Xu'], ['韩', 'Han'], ['冯', 'Feng'],
  ['邓', 'Deng'], ['曹', 'Cao'], ['彭', 'Peng'], ['曾', 'Zeng'], ['萧', 'Xiao'], ['田', 'Tian'], ['董', 'Dong'],
  ['潘', 'Pan'], ['袁', 'Yuan'], ['蔡', 'Cai'], ['蒋', 'Jiang'], ['余', 'Yu'], ['欧阳', 'Ouyang'], ['司马', 'Sima'],
];
export const GIVEN: ReadonlyArray<[string, string]> = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'],
  ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['勇', 'yong'], ['艳', 'yan'], ['杰', 'jie'], ['娟', 'juan'],
  ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['秀', 'xiu'], ['霞', 'xia'], ['平', 'ping'], ['刚', 'gang'],
  ['桂', 'gui'], ['英', 'ying'], ['华', 'hua'], ['文', 'wen'], ['辉', 'hui'], ['玲', 'ling'], ['建', 'jian'],
  ['晨', 'chen'], ['宇', 'yu'], ['欣', 'xin'], ['怡', 'yi'], ['浩', 'hao'], ['然', 'ran'], ['子', 'zi'],
  ['涵', 'han'], ['博', 'bo'], ['思', 'si'], ['雨', 'yu'], ['萱', 'xuan'], ['俊', 'jun'], ['嘉', 'jia'],
];
const JOB_TITLES = [
  '软件工程师', '高级软件工程师', '前端工程师', '测试工程师', '产品经理', '设计师', '销售经理', '客户经理',
  'HRBP', '招聘专员', '会计', '出纳', '行政专员', '运营专员', '数据分析师', '部门经理', '实习生', '技术专家',
];
const TOP_DEPARTMENTS: ReadonlyArray<[string, string]> = [
  ['研发中心', 'R&D Center'], ['产品部', 'Product'], ['市场部', 'Marketing'], ['销售部', 'Sales'],
  ['人力资源部', 'Human Resources'], ['财务部', 'Finance'], ['行政部', 'Administration'],
  ['客户成功部', 'Customer Success'], ['运营中心', 'Operations'], ['法务部', 'Legal'],
];
const SUB_DEPARTMENTS: ReadonlyArray<[string, string]> = [
  ['前端组', 'Frontend'], ['后端组', 'Backend'], ['测试组', 'QA'], ['移动端组', 'Mobile'], ['数据组', 'Data'],
  ['华东区', 'East China'], ['华南区', 'South China'], ['华北区', 'North China'], ['西南区', 'Southwest'],
  ['招聘组', 'Recruiting'], ['薪酬组', 'Compensation'], ['培训组', 'Training'], ['设计组', 'Design'],
  ['品牌组', 'Brand'], ['渠道组', 'Channels'], ['总账组', 'General Ledger'], ['采购组', 'Procurement'],
];
const TEAMS: ReadonlyArray<[string, string]> = [
  ['一组', 'Team 1'], ['二组', 'Team 2'], ['三组', 'Team 3'], ['上海小组', 'Shanghai'], ['北京小组', 'Beijing'],
  ['深圳小组', 'Shenzhen'], ['杭州小组', 'Hangzhou'], ['成都小组', 'Chengdu'], ['武汉小组', 'Wuhan'],
];
const GROUP_NAMES = [
  '总部考勤组', '研发考勤组', '销售外勤组', '上海分公司考勤组', '深圳分公司考勤组', '弹性工时组', '门店排班组',
  '北京分公司考勤组', '客服轮班组', '实习生考勤组',
];

/** Extra per-department detail the API returns but SimDepartment does not carry. */
export interface SimDepartmentExtra {
  enName: string;
  order: number;
  depth: number;
}

/** Extra per-group detail: when it changed (search sorts by it) and who is exempt from clocking in. */
export interface SimGroupExtra {
  updatedAt: number;
  exemptUserIds: Set<string>;
}

export interface GeneratedTenant {
  tenant: SimTenant;
  departmentExtra: Map<string, SimDepartmentExtra>;
  groupExtra: Map<string, SimGroupExtra>;
}

export function uniqueId(rng: Rng, used: Set<string>, make: (r: Rng) => string): string {
  for (;;) {
    const id = make(rng);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** A fresh 32-hex face_key, never equal to one already used. */
export function newFaceKey(rng: Rng, used: Set<string>): string {
  return uniqueId(rng, used, (r) => r.hex(32));
}

/** TWIN_DEPARTMENTS, from their own random stream; the last two enrolled, active, ordinary employees move into the 一组s. */
function addTwinDepartments(
  rng: Rng,
  users: SimUser[],
  faces: Map<string, SimFace>,
  push: PushDepartment,
): void {
  const opened: string[] = [];
  const depths: number[] = [];
  const siblings = new Map<string, Set<string>>();
  const movers = users.filter((u) => !u.status.is_resigned && faces.has(u.user_id) && !HOSTILE_USER_IDS.includes(u.user_id));
  for (const t of TWIN_DEPARTMENTS) {
    const parent = t.parent < 0 ? '0' : (opened[t.parent] as string);
    if (!siblings.has(parent)) siblings.set(parent, new Set());
    const depth = t.parent < 0 ? 1 : (depths[t.parent] as number) + 1;
    const open = push(rng, parent, depth, t.name, t.enName, siblings.get(parent)!);
    opened.push(open);
    depths.push(depth);
    const mover = t.name === '一组' ? movers.pop() : undefined;
    if (mover) mover.department_ids = [open];
  }
}

/** What the phases of generateTenant share: the main random stream, the ids in use, and what is built so far. */
interface TenantBuild {
  size: TenantSize;
  rng: Rng;
  usedIds: Set<string>;
  departments: SimDepartment[];
  departmentExtra: Map<string, SimDepartmentExtra>;
  childNames: Map<string, Set<string>>;
  users: SimUser[];
  groups: SimGroup[];
  groupExtra: Map<string, SimGroupExtra>;
  faces: Map<string, SimFace>;
}

type PushDepartment = (idRng: Rng, parent: string, depth: number, zh: string, en: string, siblings: Set<string>) => string;

function departmentPusher(b: TenantBuild): PushDepartment {
  return (idRng, parent, depth, zh, en, siblings) => {
    siblings.add(zh);
    const open = uniqueId(idRng, b.usedIds, (r) => `od-${r.hex(32)}`);
    const custom = uniqueId(idRng, b.usedIds, (r) => `D${(r.uint32() % 90_000_000) + 10_000_000}`);
    b.departments.push({ open_department_id: open, department_id: custom, parent_department_id: parent, name: zh });
    b.departmentExtra.set(open, { enName: en, order: siblings.size * 1000, depth });
    return open;
  };
}

function siblingsOf(b: TenantBuild, parent: string): Set<string> {
  const siblings = b.childNames.get(parent) ?? new Set<string>();
  b.childNames.set(parent, siblings);
  return siblings;
}

function departmentCount(size: TenantSize): number {
  return Math.max(0, Math.floor(size.departments));
}

/** A few top-level departments, then second and third levels hung under earlier ones. */
function generateDepartments(b: TenantBuild): void {
  const deptCount = departmentCount(b.size);
  const topCount = Math.min(deptCount, Math.max(3, Math.min(TOP_DEPARTMENTS.length, Math.ceil(deptCount / 6))));
  const push = departmentPusher(b);
  const addDepartment = (parent: string, depth: number, pool: ReadonlyArray<[string, string]>, hint: number): void => {
    const siblings = siblingsOf(b, parent);
    let [zh, en] = pool[hint % pool.length] as [string, string];
    for (let n = 2; siblings.has(zh); n++) {
      const base = pool[hint % pool.length] as [string, string];
      zh = `${base[0]}${n}`;
      en = `${base[1]} ${n}`;
    }
    push(b.rng, parent, depth, zh, en, siblings);
  };
  for (let i = 0; i < topCount; i++) addDepartment('0', 1, TOP_DEPARTMENTS, i);
  const level2: string[] = [];
  for (let i = topCount; i < deptCount; i++) {
    // Roughly two in three go to level 2 until every top department has children; the rest become teams.
    const makeTeam = level2.length >= topCount && b.rng.next() < 0.35;
    if (makeTeam) {
      const parent = b.rng.pick(level2);
      addDepartment(parent, 3, TEAMS, b.childNames.get(parent)?.size ?? 0);
    } else {
      const parent = (b.departments[level2.length % topCount] as SimDepartment).open_department_id;
      addDepartment(parent, 2, SUB_DEPARTMENTS, b.rng.int(SUB_DEPARTMENTS.length));
      level2.push((b.departments[b.departments.length - 1] as SimDepartment).open_department_id);
    }
  }
}

function hostileEnabled(size: TenantSize): boolean {
  return size.hostile === true && Math.max(0, Math.floor(size.employees)) >= HOSTILE_MIN_EMPLOYEES;
}

/** Employee i; h is the hostile fixture in its slot, if any; idRng draws the user_id. */
function generateEmployee(b: TenantBuild, i: number, h: (typeof HOSTILE_EMPLOYEES)[number] | undefined, idRng: Rng): SimUser {
  const { rng, departments } = b;
  const resignedEvery = 97; // about 1% resigned, deterministic positions
  const [sz, sp] = rng.pick(SURNAMES);
  const g1 = rng.pick(GIVEN);
  const g2 = rng.next() < 0.6 ? rng.pick(GIVEN) : undefined;
  const givenPinyin = g1[1] + (g2 ? g2[1] : '');
  const no = String(i + 1).padStart(5, '0');
  const userId = h ? h.userId : uniqueId(idRng, b.usedIds, (r) => r.hex(8));
  const openId = `ou_${rng.hex(32)}`;
  const unionId = `on_${rng.hex(32)}`;
  const mobile = `+861${rng.pick(['3', '5', '8', '9'])}${String(rng.uint32() % 1_000_000_000).padStart(9, '0')}`;
  const jobTitle = i === 0 ? '首席执行官' : rng.pick(JOB_TITLES);
  let departmentIds: string[];
  if (i === 0 || departments.length === 0) departmentIds = ['0'];
  else departmentIds = [(departments[rng.int(departments.length)] as SimDepartment).open_department_id];
  // Employee #2 sits in two departments, as cross-team staff do.
  if (i === 1 && departments.length > 1) {
    const second = departments.find((d) => d.open_department_id !== departmentIds[0]);
    if (second) departmentIds.push(second.open_department_id);
  }
  const resigned = !h && i > 2 && i % resignedEvery === 50 % resignedEvery;
  return {
    user_id: userId,
    open_id: openId,
    union_id: unionId,
    name: h ? h.name : sz + g1[0] + (g2 ? g2[0] : ''),
    en_name: h ? h.enName : `${givenPinyin[0]?.toUpperCase()}${givenPinyin.slice(1)} ${sp}`,
    employee_no: `E${no}`,
    email: `${givenPinyin}.${sp.toLowerCase()}${no}@example.com`,
    mobile,
    job_title: jobTitle,
    department_ids: departmentIds,
    status: { is_resigned: resigned, is_activated: !resigned, is_frozen: false, is_exited: resigned, is_unjoin: false },
  };
}

function generateEmployees(b: TenantBuild): void {
  const employeeCount = Math.max(0, Math.floor(b.size.employees));
  const hostile = hostileEnabled(b.size);
  // Without the fixtures, their slots get ordinary employees whose ids come from a side stream, so the
  // main stream (and with it every other employee) is the same as in the hostile tenant.
  const slotRng = createRng(b.size.seed ^ 0x2f6b3c1d);
  for (let i = 0; i < employeeCount; i++) {
    const slot = employeeCount >= HOSTILE_MIN_EMPLOYEES ? i - HOSTILE_FIRST_INDEX : -1;
    const inSlot = slot >= 0 && slot < HOSTILE_EMPLOYEES.length;
    const h = hostile && inSlot ? HOSTILE_EMPLOYEES[slot] : undefined;
    b.users.push(generateEmployee(b, i, h, inSlot ? slotRng : b.rng));
  }
}

/** Group ids are 19-digit numbers, as Feishu's are. */
function newGroupId(rng: Rng, usedIds: Set<string>): string {
  return uniqueId(rng, usedIds, (r) => `69${String(r.uint32()).padStart(10, '0')}${String(r.uint32() % 10_000_000).padStart(7, '0')}`);
}

/** The top-level department above each department. */
function topDepartments(departments: readonly SimDepartment[]): Map<string, string> {
  const parentOf = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const findTop = (id: string): string => {
    let cur = id;
    for (let guard = 0; guard < 10; guard++) {
      const p = parentOf.get(cur);
      if (p === undefined || p === '0') return cur;
      cur = p;
    }
    return cur;
  };
  return new Map(departments.map((d) => [d.open_department_id, findTop(d.open_department_id)]));
}

/** Attendance groups: each active employee in one group (a few in none), chosen by top-level department. */
function generateGroups(b: TenantBuild): void {
  const { rng, groups } = b;
  const groupCount = Math.max(0, Math.floor(b.size.groups));
  for (let i = 0; i < groupCount; i++) {
    const base = GROUP_NAMES[i % GROUP_NAMES.length] as string;
    const name = i < GROUP_NAMES.length ? base : `${base}${Math.floor(i / GROUP_NAMES.length) + 1}`;
    const groupId = newGroupId(rng, b.usedIds);
    groups.push({ group_id: groupId, group_name: name, user_ids: [] });
    b.groupExtra.set(groupId, { updatedAt: TENANT_EPOCH_SECONDS - rng.int(365 * 86400), exemptUserIds: new Set() });
  }
  if (groups.length === 0) return;
  const topIndex = new Map<string, number>();
  b.departments.forEach((d) => {
    if (d.parent_department_id === '0') topIndex.set(d.open_department_id, topIndex.size);
  });
  const topOf = topDepartments(b.departments);
  for (const u of b.users) {
    if (u.status.is_resigned) continue;
    if (rng.next() < 0.03 && !HOSTILE_USER_IDS.includes(u.user_id)) continue; // not in any group yet
    const top = topOf.get(u.department_ids[0] as string);
    const gi = rng.next() < 0.8 && top !== undefined ? (topIndex.get(top) ?? 0) % groups.length : rng.int(groups.length);
    const g = groups[gi] as SimGroup;
    g.user_ids.push(u.user_id);
    if (rng.next() < 0.05) b.groupExtra.get(g.group_id)?.exemptUserIds.add(u.user_id);
  }
}

function generateFaces(b: TenantBuild): void {
  const usedKeys = new Set<string>();
  const twoYears = 2 * 365 * 86400;
  for (const u of b.users) {
    const isHostile = HOSTILE_USER_IDS.includes(u.user_id);
    const roll = b.rng.next();
    const enrolled = isHostile ? b.size.enrolledShare > 0 : roll < b.size.enrolledShare;
    const faceKey = newFaceKey(b.rng, usedKeys);
    const when = TENANT_EPOCH_SECONDS - b.rng.int(twoYears);
    const mime = b.rng.next() < 0.15 ? 'image/png' : 'image/jpeg';
    if (enrolled) b.faces.set(u.user_id, { face_key: faceKey, face_key_update_time: String(when), mime });
  }
}

/** Moves `mover` out of every group into nothing (the caller puts them in a hostile group). */
function leaveAllGroups(b: TenantBuild, userId: string): void {
  for (const g of b.groups) {
    const at = g.user_ids.indexOf(userId);
    if (at >= 0) g.user_ids.splice(at, 1);
    b.groupExtra.get(g.group_id)?.exemptUserIds.delete(userId);
  }
}

/**
 * Hostile department and group names, from their own random stream and after everything else,
 * so every ordinary id, name, membership and face stays what it was without them.
 */
function addHostileNames(b: TenantBuild): void {
  const hostileRng = createRng(b.size.seed ^ 0x5bd1e995);
  // Ordinary, active employees at fixed positions (not the CEO, not the one in two departments).
  const movable = b.users.filter((u, i) => i >= 2 && !u.status.is_resigned && !HOSTILE_USER_IDS.includes(u.user_id));
  let nextMover = 0;
  if (departmentCount(b.size) > 0) {
    const push = departmentPusher(b);
    const opened: string[] = [];
    for (const h of HOSTILE_DEPARTMENTS) {
      const parent = h.parent < 0 ? '0' : (opened[h.parent] as string);
      const depth = h.parent < 0 ? 1 : 2;
      const open = push(hostileRng, parent, depth, h.name, h.enName, siblingsOf(b, parent));
      opened.push(open);
      const m = movable[nextMover++];
      if (m) m.department_ids = [open];
    }
  }
  if (b.groups.length === 0) return;
  for (const h of HOSTILE_GROUPS) {
    const groupId = newGroupId(hostileRng, b.usedIds);
    const members: string[] = [];
    const mover = movable[nextMover++];
    if (mover) {
      leaveAllGroups(b, mover.user_id);
      members.push(mover.user_id);
    }
    b.groups.push({ group_id: groupId, group_name: h.name, user_ids: members });
    b.groupExtra.set(groupId, { updatedAt: TENANT_EPOCH_SECONDS - hostileRng.int(365 * 86400), exemptUserIds: new Set() });
  }
}

export function generateTenant(size: TenantSize): GeneratedTenant {
  const b: TenantBuild = {
    size,
    rng: createRng(size.seed),
    usedIds: new Set<string>(HOSTILE_USER_IDS),
    departments: [],
    departmentExtra: new Map(),
    childNames: new Map(),
    users: [],
    groups: [],
    groupExtra: new Map(),
    faces: new Map(),
  };
  generateDepartments(b);
  generateEmployees(b);
  generateGroups(b);
  generateFaces(b);
  if (hostileEnabled(size)) addHostileNames(b);
  if (size.twinDepartments) addTwinDepartments(createRng(size.seed ^ 0x7a11), b.users, b.faces, departmentPusher(b));
  const { departments, users, groups, faces, departmentExtra, groupExtra } = b;
  return { tenant: { departments, users, groups, faces }, departmentExtra, groupExtra };
}
