// Fault injection: connection resets, hangs, 500s, cut-short and damaged downloads, latency.
// Every draw comes from the seed, the request itself (method, URL, body) and how often that same request was
// seen: a run replays the same way whatever order concurrent requests arrive in, and a retry gets a fresh draw.
import { createRng, hashString, mix32 } from './rng';
import { ApiError, type Reply, type RouteRequest } from './reply';
import type { SimStats, SimulatorSwitches } from './types';

/** A uniform draw in [0, 1) for one kind of fault ('reset', 'hang', 'fault', 'truncate', 'corrupt', 'jitter'). */
export type Chaos = (kind: string) => number;

export interface Faults {
  /** The draws for one request; call once per request received. */
  chaosFor(req: RouteRequest): Chaos;
  /** A reset or a hang instead of an answer, if the draw says so. */
  dropped(chaos: Chaos): Reply | undefined;
  /** Throws a 500 in the endpoint family's words, if the draw says so. */
  maybeFail(req: RouteRequest, chaos: Chaos): void;
  /** A download cut short or damaged, if the draw or corruptFaceKeys says so. */
  damageDownload(reply: Reply, chaos: Chaos): Reply;
  /** Latency for this answer, ms; `chaos` is undefined when the request never reached the gateway. */
  delayMs(chaos: Chaos | undefined): number;
}

/**
 * A photo that still starts like one and is sent with its true length, but is cut short or has its last third
 * overwritten (never with 0xFF, so no stray JPEG marker can end it early and look whole).
 */
function damagedPhoto(whole: Buffer, mode: 'truncate' | 'garble', faceKey: string): Buffer {
  if (mode === 'truncate') return Buffer.from(whole.subarray(0, Math.floor(whole.length * 0.6)));
  const out = Buffer.from(whole);
  const rng = createRng(hashString(faceKey));
  for (let i = Math.floor((out.length * 2) / 3); i < out.length; i++) out[i] = Math.floor(rng.next() * 255);
  return out;
}

export function createFaults(seed: number, switches: SimulatorSwitches, stats: SimStats): Faults {
  const attempts = new Map<string, number>();
  return {
    chaosFor(req) {
      const key = `${req.method} ${req.rawUrl} ${hashString(req.body.toString('latin1')).toString(36)}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      return (kind) => mix32(hashString(`${seed}|${kind}|${key}|${n}`)) / 4294967296;
    },
    dropped(chaos) {
      if (switches.resetRate > 0 && chaos('reset') < switches.resetRate) {
        stats.resets++;
        return { status: 0, reset: true };
      }
      if (switches.hangRate > 0 && chaos('hang') < switches.hangRate) {
        stats.hangs++;
        return { status: 0, hang: true };
      }
      return undefined;
    },
    maybeFail(req, chaos) {
      if (!(switches.faultRate > 0 && chaos('fault') < switches.faultRate)) return;
      stats.faults++;
      if (req.kind === 'attendance') throw new ApiError(500, 1225000, 'system error');
      throw new ApiError(500, 99991500, 'internal server error, please retry later');
    },
    damageDownload(reply, chaos) {
      const key = reply.fileKey;
      if (key === undefined) return reply;
      if (switches.truncateRate > 0 && chaos('truncate') < switches.truncateRate) {
        stats.truncations++;
        reply.truncate = true;
      }
      const times = switches.corruptFaceKeys.get(key) ?? 0;
      if (times > 0 || (switches.corruptRate > 0 && chaos('corrupt') < switches.corruptRate)) {
        if (times > 0) switches.corruptFaceKeys.set(key, times - 1);
        stats.corruptions++;
        reply.bodyParts = [damagedPhoto(Buffer.concat(reply.bodyParts ?? []), switches.corruptMode, key)];
      }
      return reply;
    },
    delayMs(chaos) {
      const base = switches.latencyMs;
      const jitter = switches.latencyJitterMs;
      if (!(base > 0) && !(jitter > 0)) return 0;
      const draw = chaos?.('jitter') ?? 0.5;
      return Math.max(0, base + (jitter > 0 ? (draw * 2 - 1) * jitter : 0));
    },
  };
}
