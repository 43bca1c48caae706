// A believable company for the demo tenant: a fixed department tree (总经办, 研发中心 with its teams, 销售部
// with regional branches, stores, 客服中心 …), attendance groups by site and way of working, mostly Chinese
// staff with a few foreign colleagues, job titles that fit each department. Deterministic from the seed.
// No test fixtures here: the awkward names exporters must survive live in tenant.ts behind `hostile`.
import { createRng, type Rng } from './rng';
import { GIVEN, SURNAMES, TENANT_EPOCH_SECONDS, newFaceKey, uniqueId, type GeneratedTenant, type SimDepartmentExtra, type SimGroupExtra } from './tenant';
import type { SimDepartment, SimFace, SimGroup, SimUser } from './types';

/** Attendance groups, by key. A department's staff clock in with its group (inherited by sub-departments). */
const GROUPS = {
  hq: '总部考勤组',
  rd: '研发弹性考勤',
  field: '销售外勤考勤',
  store: '门店排班',
  service: '客服中心轮班',
} as const;
type GroupKey = keyof typeof GROUPS;

interface Unit {
  zh: string;
  en: string;
  /** Share of the staff working directly in this department (leaders sit in the parent, teams in the leaves). */
  weight: number;
  group?: GroupKey;
  titles?: readonly string[];
  children?: readonly Unit[];
}

const RD_TITLES = ['软件工程师', '高级软件工程师', '资深工程师', '技术专家', '实习生'];
const SALES_TITLES = ['销售代表', '客户经理', '大客户经理', '销售助理'];
const STORE_TITLES = ['店员', '收银员', '店长助理', '导购'];

/** The organisation chart. Weights are relative; 研发中心 and 销售部 are the big ones, as in most tech companies. */
const COMPANY: readonly Unit[] = [
  { zh: '总经办', en: "CEO's Office", weight: 3, group: 'hq', titles: ['总经理助理', '董事会秘书', '战略分析师'] },
  {
    zh: '人力资源部', en: 'Human Resources', weight: 2, group: 'hq', titles: ['HRBP', '人力资源经理'],
    children: [
      { zh: '招聘组', en: 'Recruiting', weight: 3, titles: ['招聘专员', '招聘经理'] },
      { zh: '薪酬绩效组', en: 'Compensation & Performance', weight: 2, titles: ['薪酬专员', '绩效专员'] },
      { zh: '培训发展组', en: 'Learning & Development', weight: 2, titles: ['培训专员'] },
    ],
  },
  {
    zh: '财务部', en: 'Finance', weight: 2, group: 'hq', titles: ['财务经理', '财务总监'],
    children: [
      { zh: '会计组', en: 'Accounting', weight: 4, titles: ['会计', '总账会计', '税务会计'] },
      { zh: '资金组', en: 'Treasury', weight: 2, titles: ['出纳', '资金专员'] },
    ],
  },
  {
    zh: '研发中心', en: 'R&D Center', weight: 2, group: 'rd', titles: ['研发总监', '架构师'],
    children: [
      { zh: '前端组', en: 'Frontend', weight: 10, titles: ['前端工程师', ...RD_TITLES] },
      { zh: '后端组', en: 'Backend', weight: 12, titles: ['后端工程师', ...RD_TITLES] },
      { zh: '移动端组', en: 'Mobile', weight: 7, titles: ['iOS 工程师', 'Android 工程师', ...RD_TITLES] },
      { zh: '测试组', en: 'QA', weight: 6, titles: ['测试工程师', '测试开发工程师'] },
      { zh: '数据平台组', en: 'Data Platform', weight: 6, titles: ['数据工程师', '数据分析师', ...RD_TITLES] },
      { zh: '基础架构组', en: 'Infrastructure', weight: 5, titles: ['运维工程师', 'SRE 工程师', ...RD_TITLES] },
    ],
  },
  {
    zh: '产品部', en: 'Product', weight: 2, group: 'rd', titles: ['产品总监'],
    children: [
      { zh: '产品规划组', en: 'Product Management', weight: 5, titles: ['产品经理', '高级产品经理', '产品助理'] },
      { zh: '用户体验组', en: 'User Experience', weight: 4, titles: ['交互设计师', '视觉设计师', '用户研究员'] },
    ],
  },
  {
    zh: '销售部', en: 'Sales', weight: 2, group: 'field', titles: ['销售总监', '销售运营专员'],
    children: [
      {
        zh: '华东大区', en: 'East China', weight: 2, titles: ['大区经理'],
        children: [
          { zh: '上海办事处', en: 'Shanghai Office', weight: 7, titles: SALES_TITLES },
          { zh: '杭州办事处', en: 'Hangzhou Office', weight: 4, titles: SALES_TITLES },
        ],
      },
      {
        zh: '华南大区', en: 'South China', weight: 2, titles: ['大区经理'],
        children: [
          { zh: '深圳办事处', en: 'Shenzhen Office', weight: 6, titles: SALES_TITLES },
          { zh: '广州办事处', en: 'Guangzhou Office', weight: 4, titles: SALES_TITLES },
        ],
      },
      { zh: '华北大区', en: 'North China', weight: 7, titles: ['大区经理', ...SALES_TITLES] },
    ],
  },
  {
    zh: '市场部', en: 'Marketing', weight: 2, group: 'hq', titles: ['市场总监'],
    children: [
      { zh: '品牌公关组', en: 'Brand & PR', weight: 3, titles: ['品牌经理', '公关专员', '文案策划'] },
      { zh: '增长运营组', en: 'Growth', weight: 4, titles: ['运营专员', '新媒体运营', '活动策划'] },
    ],
  },
  {
    zh: '门店运营部', en: 'Retail Stores', weight: 1, group: 'store', titles: ['门店运营经理'],
    children: [
      { zh: '上海徐汇店', en: 'Shanghai Xuhui Store', weight: 5, titles: ['店长', ...STORE_TITLES] },
      { zh: '上海浦东店', en: 'Shanghai Pudong Store', weight: 5, titles: ['店长', ...STORE_TITLES] },
      { zh: '深圳南山店', en: 'Shenzhen Nanshan Store', weight: 4, titles: ['店长', ...STORE_TITLES] },
    ],
  },
  {
    zh: '客服中心', en: 'Customer Service', weight: 1, group: 'service', titles: ['客服经理'],
    children: [
      { zh: '热线组', en: 'Hotline', weight: 6, titles: ['客服专员', '客服组长'] },
      { zh: '在线客服组', en: 'Online Support', weight: 5, titles: ['在线客服', '客服组长'] },
    ],
  },
  { zh: '行政部', en: 'Administration', weight: 4, group: 'hq', titles: ['行政专员', '前台', '行政经理', 'IT 支持'] },
  { zh: '法务部', en: 'Legal', weight: 2, group: 'hq', titles: ['法务专员', '法务经理'] },
];

/** Foreign colleagues, each name once: about one in ten in the departments that usually have them (~5 % overall). */
const FOREIGN_NAMES: readonly string[] = [
  'David Miller', 'Emily Johnson', 'Lucas Martin', 'Sophie Turner', 'Daniel Kim', 'Anna Schmidt', 'James Wilson',
  'Olivia Brown', 'Kenji Sato', 'Maria Garcia', 'Thomas Müller', 'Grace Lee',
];
const FOREIGN_SHARE_IN_DEPARTMENT = 0.1;
const FOREIGN_DEPARTMENTS = new Set(['研发中心', '产品部', '市场部', '总经办']);
/** About one in a hundred has resigned (listed only with "include resigned"). */
const RESIGNED_EVERY = 97;

interface Placed {
  open: string;
  top: string;
  group: GroupKey;
  titles: readonly string[];
  weight: number;
}

/** Letters only, for e-mail addresses ("Müller" → "muller"). */
function ascii(s: string): string {
  return s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

function groupId(rng: Rng, used: Set<string>): string {
  // Group ids are 19-digit numbers, as Feishu's are.
  return uniqueId(rng, used, (r) => `69${String(r.uint32()).padStart(10, '0')}${String(r.uint32() % 10_000_000).padStart(7, '0')}`);
}

/** The demo company with `employees` staff and about `enrolledShare` of them enrolled. */
export function generateCompany(size: { seed: number; employees: number; enrolledShare: number }): GeneratedTenant {
  const rng = createRng(size.seed);
  const usedIds = new Set<string>();
  const departments: SimDepartment[] = [];
  const departmentExtra = new Map<string, SimDepartmentExtra>();
  const placed: Placed[] = [];

  const addUnits = (units: readonly Unit[], parent: string, depth: number, top: string | null, group: GroupKey, titles: readonly string[]): void => {
    units.forEach((unit, index) => {
      const open = uniqueId(rng, usedIds, (r) => `od-${r.hex(32)}`);
      const custom = uniqueId(rng, usedIds, (r) => `D${(r.uint32() % 90_000_000) + 10_000_000}`);
      departments.push({ open_department_id: open, department_id: custom, parent_department_id: parent, name: unit.zh });
      departmentExtra.set(open, { enName: unit.en, order: (index + 1) * 1000, depth });
      const own = { open, top: top ?? unit.zh, group: unit.group ?? group, titles: unit.titles ?? titles, weight: unit.weight };
      placed.push(own);
      if (unit.children) addUnits(unit.children, open, depth + 1, own.top, own.group, own.titles);
    });
  };
  addUnits(COMPANY, '0', 1, null, 'hq', ['专员']);

  // Attendance groups, in a fixed order.
  const groups: SimGroup[] = [];
  const groupExtra = new Map<string, SimGroupExtra>();
  const groupOf = new Map<GroupKey, SimGroup>();
  for (const key of Object.keys(GROUPS) as GroupKey[]) {
    const g: SimGroup = { group_id: groupId(rng, usedIds), group_name: GROUPS[key], user_ids: [] };
    groups.push(g);
    groupOf.set(key, g);
    groupExtra.set(g.group_id, { updatedAt: TENANT_EPOCH_SECONDS - rng.int(365 * 86400), exemptUserIds: new Set() });
  }

  // Employees: the general manager first, then everyone placed by department weight.
  const totalWeight = placed.reduce((sum, p) => sum + p.weight, 0);
  const pickPlace = (): Placed => {
    let roll = rng.next() * totalWeight;
    for (const p of placed) {
      roll -= p.weight;
      if (roll < 0) return p;
    }
    return placed[placed.length - 1] as Placed;
  };
  const users: SimUser[] = [];
  const employeeCount = Math.max(0, Math.floor(size.employees));
  const usedForeign = new Set<string>();
  for (let i = 0; i < employeeCount; i++) {
    const place = i === 0 ? (placed[0] as Placed) : pickPlace();
    const no = String(i + 1).padStart(5, '0');
    const foreignName = FOREIGN_DEPARTMENTS.has(place.top) && i > 0 && rng.next() < FOREIGN_SHARE_IN_DEPARTMENT ? rng.pick(FOREIGN_NAMES) : undefined;
    const foreign = foreignName && !usedForeign.has(foreignName) ? foreignName : undefined;
    if (foreign) usedForeign.add(foreign);
    const [sz, sp] = rng.pick(SURNAMES);
    const g1 = rng.pick(GIVEN);
    const g2 = rng.next() < 0.6 ? rng.pick(GIVEN) : undefined;
    const pinyin = g1[1] + (g2 ? g2[1] : '');
    const [first, last] = foreign ? (foreign.split(' ') as [string, string]) : [`${pinyin[0]?.toUpperCase()}${pinyin.slice(1)}`, sp];
    const resigned = i > 2 && i % RESIGNED_EVERY === 50 % RESIGNED_EVERY;
    const departmentIds = [place.open];
    // The second employee also works for 研发中心, as a cross-team product lead does.
    if (i === 1) {
      const rd = placed.find((p) => p.top === '研发中心' && p.open !== place.open);
      if (rd) departmentIds.push(rd.open);
    }
    users.push({
      user_id: uniqueId(rng, usedIds, (r) => r.hex(8)),
      open_id: `ou_${rng.hex(32)}`,
      union_id: `on_${rng.hex(32)}`,
      name: foreign ?? sz + g1[0] + (g2 ? g2[0] : ''),
      en_name: `${first} ${last}`,
      employee_no: `E${no}`,
      email: `${ascii(first)}.${ascii(last)}${no}@example.com`,
      mobile: `+861${rng.pick(['3', '5', '8', '9'])}${String(rng.uint32() % 1_000_000_000).padStart(9, '0')}`,
      job_title: i === 0 ? '总经理' : rng.pick(place.titles),
      department_ids: departmentIds,
      status: { is_resigned: resigned, is_activated: !resigned, is_frozen: false, is_exited: resigned, is_unjoin: false },
    });
    // Active staff clock in with their department's group; the general manager is exempt.
    if (!resigned) {
      const g = groupOf.get(place.group) as SimGroup;
      g.user_ids.push(users[i]!.user_id);
      if (i === 0) groupExtra.get(g.group_id)?.exemptUserIds.add(users[i]!.user_id);
    }
  }

  return { tenant: { departments, users, groups, faces: enrolFaces(rng, users, size.enrolledShare) }, departmentExtra, groupExtra };
}

/** Face enrolments: most staff, at varied times over the last two years (draws every key, so the rng moves the same). */
function enrolFaces(rng: Rng, users: readonly SimUser[], enrolledShare: number): Map<string, SimFace> {
  const faces = new Map<string, SimFace>();
  const usedKeys = new Set<string>();
  const twoYears = 2 * 365 * 86400;
  for (const u of users) {
    const enrolled = rng.next() < enrolledShare;
    const faceKey = newFaceKey(rng, usedKeys);
    const when = TENANT_EPOCH_SECONDS - rng.int(twoYears);
    const mime = rng.next() < 0.15 ? 'image/png' : 'image/jpeg';
    if (enrolled) faces.set(u.user_id, { face_key: faceKey, face_key_update_time: String(when), mime });
  }
  return faces;
}
