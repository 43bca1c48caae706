// The demo tenant, defined once: the simulated company that "Try the demo tenant" (Electron main), `--demo`
// (CLI) and the browser harness (`npm run dev:browser`) show. Main and the CLI reach the simulator only here.
import { startSimulator } from './index';
import type { Simulator, SimulatorOptions } from './types';

export interface DemoTenant {
  /** http://127.0.0.1:PORT */
  url: string;
  appId: string;
  appSecret: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Added to every answer, ms (default 15 ± 10), so progress and loading states are visible. */
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Staff count (default 240). */
  employees?: number;
  /** Put two active employees outside the attendance data range, shown as 无权查看 / Not visible (default true). */
  outOfRange?: boolean;
}

/** Same seed every time: every demo run shows the same company. */
const DEMO_SEED = 1;
/**
 * Positions (in the employee list) of two active employees outside the app's attendance data range:
 * Feishu refuses them with 1220004, and the app shows them as 无权查看 / Not visible.
 */
const OUT_OF_RANGE_POSITIONS = [61, 152];

/** Simulator options of the demo company: no test fixtures, a believable organisation. */
export function demoSimulatorOptions(opts: DemoOptions = {}): SimulatorOptions {
  return {
    seed: DEMO_SEED,
    employees: opts.employees ?? 240,
    company: true,
    hostile: false,
    enrolledShare: 0.9,
    latencyMs: opts.latencyMs ?? 15,
    latencyJitterMs: opts.latencyJitterMs ?? 10,
  };
}

/** Puts the demo's out-of-range employees out of the attendance range of a simulator started with demoSimulatorOptions(). */
export function applyDemoRange(sim: Simulator): void {
  const active = sim.tenant.users.filter((u) => !u.status.is_resigned);
  sim.switches.unknownUserMode = 'error';
  for (const at of OUT_OF_RANGE_POSITIONS) {
    const u = active[at];
    if (u) sim.switches.outOfRangeUserIds.add(u.user_id);
  }
}

/** Starts the demo tenant on a free loopback port. */
export async function startDemoTenant(opts: DemoOptions = {}): Promise<DemoTenant> {
  const sim = await startSimulator(demoSimulatorOptions(opts));
  if (opts.outOfRange !== false) applyDemoRange(sim);
  return { url: sim.url, appId: sim.appId, appSecret: sim.appSecret, close: () => sim.close() };
}
