// Runs the simulator in its own process for the throughput bench, so encoding photos on the fake
// server does not steal the exporter's event loop. Talks to the bench parent over the IPC channel.
import { createHash } from 'node:crypto';
import { startSimulator } from '../electron/simulator/index';
import type { SimulatorOptions } from '../electron/simulator/types';

export type HostRequest =
  | { id: number; type: 'stats' }
  | { id: number; type: 'resetStats' }
  | { id: number; type: 'hashes'; faceKeys: string[] }
  | { id: number; type: 'close' };

export interface HostReady {
  type: 'ready';
  url: string;
  appId: string;
  appSecret: string;
  users: number;
  /** [user_id, face_key] of every enrolled employee. */
  faces: [string, string][];
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
