// The directory remembered between runs: read this tenant's snapshot and seed the DirectoryService with it,
// write a new one after each complete walk, read the directory again in the background (the app) or not at
// all while the snapshot is young enough (the CLI's --max-age). A snapshot that is unreadable, of another
// schema version or of another tenant is ignored: the directory is then walked as if nothing was remembered.
// Face statuses are remembered with it (the first page then needs no user_settings call), and an index of
// employee numbers beside it lets a check by number answer without building the whole directory.
// Employees who have resigned are not remembered (data minimisation: the admin's machine keeps no copy of people
// who have left); a warm start shows none until the live read brings them back.
import { createHash } from 'node:crypto';
import { isAppFailure } from '../../../shared/errors';
import type { FaceInfo } from '../../../shared/model';
import type { DirectoryService } from '../directory';
import type { FaceSettingsService } from '../faces';
import type { CoreOptions, IndexedEmployee, RememberedDirectory } from '../types';
import { nextTurn } from '../next-turn';
import { checkIndex } from './check';
import { decodeSnapshot, encodeSnapshot } from './lines';
import { SNAPSHOT_SCHEMA_VERSION, SnapshotSchema, type DirectoryData, type RememberedFace, type Snapshot, type SnapshotIndex } from './schema';
import type { SnapshotStore } from './store';

/** A tenant's key: a hash of its app id and base URL (never the secret), also the snapshot's file name. */
export function tenantKey(appId: string, baseUrl: string): string {
  return createHash('sha256').update(`${appId}\n${baseUrl}`).digest('hex').slice(0, 32);
}

/** Once the first page has been answered, the background refresh waits this long: that page's follow-ups come first. */
const REFRESH_AFTER_PAGE_MS = 250;
/** And it starts anyway this long after it was asked for when no page is asked for (the CLI, tests). */
const REFRESH_FALLBACK_MS = 1500;
/** Face statuses read again per step of the background refresh (10 user_settings calls). */
const FACE_REFRESH_SLICE = 1000;

export interface MemoryOptions {
  store: SnapshotStore;
  /** tenantKey() of the signed-in tenant. */
  tenant: string;
  now: () => number;
  log?: CoreOptions['log'];
  /** Whose statuses are remembered with the directory and seeded back from it. */
  faces?: Pick<FaceSettingsService, 'seed' | 'known' | 'get' | 'version'>;
}

const toRemembered = (f: FaceInfo): RememberedFace => ({ faceKey: f.faceKey, updatedAt: f.updatedAt, ...(f.outOfRange ? { outOfRange: true } : {}) });
const fromRemembered = (f: RememberedFace): FaceInfo => ({ enrolled: f.faceKey !== null, faceKey: f.faceKey, updatedAt: f.updatedAt, ...(f.outOfRange ? { outOfRange: true } : {}) });

function facesOf(known: Map<string, FaceInfo> | undefined, users: DirectoryData['users']): Record<string, RememberedFace> {
  const out: Record<string, RememberedFace> = {};
  if (!known) return out;
  for (const u of users) {
    const f = u.user_id ? known.get(u.user_id) : undefined;
    if (f) out[u.user_id!] = toRemembered(f);
  }
  return out;
}

/** The directory without the employees who have resigned, in the users and in the group member lists. */
export function withoutResigned(data: DirectoryData): DirectoryData {
  const users = data.users.filter((u) => !u.status?.is_resigned);
  if (users.length === data.users.length) return data;
  const kept = new Set(users.map((u) => u.user_id));
  const groupMembers = data.groupMembers && Object.fromEntries(Object.entries(data.groupMembers).map(([id, members]) => [id, members.filter((m) => kept.has(m))]));
  return { ...data, users, groupMembers };
}

function indexOf(snapshot: Snapshot): SnapshotIndex {
  const byEmployeeNo: Record<string, string> = {};
  for (const u of snapshot.users) if (u.employee_no) byEmployeeNo[u.employee_no] = u.user_id;
  const departmentNames = Object.fromEntries(snapshot.departments.map((d) => [d.open_department_id, d.name]));
  const groups = snapshot.groups ?? [];
  const groupsOf: Record<string, number[]> = {};
  groups.forEach((g, i) => {
    for (const id of snapshot.groupMembers?.[g.id] ?? []) (groupsOf[id] ??= []).push(i);
  });
  return { schemaVersion: SNAPSHOT_SCHEMA_VERSION, tenant: snapshot.tenant, takenAt: snapshot.takenAt, byEmployeeNo, departmentNames, groupNames: groups.map((g) => g.name), groupsOf };
}

function parseIndex(bytes: Uint8Array, tenant: string): SnapshotIndex | null {
  try {
    return checkIndex(JSON.parse(Buffer.from(bytes).toString('utf8')), tenant);
  } catch {
    return null;
  }
}

/** CPU time of a process.cpuUsage() difference, in ms (the process's, whatever ran in it meanwhile). */
const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

export class DirectoryMemory {
  /** The last write, so that writes never overlap and close() can wait for it. */
  private writing: Promise<void> = Promise.resolve();
  private directory: DirectoryService | null = null;
  /** Set by clear(): this session remembers nothing more (the admin asked for no local copy). */
  private cleared = false;
  /** The last directory walked, written again once the background face refresh has read every status. */
  private lastData: DirectoryData | null = null;
  /** When lastData was read, and the faces' version it was last written with. */
  private lastTakenAt = 0;
  private savedFaces = -1;
  /** Set while the background refresh reads face statuses again: the remembered ones are still shown. */
  private facesRefreshing: { takenAt: number } | null = null;
  /** The employee-number index of a lazily restored snapshot (the CLI). */
  private index: SnapshotIndex | null = null;
  /** A background refresh asked for and not started yet: it waits for the first page to be answered. */
  private refreshWaiting: { takenAt: number; startSoon(ms: number): void; cancel(): void } | null = null;

  constructor(private readonly opts: MemoryOptions) {}

  /** onWalked of the DirectoryService: remember what a complete walk read, with the face statuses known. */
  save(walked: DirectoryData, takenAt: number = this.opts.now()): void {
    if (this.cleared) return;
    const data = withoutResigned(walked);
    this.lastData = data;
    this.lastTakenAt = takenAt;
    this.savedFaces = this.opts.faces?.version ?? -1;
    this.writing = this.writing
      .then(async () => {
        const faces = facesOf(this.opts.faces?.known(), data.users);
        // Parsing keeps only the fields the schema names: nothing else Feishu sent is written to disk.
        const snapshot = SnapshotSchema.parse({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, tenant: this.opts.tenant, takenAt, ...data, faces });
        await this.opts.store.write(this.opts.tenant, Buffer.from(encodeSnapshot(snapshot), 'utf8'));
        await this.opts.store.write(this.opts.tenant, Buffer.from(JSON.stringify(indexOf(snapshot)), 'utf8'), 'index');
      })
      .catch((e: unknown) => this.opts.log?.('warn', 'could not remember the directory', { code: isAppFailure(e) ? e.info.code : (e as NodeJS.ErrnoException).code ?? 'internal' }));
  }

  /** This tenant's snapshot, or null when there is none usable. */
  async read(): Promise<Snapshot | null> {
    const bytes = await this.opts.store.read(this.opts.tenant).catch(() => null);
    if (!bytes) return null;
    await nextTurn(); // the bytes were just opened (decrypted)
    const result = await decodeSnapshot(bytes, this.opts.tenant, nextTurn);
    if (typeof result === 'string') {
      this.opts.log?.('warn', 'remembered directory ignored', { reason: result });
      return null;
    }
    return result;
  }

  /** The RememberedDirectory of core, over this directory. */
  over(directory: DirectoryService): RememberedDirectory {
    this.directory = directory;
    return {
      restore: (maxAgeMs, opts) => (opts?.lazy ? this.restoreLazily(maxAgeMs) : this.restoreEagerly(maxAgeMs)),
      refreshInBackground: () => this.refreshInBackground(directory),
      state: () => this.state(directory),
      indexed: (employeeNo) => this.indexed(employeeNo),
      clear: () => this.clear(),
      flush: () => this.flush(),
    };
  }

  private indexed(employeeNo: string): IndexedEmployee | null {
    const index = this.index;
    const userId = index?.byEmployeeNo[employeeNo];
    if (!index || !userId) return null;
    return {
      userId,
      departmentName: (id) => index.departmentNames[id] ?? '',
      groupNames: (index.groupsOf[userId] ?? []).map((i) => index.groupNames[i] ?? ''),
    };
  }

  private state(directory: DirectoryService): { takenAt: number; refreshing: boolean } | null {
    // The first page asks this last: a refresh waiting for it starts once that answer is on its way.
    if (this.refreshWaiting) {
      this.refreshWaiting.startSoon(REFRESH_AFTER_PAGE_MS);
      return { takenAt: this.refreshWaiting.takenAt, refreshing: true };
    }
    const s = directory.rememberedState();
    if (s) return s;
    if (this.facesRefreshing) return { takenAt: this.facesRefreshing.takenAt, refreshing: true };
    return this.index && directory.restorePending() ? { takenAt: this.index.takenAt, refreshing: false } : null;
  }

  /**
   * Reads the directory and every face status again, but not before the first page has been answered (or
   * REFRESH_FALLBACK_MS have gone by without one): on a large tenant, setting the refresh up costs a second of CPU
   * and its answers keep the process busy, and the first page would wait behind them (issue #10). Meanwhile the
   * remembered directory already says it is being read again.
   */
  private refreshInBackground(directory: DirectoryService): void {
    const state = directory.rememberedState();
    if (!state) return this.refreshNow(directory);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (this.refreshWaiting !== waiting) return;
        this.refreshWaiting = null;
        this.refreshNow(directory);
      }, ms);
      timer.unref?.();
    };
    let paged = false;
    const waiting = {
      takenAt: state.takenAt,
      startSoon: (ms: number) => {
        if (!paged) later(ms);
        paged = true;
      },
      cancel: () => clearTimeout(timer),
    };
    this.refreshWaiting = waiting;
    later(REFRESH_FALLBACK_MS);
  }

  /**
   * The directory and, meanwhile, the face status of every remembered employee read again (statuses use the
   * attendance quota, not the contact one); once both are done, the snapshot is written with them all.
   */
  private refreshNow(directory: DirectoryService): void {
    const state = directory.rememberedState();
    const ids = (this.lastData?.users ?? []).flatMap((u) => (u.user_id ? [u.user_id] : []));
    this.facesRefreshing = state && ids.length && this.opts.faces ? { takenAt: state.takenAt } : null;
    const warn = (what: string) => (e: unknown) => this.opts.log?.('warn', what, { code: isAppFailure(e) ? e.info.code : 'internal' });
    const faces = this.facesRefreshing ? this.refreshFaces(ids).catch(warn('background face refresh failed')) : Promise.resolve();
    const dir = directory.refresh().then(() => true, (e: unknown) => (warn('background directory refresh failed')(e), false));
    void Promise.all([dir, faces]).then(([walked]) => {
      this.facesRefreshing = null;
      if (walked && this.lastData) this.save(this.lastData, this.lastTakenAt);
    });
  }

  /**
   * Face statuses read again a slice at a time: 20,000 ids at once are 200 calls and 80,000 promises set up in one
   * go (about a second of CPU on a loaded machine, when nothing else is answered); slices of FACE_REFRESH_SLICE
   * keep the client's limiter as busy.
   */
  private async refreshFaces(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += FACE_REFRESH_SLICE) await this.opts.faces!.get(ids.slice(i, i + FACE_REFRESH_SLICE), { fresh: true });
  }

  /**
   * Waits for the snapshot being written; when face statuses were read since (the first page after a first
   * walk), the directory is written again with them first, keeping its own time: the next start shows them.
   */
  private flush(): Promise<void> {
    // Only core.close() flushes: a refresh that has not started yet never will.
    this.refreshWaiting?.cancel();
    this.refreshWaiting = null;
    const faces = this.opts.faces;
    if (this.lastData && faces && faces.version !== this.savedFaces) this.save(this.lastData, this.lastTakenAt);
    return this.writing;
  }

  private async clear(): Promise<void> {
    this.cleared = true;
    await this.writing;
    await this.opts.store.clear();
  }

  private async restore(maxAgeMs = Number.POSITIVE_INFINITY): Promise<number | null> {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const snapshot = await this.read();
    if (!snapshot || !this.directory) return null;
    if (this.opts.now() - snapshot.takenAt > maxAgeMs) return null;
    const read = performance.now();
    try {
      await nextTurn();
      await this.directory.restore(snapshot, snapshot.takenAt);
      this.lastData = snapshot;
      this.lastTakenAt = snapshot.takenAt;
      await nextTurn();
      this.opts.faces?.seed(Object.entries(snapshot.faces).map(([id, f]) => [id, fromRemembered(f)]), snapshot.takenAt);
      this.savedFaces = this.opts.faces?.version ?? -1; // what was just read needs no writing back
      // Wall time, pauses included: the log says how long a start waited for its directory, and where.
      const ms = (t: number) => Math.round(t);
      this.opts.log?.('debug', 'remembered directory restored', { employees: snapshot.users.length, readMs: ms(read - started), buildMs: ms(performance.now() - read), processCpuMs: ms(cpuMs(process.cpuUsage(cpu))) });
    } catch (e) {
      // Data that parses but cannot be joined (it should not happen): walk as if nothing was remembered.
      this.opts.log?.('warn', 'remembered directory ignored', { reason: 'restore', code: isAppFailure(e) ? e.info.code : 'internal' });
      this.directory.invalidate();
      return null;
    }
    return snapshot.takenAt;
  }

  /**
   * The app's start: the directory is built from the snapshot at once, and every read of the directory meanwhile
   * waits for it (a failed restore leaves it to walk), so the caller need not: the window opens while it is built.
   */
  private restoreEagerly(maxAgeMs?: number): Promise<number | null> {
    const restoring = this.restore(maxAgeMs);
    this.directory?.deferRestore(() => restoring.then(() => undefined));
    return restoring;
  }

  /**
   * The CLI's start: only the small employee-number index is read now; the whole snapshot is parsed and the
   * directory built from it on the directory's first use (a check by number may never need it).
   */
  private async restoreLazily(maxAgeMs = Number.POSITIVE_INFINITY): Promise<number | null> {
    const bytes = await this.opts.store.read(this.opts.tenant, 'index').catch(() => null);
    const index = bytes ? parseIndex(bytes, this.opts.tenant) : null;
    if (!index) return this.restore(maxAgeMs); // no index (an older run): the whole snapshot at once
    if (this.opts.now() - index.takenAt > maxAgeMs) return null;
    this.index = index;
    this.directory?.deferRestore(async () => {
      await this.restore(maxAgeMs);
    });
    return index.takenAt;
  }
}
