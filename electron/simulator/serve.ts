// Manual use: serve a fake tenant until Ctrl+C.
//   tsx electron/simulator/serve.ts [--port N] [--employees N] [--latency MS] [--seed N]
import { parseArgs } from 'node:util';
import { startSimulator } from './index';

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number ≥ 0, got "${value}"`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        employees: { type: 'string' },
        latency: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    console.error('usage: serve.ts [--port N] [--employees N] [--latency MS] [--seed N]');
    process.exit(2);
  }
  const sim = await startSimulator({
    port: intOption(values.port, 'port', 0),
    employees: intOption(values.employees, 'employees', 240),
    latencyMs: intOption(values.latency, 'latency', 0),
    seed: intOption(values.seed, 'seed', 1),
  });
  console.log(`Feishu simulator listening on ${sim.url}`);
  console.log(`  app id:     ${sim.appId}`);
  console.log(`  app secret: ${sim.appSecret}  (a fake tenant's demo secret)`);
  console.log(`  employees:  ${sim.tenant.users.length}, departments: ${sim.tenant.departments.length}, attendance groups: ${sim.tenant.groups.length}, enrolled faces: ${sim.tenant.faces.size}`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`simulator failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
