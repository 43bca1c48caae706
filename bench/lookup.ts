// Bench sections for a large tenant (20,000 employees, 40 ms latency, Feishu's 50/s and 1000 contact calls a
// minute): `lookup` times cold `check` by user_id and by e-mail and `export --users` of 10 through the CLI's own
// functions (in process, so the figure is the lookup's, not Node's start-up); `walk` times a cold full directory
// read against its quota floor. Each section starts its own simulator process, so either runs alone.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCore } from '../electron/core/index';
import { runCheck, runExport } from '../electron/cli/commands';
import { Reporter } from '../electron/cli/report';
import { openSession } from '../electron/cli/session';
import type { SimStats, SimulatorOptions } from '../electron/simulator/types';
import type { HostPerson, HostReady, HostRequest, WalkNeeds } from './sim-host';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export interface BenchHost {
  ready: HostReady;
  call<T>(req: DistributiveOmit<HostRequest, 'id'>): Promise<T>;
}

export interface LargeTenantBenchDeps {
  startSimHost: (options: SimulatorOptions) => Promise<BenchHost>;
  check: (name: string, value: string, target: string, pass: boolean) => void;
  figures: Record<string, unknown>;
  work: string;
}

/** Feishu's contact quota per endpoint and minute, which the simulator enforces here. */
const CONTACT_PER_MINUTE = 1000;
const PER_SECOND = 50;
/** The largest page the contact lists allow (docs/feishu-api.md §1). */
const CONTACT_PAGE = 50;

export const LARGE_TENANT: SimulatorOptions = {
  seed: 11,
  employees: 20_000,
  latencyMs: 40,
  latencyJitterMs: 0,
  rateLimitPerSecond: PER_SECOND,
  contactPerMinute: CONTACT_PER_MINUTE,
};

/** Calls by endpoint, the token left out (the issue's "calls besides the token"). */
function apiCalls(stats: SimStats): Record<string, number> {
  const { token: _token, ...rest } = stats.requests;
  return Object.fromEntries(Object.entries(rest).filter(([, n]) => n > 0));
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

/** One CLI command run in process against a fresh session and cache (cold): its time, calls and exit code. */
async function timedCommand(
  host: BenchHost,
  cacheDir: string,
  run: (session: Awaited<ReturnType<typeof openSession>>, reporter: Reporter, signal: AbortSignal) => Promise<number>,
): Promise<{ ms: number; calls: Record<string, number>; code: number; out: string }> {
  let out = '';
  const reporter = new Reporter(true, { out: (t) => (out += t), err: () => undefined, tty: false });
  const env = { ...process.env, FEISHU_APP_ID: host.ready.appId, FEISHU_APP_SECRET: host.ready.appSecret, FEISHU_BASE_URL: host.ready.url };
  await host.call({ type: 'resetStats' });
  const started = performance.now();
  const session = await openSession({ cacheDir }, reporter, env);
  let code: number;
  try {
    code = await run(session, reporter, new AbortController().signal);
  } finally {
    await session.close();
  }
  const ms = performance.now() - started;
  const calls = apiCalls(await host.call<SimStats>({ type: 'stats' }));
  return { ms, calls, code, out };
}

export async function benchLookup({ startSimHost, check, figures, work }: LargeTenantBenchDeps): Promise<void> {
  console.log('\n5. Direct lookups on a 20,000-employee tenant (40 ms latency, 50/s, 1000 contact calls/min), each run cold: new session, empty cache');
  const host = await startSimHost(LARGE_TENANT);
  const auditBefore = process.env.FEISHU_AUDIT_DIR;
  process.env.FEISHU_AUDIT_DIR = join(work, 'audit-5');
  try {
    const people = await host.call<HostPerson[]>({ type: 'people', count: 10 });
    const one = people[0]!;
    const results: Record<string, unknown> = {};
    for (const [label, input] of [
      ['user_id', one.userId],
      ['email', one.email],
    ] as const) {
      const r = await timedCommand(host, join(work, `cache-5-${label}`), (s, rep, sig) => runCheck(s, input, undefined, rep, sig));
      const n = total(r.calls);
      results[`check_${label}`] = { ms: Math.round(r.ms), calls: r.calls, code: r.code };
      console.log(`  check by ${label}: ${(r.ms / 1000).toFixed(2)} s, ${n} calls besides the token ${JSON.stringify(r.calls)}, exit ${r.code}`);
      check(`cold check by ${label}: time`, `${(r.ms / 1000).toFixed(2)} s`, '≤ 1 s', r.code === 0 && r.ms <= 1000);
      check(`cold check by ${label}: calls besides the token`, String(n), '≤ 5', r.code === 0 && n <= 5);
    }
    const out = join(work, 'out-5');
    await mkdir(out, { recursive: true });
    const ids = people.map((p) => p.userId);
    const r = await timedCommand(host, join(work, 'cache-5-export'), (s, rep, sig) => runExport(s, { out, selection: { kind: 'users', ids } }, rep, sig));
    const walked = (r.calls['users.find_by_department'] ?? 0) + (r.calls['departments.children'] ?? 0);
    results.export_users_10 = { ms: Math.round(r.ms), calls: r.calls, code: r.code };
    console.log(`  export --users of ${ids.length}: ${(r.ms / 1000).toFixed(2)} s, calls ${JSON.stringify(r.calls)}, exit ${r.code}`);
    check(`cold export --users of ${ids.length}`, `${(r.ms / 1000).toFixed(2)} s${walked ? `, ${walked} directory calls` : ''}`, '≤ 2 s, no directory read', r.code === 0 && r.ms <= 2000 && walked === 0);
    figures.lookup = results;
  } finally {
    if (auditBefore === undefined) delete process.env.FEISHU_AUDIT_DIR;
    else process.env.FEISHU_AUDIT_DIR = auditBefore;
    await host.call({ type: 'close' });
  }
}

/**
 * When the n-th call (1-based) may start at the earliest under a sliding quota of `perMinute` and `perSecond`:
 * the first `perMinute` calls at `perSecond`, then each one a minute after the call `perMinute` before it.
 */
export function earliestStartSeconds(n: number, perMinute: number, perSecond: number): number {
  return 60 * Math.floor((n - 1) / perMinute) + ((n - 1) % perMinute) / perSecond;
}

export async function benchWalk(deps: LargeTenantBenchDeps): Promise<void> {
  console.log('\n6. Cold full directory read of a 20,000-employee tenant (40 ms latency, 50/s, 1000 contact calls/min) against its quota floor');
  await walkOnce(deps, 'unavailable');
  await walkOnce(deps, 'available');
}

/**
 * One cold full read. With the filter unavailable it is the contact walk every tenant can do (the floor is its
 * find_by_department calls); with it, the directory list (the floor is its pages of 100).
 */
async function walkOnce({ startSimHost, check, figures, work }: LargeTenantBenchDeps, filter: 'unavailable' | 'available'): Promise<void> {
  const label = filter === 'available' ? 'with directory/v1/employees/filter' : 'walking the departments (no employees/filter)';
  console.log(`  ${label}:`);
  const host = await startSimHost({ ...LARGE_TENANT, employeesFilter: filter });
  try {
    const needs = await host.call<WalkNeeds>({ type: 'walkNeeds', pageSize: CONTACT_PAGE });
    const core = createCore({ baseUrl: host.ready.url, appId: host.ready.appId, appSecret: host.ready.appSecret, cacheDir: join(work, `cache-6-${filter}`) });
    await host.call({ type: 'resetStats' });
    const started = performance.now();
    let employees: number;
    try {
      employees = (await core.directory.employees({ kind: 'all' })).length;
    } finally {
      await core.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const stats = await host.call<SimStats>({ type: 'stats' });
    const calls = apiCalls(stats);
    // The quota is per contact endpoint: the endpoint with the most calls sets the floor.
    const needed = filter === 'available' ? Math.max(needs.filterCalls, needs.treeCalls) : Math.max(needs.memberCalls, needs.treeCalls);
    const floor = (needed / CONTACT_PER_MINUTE) * 60;
    // What the sliding windows allow at best: the last needed call starts as early as they let it, plus one answer.
    const windowFloor = earliestStartSeconds(needed, CONTACT_PER_MINUTE, PER_SECOND) + (LARGE_TENANT.latencyMs ?? 0) / 1000;
    const ratio = seconds / floor;
    const walkFigures = (figures.walk ??= {}) as Record<string, unknown>;
    walkFigures[filter === 'available' ? 'filter' : 'departments'] = {
      employees,
      seconds: +seconds.toFixed(2),
      needs,
      calls,
      rateLimited: stats.rateLimited,
      floorSeconds: +floor.toFixed(2),
      windowFloorSeconds: +windowFloor.toFixed(2),
      ratioToFloor: +ratio.toFixed(3),
      ratioToWindowFloor: +(seconds / windowFloor).toFixed(3),
    };
    console.log(
      `  ${employees} employees in ${seconds.toFixed(1)} s; ${needs.departments} departments (${needs.emptyDepartments} empty); ` +
        `calls ${JSON.stringify(calls)}, 429s ${JSON.stringify(stats.rateLimited)}`,
    );
    const neededText =
      filter === 'available'
        ? `${needs.filterCalls} employees/filter pages + ${needs.treeCalls} departments.children calls (+ the root's members)`
        : `${needs.memberCalls} find_by_department + ${needs.treeCalls} departments.children calls`;
    console.log(
      `  needed: ${neededText} → floor ${needed} ÷ ${CONTACT_PER_MINUTE}/min = ${floor.toFixed(1)} s ` +
        `(the sliding windows let the last call start at ${windowFloor.toFixed(1)} s: ${(seconds / windowFloor).toFixed(2)}× that)`,
    );
    check(`cold full directory read ÷ quota floor, ${label}`, `${ratio.toFixed(2)}× (${seconds.toFixed(1)} s ÷ ${floor.toFixed(1)} s)`, '≤ 1.2×', ratio <= 1.2);
  } finally {
    await host.call({ type: 'close' });
  }
}
