// /__test/* of the browser harness (mounted only with HarnessOptions.testEndpoints): the simulator's
// credentials and its run-time switches, for tests and e2e fixtures.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Simulator } from '../simulator/types';
import type { HarnessDialogs } from './harness-host';
import { readText, send } from './harness-http';

const SimPatchSchema = z
  .object({
    badSecret: z.boolean(),
    appNotInstalled: z.boolean(),
    ipDenied: z.boolean(),
    missingScopes: z.array(z.string().max(200)).max(50),
    attendanceRangeDenied: z.boolean(),
    contactRangeDenied: z.boolean(),
    noFaceMode: z.enum(['omit', 'empty']),
    acceptPostForQuery: z.boolean(),
    tokenInvalidHttp200: z.boolean(),
    latencyMs: z.number().min(0).max(60_000),
    latencyJitterMs: z.number().min(0).max(60_000),
    faultRate: z.number().min(0).max(1),
    resetRate: z.number().min(0).max(1),
    rateLimitPerSecond: z.number().min(1).max(100_000),
    failingFaceKeys: z.array(z.string().max(200)).max(100_000),
  })
  .partial()
  .strict();

/** What the next open dialog answers: absolute paths on this machine (tests only), null = cancelled. */
const DialogPatchSchema = z.strictObject({ imageFile: z.string().max(4096).nullable(), importFolder: z.string().max(4096).nullable() }).partial();

export async function handleTest(req: IncomingMessage, res: ServerResponse, path: string, sim: Simulator, exportDir: string, dialogs?: HarnessDialogs): Promise<void> {
  if (path === '/__test/dialog' && req.method === 'POST' && dialogs) {
    let body: unknown;
    try {
      body = JSON.parse(await readText(req));
    } catch {
      body = null;
    }
    const patch = DialogPatchSchema.safeParse(body);
    if (!patch.success) {
      send(res, 400, JSON.stringify({ ok: false }));
      return;
    }
    Object.assign(dialogs, patch.data);
    send(res, 200, JSON.stringify({ ok: true }));
    return;
  }
  if (path === '/__test/info' && req.method === 'GET') {
    send(res, 200, JSON.stringify({ simUrl: sim.url, appId: sim.appId, appSecret: sim.appSecret, exportDir }));
    return;
  }
  if (path === '/__test/sim' && req.method === 'POST') {
    let patch: z.infer<typeof SimPatchSchema>;
    try {
      patch = SimPatchSchema.parse(JSON.parse(await readText(req)));
    } catch {
      send(res, 400, JSON.stringify({ ok: false }));
      return;
    }
    const { failingFaceKeys, ...rest } = patch;
    Object.assign(sim.switches, rest);
    if (failingFaceKeys) sim.switches.failingFaceKeys = new Set(failingFaceKeys);
    send(res, 200, JSON.stringify({ ok: true }));
    return;
  }
  send(res, 404, JSON.stringify({ ok: false }));
}
