// A fake Feishu tenant served over real HTTP on 127.0.0.1, faithful to docs/feishu-api.md:
// envelopes, page-size limits, error codes and HTTP statuses, token reuse/renewal, GET-with-body,
// per-endpoint rate limits, latency, faults and connection resets. Switches can be flipped at run time.
// This file only wires the parts together: server.ts (routing table, HTTP), gateway.ts, tokens.ts,
// faults.ts, tenant-index.ts and the endpoint handlers (contact.ts, attendance.ts, attendance-write.ts).
import { createRng, type Rng } from './rng';
import { PhotoStore } from './photos';
import { generateCompany } from './company';
import { generateTenant, newFaceKey, type GeneratedTenant } from './tenant';
import { buildTenantIndex, type TenantIndex } from './tenant-index';
import { createFaults } from './faults';
import { createGateway } from './gateway';
import { createTokenBook, type TokenBook } from './tokens';
import { defaultSwitches } from './switches';
import { uploadedFile } from './attendance-write';
import { messageLog, resetMessageLog } from './messages';
import { ROUTES, startServer, type RunningServer } from './server';
import type { HandlerContext } from './reply';
import type { SimFace, SimStats, Simulator, SimulatorOptions } from './types';

export { HOSTILE_EMPLOYEES, HOSTILE_USER_IDS, HOSTILE_MIN_EMPLOYEES, HOSTILE_DEPARTMENTS, HOSTILE_GROUPS, TWIN_DEPARTMENTS } from './tenant';
export { SCOPE_ATTENDANCE, SCOPE_ATTENDANCE_WRITE, SCOPE_CONTACT } from './gateway';
export { FIELD_SCOPES } from './contact';
export { SCOPE_BATCH_USERS, SCOPE_MESSAGE, SCOPE_MESSAGE_FULL, BATCH_MAX_USERS, PER_USER_PER_SECOND } from './messages';
export type * from './types';

/** Endpoint keys used by stats() (and by the client's own stats), in routing-table order. */
export const ENDPOINT_KEYS: readonly string[] = ROUTES.map((r) => r.key);

function emptyStats(): SimStats {
  const zero = (): Record<string, number> => Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, 0]));
  return { requests: zero(), rateLimited: zero(), faults: 0, resets: 0, truncations: 0, corruptions: 0, hangs: 0, tokensIssued: 0 };
}

function generate(opts: SimulatorOptions, seed: number): GeneratedTenant {
  const employees = opts.employees ?? 240;
  return (opts.company ? generateCompany : generateTenant)({
    seed,
    employees,
    departments: opts.departments ?? Math.max(6, Math.round(employees / 15)),
    groups: opts.groups ?? 5,
    enrolledShare: opts.enrolledShare ?? 0.9,
    hostile: opts.hostile ?? false,
    twinDepartments: opts.twinDepartments ?? false,
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 1;
  const generated = generate(opts, seed);
  const now = opts.now ?? Date.now;
  const switches = defaultSwitches(opts);
  const stats = emptyStats();
  const tokens = createTokenBook({
    seed,
    appId: opts.appId ?? 'cli_demo_app',
    appSecret: opts.appSecret ?? 'demo-secret',
    tokenTtlMs: (opts.tokenTtlSeconds ?? 7200) * 1000,
    now,
    switches,
    stats,
  });
  const ctx: HandlerContext = { tenant: generated.tenant, index: buildTenantIndex(generated), switches, photos: new PhotoStore(), tokens };
  const faults = createFaults(seed, switches, stats);
  const gateway = createGateway({ switches, stats, tokens, faults });
  const server = await startServer({ ctx, gateway, faults, seed, port: opts.port ?? 0 });
  return simulatorHandle({ ctx, tokens, stats, server, seed, now });
}

interface HandleParts {
  ctx: HandlerContext;
  tokens: TokenBook;
  stats: SimStats;
  server: RunningServer;
  seed: number;
  now: () => number;
}

/** What tests, the demo and benchmarks hold: the tenant, the switches, counters and a few test levers. */
function simulatorHandle({ ctx, tokens, stats, server, seed, now }: HandleParts): Simulator {
  const changeRng = createRng(seed ^ 0x3c6ef372);
  return {
    url: `http://127.0.0.1:${server.port}`,
    appId: tokens.appId,
    appSecret: tokens.appSecret,
    tenant: ctx.tenant,
    switches: ctx.switches,
    stats: () => structuredClone(stats),
    // In place: the gateway and the token book count into this same object.
    resetStats: () => {
      Object.assign(stats, emptyStats());
      resetMessageLog(ctx);
    },
    messages: () => messageLog(ctx),
    expireTokens: () => tokens.expireAll(),
    issuedTokens: () => tokens.everIssued(),
    changeFace: (userId) => changeFace(ctx.tenant, ctx.index, userId, changeRng, now),
    photoBytes(faceKey) {
      const uploaded = uploadedFile(ctx, faceKey);
      if (uploaded) return new Uint8Array(uploaded.bytes);
      const file = ctx.index.fileFor(faceKey);
      return file ? new Uint8Array(ctx.photos.bytes(faceKey, file.mime)) : undefined;
    },
    close: () => server.close(),
  };
}

/** A new face_key and a strictly later update time for one employee; the old photo stays downloadable. */
function changeFace(tenant: HandlerContext['tenant'], index: TenantIndex, userId: string, rng: Rng, now: () => number): string {
  if (!index.usersById.has(userId)) throw new Error(`no employee ${userId}`);
  const previous = tenant.faces.get(userId);
  const faceKey = newFaceKey(rng, index.usedFaceKeys);
  const face: SimFace = {
    face_key: faceKey,
    // Strictly later than before, even if the clock has not moved.
    face_key_update_time: String(Math.max(Math.floor(now() / 1000), Number(previous?.face_key_update_time ?? 0) + 1)),
    mime: previous?.mime ?? 'image/jpeg',
  };
  tenant.faces.set(userId, face);
  index.addFile(face);
  return faceKey;
}
