// Runs the simulator in its own process for the throughput bench, so encoding photos on the fake
// server does not steal the exporter's event loop. Talks to the bench parent over the IPC channel.
import { createHash } from 'node:crypto';
import { startSimulator } from '../electron/simulator/index';
import type { SimDepartment, SimUser, SimulatorOptions } from '../electron/simulator/types';

export type HostRequest =
  | { id: number; type: 'stats' }
  | { id: number; type: 'resetStats' }
  | { id: number; type: 'hashes'; faceKeys: string[] }
  | { id: number; type: 'people'; count: number }
  | { id: number; type: 'walkNeeds'; pageSize: number }
  | { id: number; type: 'close' };

/** An active, enrolled employee as the lookup bench names them. */
export interface HostPerson {
  userId: string;
  email: string;
  mobile: string;
}

/**
 * The fewest contact calls a full directory read can make, per endpoint: the department tree's pages, and one
 * find_by_department page per `pageSize` direct members of the root and of every department whose member count
 * (which counts sub-departments) is not zero — a department with members only below it still costs its one call.
 */
export interface WalkNeeds {
  departments: number;
  emptyDepartments: number;
  treeCalls: number;
  memberCalls: number;
  /** directory/v1/employees/filter pages of 100 for everyone (and the root's own member list beside them). */
  filterCalls: number;
}

export interface HostReady {
  type: 'ready';
  url: string;
  appId: string;
  appSecret: string;
  users: number;
  /** [user_id, face_key] of every enrolled employee. */
  faces: [string, string][];
}

function walkNeeds(departments: readonly SimDepartment[], users: readonly SimUser[], pageSize: number): WalkNeeds {
  const direct = new Map<string, number>();
  const inSubtree = new Set<string>();
  const parentOf = new Map(departments.map((d) => [d.open_department_id, d.parent_department_id]));
  for (const u of users) {
    for (const d of u.department_ids) {
      direct.set(d, (direct.get(d) ?? 0) + 1);
      for (let cur: string | undefined = d; cur && cur !== '0' && !inSubtree.has(cur); cur = parentOf.get(cur)) inSubtree.add(cur);
    }
  }
  const pages = (id: string) => Math.max(1, Math.ceil((direct.get(id) ?? 0) / pageSize));
  const nonEmpty = departments.filter((d) => inSubtree.has(d.open_department_id));
  return {
    departments: departments.length,
    emptyDepartments: departments.length - nonEmpty.length,
    treeCalls: Math.max(1, Math.ceil(departments.length / pageSize)),
    memberCalls: pages('0') + nonEmpty.reduce((n, d) => n + pages(d.open_department_id), 0),
    filterCalls: Math.max(1, Math.ceil(users.length / 100)),
  };
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as SimulatorOptions;
  const sim = await startSimulator(opts);
  // The simulator encodes its few base portraits lazily, on the first downloads. Done here instead,
  // so that one-off stall of the fake server does not bunch the measured run's first requests.
  for (const f of sim.tenant.faces.values()) sim.photoBytes(f.face_key);
  const send = (m: unknown) => process.send?.(m);
  const ready: HostReady = {
    type: 'ready',
    url: sim.url,
    appId: sim.appId,
    appSecret: sim.appSecret,
    users: sim.tenant.users.length,
    faces: [...sim.tenant.faces].map(([userId, f]) => [userId, f.face_key]),
  };
  send(ready);
  process.on('message', (m: HostRequest) => {
    switch (m.type) {
      case 'stats':
        send({ id: m.id, result: sim.stats() });
        break;
      case 'resetStats':
        sim.resetStats();
        send({ id: m.id, result: null });
        break;
      case 'hashes':
        send({
          id: m.id,
          result: m.faceKeys.map((k) => {
            const b = sim.photoBytes(k);
            return b ? createHash('sha256').update(b).digest('hex') : null;
          }),
        });
        break;
      case 'people':
        send({
          id: m.id,
          result: sim.tenant.users
            .filter((u) => !u.status.is_resigned && sim.tenant.faces.has(u.user_id))
            .slice(0, m.count)
            .map((u): HostPerson => ({ userId: u.user_id, email: u.email, mobile: u.mobile })),
        });
        break;
      case 'walkNeeds':
        send({ id: m.id, result: walkNeeds(sim.tenant.departments, sim.tenant.users, m.pageSize) });
        break;
      case 'close':
        void sim.close().then(() => {
          send({ id: m.id, result: null });
          process.exit(0);
        });
        break;
    }
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
}

void main();
