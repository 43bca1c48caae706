// The full directory walk's cost: which contact calls it makes, how many it keeps in flight, and that group
// membership is read alongside it. Calls are counted (and ordered), not timed; the timing is in the bench.
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type CoreRig } from './core.testkit';

/** An undici agent that notes when each request leaves, in order: the path (query left out) and the time. */
class RecordingAgent extends Agent {
  readonly sent: { path: string; at: number }[] = [];
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.sent.push({ path: options.path.split('?')[0]!, at: performance.now() });
    return super.dispatch(options, handler);
  }
  count(suffix: string): number {
    return this.sent.filter((s) => s.path.endsWith(suffix)).length;
  }
}

/** Departments with nobody in them or below them, as member_count (which counts sub-departments) says. */
function emptyDepartments(rig: CoreRig): string[] {
  const { departments, users } = rig.sim.tenant;
  const parentOf = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const reached = new Set<string>();
  for (const u of users) for (const d of u.department_ids) for (let c: string | undefined = d; c && c !== '0'; c = parentOf.get(c)) reached.add(c);
  return departments.map((d) => d.open_department_id).filter((id) => !reached.has(id));
}

describe('the walk skips departments whose member count is zero', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    // More departments than a few dozen employees fill: some stay empty.
    rig = await startRig({ seed: 3, employees: 40, departments: 30 });
  });
  afterAll(() => rig.close());

  it('reads everyone with no find_by_department for an empty department', async () => {
    const empty = emptyDepartments(rig);
    expect(empty.length).toBeGreaterThan(0);
    rig.sim.resetStats();
    const everyone = await rig.core.directory.employees({ kind: 'all' });
    expect(everyone.map((e) => e.userId).sort()).toEqual(rig.sim.tenant.users.map((u) => u.user_id).sort());
    // The root and every department with someone in or below it: one page each at this size.
    expect(rig.calls('users.find_by_department')).toBe(1 + rig.sim.tenant.departments.length - empty.length);
  });

  it('lists an empty department without asking Feishu for its members', async () => {
    const id = emptyDepartments(rig)[0]!;
    rig.sim.resetStats();
    const list = await rig.newCore().directory.employees({ kind: 'department', id, recursive: true });
    expect(list).toEqual([]);
    expect(rig.calls('users.find_by_department')).toBe(0);
  });
});

describe('the walk keeps the per-second budget busy and reads groups alongside', () => {
  let rig: CoreRig;
  const agent = new RecordingAgent({ connections: 128 });
  beforeAll(async () => {
    // 80 departments; slow answers, so what leaves before the first answer is what the walk keeps in flight.
    rig = await startRig({ seed: 8, employees: 1200, departments: 80, latencyMs: 400 });
  });
  afterAll(async () => {
    await rig.close();
    await agent.close();
  });

  it("sends a second's worth of member lists before the first answer, and every group list before the walk ends", async () => {
    const core = rig.newCore({ dispatcher: agent, client: { ratePerSecond: 2000, maxAttempts: 2 } });
    await core.directory.employees({ kind: 'all' });
    const members = agent.sent.filter((s) => s.path.endsWith('/users/find_by_department'));
    expect(members.length).toBeGreaterThan(60);
    // No answer comes within 400 ms of its request: the member lists sent within 300 ms of one another were in
    // flight together (the root's list leaves early, beside the department tree).
    const inFlight = Math.max(...members.map((m) => members.filter((s) => s.at >= m.at && s.at < m.at + 300).length));
    expect(inFlight).toBeGreaterThanOrEqual(48);
    // Each group's first page of members leaves before the walk's last member list (later pages may follow it).
    const lastMemberCall = agent.sent.lastIndexOf(members.at(-1)!);
    const firstPageOf = new Map<string, number>();
    agent.sent.forEach((s, i) => {
      if (s.path.endsWith('/list_user') && !firstPageOf.has(s.path)) firstPageOf.set(s.path, i);
    });
    expect(firstPageOf.size).toBe(rig.sim.tenant.groups.length);
    for (const [path, i] of firstPageOf) expect(i, path).toBeLessThan(lastMemberCall);
  });
});

describe('the full read through directory/v1/employees/filter, where the tenant has it', () => {
  let rig: CoreRig;
  beforeAll(async () => {
    rig = await startRig({ seed: 12, employees: 450, employeesFilter: 'available' });
  });
  afterAll(() => rig.close());

  const walked = async () => {
    rig.sim.switches.employeesFilter = 'unavailable';
    try {
      return await rig.newCore().directory.employees({ kind: 'all' });
    } finally {
      rig.sim.switches.employeesFilter = 'available';
    }
  };

  it('lists the same employees as the walk with 100 a page and only the root walked', async () => {
    rig.sim.resetStats();
    const listed = await rig.newCore().directory.employees({ kind: 'all' });
    expect(rig.calls('directory.employees_filter')).toBe(Math.ceil(rig.sim.tenant.users.length / 100));
    expect(rig.calls('users.find_by_department')).toBe(1);
    expect(listed).toEqual(await walked());
  });

  it('walks the departments instead when the list leaves the resigned out, and does not try it again', async () => {
    rig.sim.switches.employeesFilter = 'available_without_resigned';
    try {
      const core = rig.newCore();
      rig.sim.resetStats();
      const everyone = await core.directory.employees({ kind: 'all' });
      expect(everyone.map((e) => e.userId).sort()).toEqual(rig.sim.tenant.users.map((u) => u.user_id).sort());
      expect(rig.calls('users.find_by_department')).toBeGreaterThan(1);
      const filterCalls = rig.calls('directory.employees_filter');
      core.directory.invalidate();
      await core.directory.employees({ kind: 'all' });
      expect(rig.calls('directory.employees_filter')).toBe(filterCalls);
    } finally {
      rig.sim.switches.employeesFilter = 'available';
    }
  });

  it('walks the departments when the app may not call it, after one refused call', async () => {
    rig.sim.switches.employeesFilter = 'unavailable';
    try {
      rig.sim.resetStats();
      const everyone = await rig.newCore().directory.employees({ kind: 'all' });
      expect(everyone).toHaveLength(rig.sim.tenant.users.length);
      expect(rig.calls('directory.employees_filter')).toBe(1);
    } finally {
      rig.sim.switches.employeesFilter = 'available';
    }
  });
});
