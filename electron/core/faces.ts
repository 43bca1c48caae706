// Who has a face photo enrolled, and which one: user_settings/query, batched by the client (≤100 ids a call).
// Cached per employee for ttlMs; a read that is already under way for an id is shared, not repeated.
import type { FaceInfo } from '../../shared/model';
import { withSignal } from '../util/abort';
import type { LogFn } from '../util/logger';
import type { FeishuClient, RawUserSetting } from './feishu/types';
import type { FaceSettings } from './types';

export const NOT_ENROLLED: FaceInfo = Object.freeze({ enrolled: false, faceKey: null, updatedAt: null }) as FaceInfo;
/** Feishu refused the id (1220004): not known to be without a photo, only not visible to this app. */
const OUT_OF_RANGE: FaceInfo = Object.freeze({ enrolled: false, faceKey: null, updatedAt: null, outOfRange: true }) as FaceInfo;

export function toFaceInfo(s: RawUserSetting | undefined): FaceInfo {
  if (!s || !s.face_key) return NOT_ENROLLED;
  const t = Number(s.face_key_update_time);
  return { enrolled: true, faceKey: s.face_key, updatedAt: Number.isFinite(t) && t > 0 ? Math.floor(t) : null };
}

interface Cached {
  info: FaceInfo;
  at: number;
  /** From the remembered directory: shown as is by getStaleOk (the background refresh reads it again). */
  seeded?: boolean;
}

export class FaceSettingsService implements FaceSettings {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<FaceInfo>>();
  private generation = 0;
  /** Bumped whenever cached answers change, so views built from them know to rebuild. */
  version = 0;

  constructor(
    private readonly client: FeishuClient,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly log?: LogFn,
  ) {}

  invalidate(): void {
    this.generation++;
    this.version++;
    this.cache.clear();
    this.inFlight.clear();
  }

  /** The face keys already known for these ids, however old, without asking Feishu (for purges, not for display). */
  knownFaceKeys(userIds: Iterable<string>): string[] {
    const keys: string[] = [];
    for (const id of userIds) {
      const key = this.cache.get(id)?.info.faceKey;
      if (key) keys.push(key);
    }
    return keys;
  }

  /**
   * Seeds the statuses of a remembered directory, read at takenAt: the employee table shows them at once, while
   * get() (a check, a detail, an export) still asks Feishu once they are older than the TTL.
   */
  seed(infos: Iterable<[string, FaceInfo]>, takenAt: number): void {
    for (const [id, info] of infos) if (!this.cache.has(id)) this.cache.set(id, { info, at: takenAt, seeded: true });
    this.version++;
  }

  /** Every status known, however old, to be remembered with the directory. */
  known(): Map<string, FaceInfo> {
    return new Map([...this.cache].map(([id, c]) => [id, c.info]));
  }

  async get(userIds: string[], opts: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<Map<string, FaceInfo>> {
    const ids = [...new Set(userIds)];
    const t = this.now();
    const result = new Map<string, FaceInfo>();
    const pending = new Map<string, Promise<FaceInfo>>();
    const toFetch: string[] = [];
    for (const id of ids) {
      const c = this.cache.get(id);
      if (!opts.fresh && c && t - c.at < this.ttlMs) result.set(id, c.info);
      else if (!opts.fresh && this.inFlight.has(id)) pending.set(id, this.inFlight.get(id)!);
      else toFetch.push(id);
    }
    if (toFetch.length) {
      for (const [id, p] of this.fetch(toFetch, opts.signal)) pending.set(id, p);
    }
    if (pending.size) {
      const entries = [...pending];
      const infos = await withSignal(Promise.all(entries.map(([, p]) => p)), opts.signal);
      entries.forEach(([id], i) => result.set(id, infos[i]!));
    }
    // Keep the caller's order.
    return new Map(ids.map((id) => [id, result.get(id) ?? NOT_ENROLLED]));
  }

  /**
   * What is known now, without waiting for expired entries: unknown ids are fetched (and awaited),
   * expired ones are refreshed in the background. For the employee table, where a face_key that is a
   * minute old is still a valid photo.
   */
  async getStaleOk(userIds: string[], signal?: AbortSignal): Promise<Map<string, FaceInfo>> {
    const t = this.now();
    const unknown: string[] = [];
    const expired: string[] = [];
    for (const id of userIds) {
      const c = this.cache.get(id);
      if (!c) unknown.push(id);
      else if (!c.seeded && t - c.at >= this.ttlMs && !this.inFlight.has(id)) expired.push(id);
    }
    if (expired.length) {
      this.get(expired).catch((e: unknown) => this.log?.('warn', 'background face refresh failed', { error: String((e as Error)?.name) }));
    }
    if (unknown.length) await this.get(unknown, { signal });
    const out = new Map<string, FaceInfo>();
    for (const id of userIds) out.set(id, this.cache.get(id)?.info ?? NOT_ENROLLED);
    return out;
  }

  private fetch(ids: string[], signal?: AbortSignal): Map<string, Promise<FaceInfo>> {
    const generation = this.generation;
    // A read with its own signal (an export that may be cancelled) is not offered to other callers.
    const shared = !signal;
    const refused = new Set<string>();
    const onRejected = (userIds: string[]) => userIds.forEach((id) => refused.add(id));
    const batch = this.client.userSettings(ids, signal, { onRejected }).then((settings) => {
      const byId = new Map(settings.map((s) => [s.user_id, s]));
      const at = this.now();
      const infos = new Map<string, FaceInfo>();
      for (const id of ids) {
        const info = refused.has(id) ? OUT_OF_RANGE : toFaceInfo(byId.get(id));
        infos.set(id, info);
        if (generation === this.generation) this.cache.set(id, { info, at });
      }
      this.version++;
      return infos;
    });
    const out = new Map<string, Promise<FaceInfo>>();
    for (const id of ids) {
      const p = batch.then((m) => m.get(id) ?? NOT_ENROLLED);
      p.catch(() => {}); // observed by the caller through Promise.all; avoid unhandled rejections for the rest
      if (!shared) {
        out.set(id, p);
        continue;
      }
      const tracked = p.finally(() => {
        if (this.inFlight.get(id) === tracked) this.inFlight.delete(id);
      });
      tracked.catch(() => {});
      this.inFlight.set(id, tracked);
      out.set(id, tracked);
    }
    return out;
  }
}
