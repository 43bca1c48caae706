// The bulk export job: face settings in one batched query, photos through the cache with enough
// concurrency to keep the client's rate limiter busy, names from the admin's template, each file
// written atomically, a manifest.csv checkpointed as we go, resumable, cancellable, optionally zipped.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createWriteStream, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import archiver from 'archiver';
import { departmentFullPaths } from '../../shared/departments';
import { appError, isAppFailure, toAppError, type AppError } from '../../shared/errors';
import {
  DEFAULT_TEMPLATE,
  type Employee,
  type ExportFailure,
  type ExportProgress,
  type ExportSummary,
  type FaceInfo,
  type ManifestRow,
} from '../../shared/model';
import {
  extensionFor,
  MAX_EXTENSION_BYTES,
  MAX_NAME_BYTES,
  nameKey,
  namingFields,
  renderFileName,
  subfolderFor,
  uniqueName,
  validateTemplate,
  type SubfolderMode,
} from '../../shared/naming';
import { NOT_ENROLLED } from './faces';
import { lockFolder } from './folder-lock';
import { MANIFEST_FILE, readManifest, writeManifest } from './manifest';
import { manifestBound, reserveManifestRoom, type ManifestReserve } from './manifest-reserve';
import type { Exporter, ExportRequest, FaceSettings, PhotoStore } from './types';

/** Downloads in flight: a little above the client's per-endpoint rate so its limiter never idles. */
export const EXPORT_CONCURRENCY = 48;
const CHECKPOINT_MS = 2000;
const CHECKPOINT_ROWS = 200;
const PROGRESS_MS = 100;
const RATE_WINDOW_MS = 5000;
const PART_RE = /^\..+\.part-[0-9a-f]{12}$/;
const PHOTO_EXT_RE = /\.(jpe?g|png|gif|webp|bmp)$/i;

export interface ExporterDeps {
  faces: FaceSettings;
  photos: PhotoStore;
  now?: () => number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  concurrency?: number;
  /** Writes a photo's temp file; tests swap it to simulate a full disk. */
  writeFile?: (file: string, bytes: Uint8Array) => Promise<void>;
  /** Appends to manifest.csv's temp file or writes the manifest's reserved room; tests swap it to simulate a full disk. */
  appendFile?: (file: string, data: string | Uint8Array) => Promise<void>;
}

interface Plan {
  employee: Employee;
  face: FaceInfo;
  folder: string;
  /** Base file name (no extension), unique within the folder. */
  base: string;
  prev: ManifestRow | undefined;
  row: ManifestRow | null;
  error?: AppError;
}

function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

/**
 * The parts of a '/'-separated path relative to the export folder, or null for anything that is not a plain
 * relative path: absolute ("/x", "C:x", "\\host"), with a backslash, NUL, or an empty, "." or ".." part.
 */
function relParts(rel: string): string[] | null {
  if (!rel || rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return null;
  const parts = rel.split('/');
  return parts.every((s) => s !== '' && s !== '.' && s !== '..') ? parts : null;
}

/**
 * An existing regular file named by a manifest row, or null. The manifest is user-editable, so the path must be
 * plain and relative, no part of it may be a symlink (lstat), and its realpath must stay inside root, which is
 * itself a realpath. Anything else is never reused, zipped, overwritten or deleted.
 */
async function existingFileInside(root: string, rel: string): Promise<{ abs: string; size: number; ino: number; dev: number } | null> {
  const parts = relParts(rel);
  if (!parts) return null;
  let abs = root;
  let st: Awaited<ReturnType<typeof fs.lstat>> | null = null;
  for (const part of parts) {
    abs = path.join(abs, part);
    st = await fs.lstat(abs).catch(() => null);
    if (!st || st.isSymbolicLink()) return null;
  }
  if (!st?.isFile()) return null;
  const real = await fs.realpath(abs).catch(() => null);
  if (!real || !isInside(root, real)) return null;
  return { abs, size: st.size, ino: st.ino, dev: st.dev };
}

/**
 * The folder for a photo, created if missing, checked on every write: each part must be a real directory, not a
 * symlink (which could point anywhere), and its realpath must stay inside root. Refusing is the chosen behaviour:
 * the photo's row fails with fs.path_escape and nothing is written, rather than writing it somewhere else.
 */
async function folderInside(root: string, folder: string): Promise<string> {
  if (!folder) return root;
  const escape = () => appError('fs.path_escape', 'A subfolder is a link that could lead outside the export folder', { detail: folder });
  const parts = relParts(folder);
  if (!parts) throw escape();
  let abs = root;
  for (const part of parts) {
    abs = path.join(abs, part);
    let st = await fs.lstat(abs).catch(() => null);
    if (!st) {
      await fs.mkdir(abs).catch((e: unknown) => {
        if (errorCode(e) !== 'EEXIST') throw e;
      });
      st = await fs.lstat(abs);
    }
    if (st.isSymbolicLink()) throw escape();
    if (!st.isDirectory()) throw appError('fs.not_writable', 'A file is in the way of a subfolder', { detail: folder });
  }
  const real = await fs.realpath(abs);
  if (!isInside(root, real)) throw escape();
  return abs;
}

/** A plain file (not a link) holding exactly these bytes. */
async function sameFile(file: string, st: Stats, bytes: Uint8Array): Promise<boolean> {
  if (!st.isFile() || st.size !== bytes.byteLength) return false;
  const there = await fs.readFile(file).catch(() => null);
  return there !== null && Buffer.compare(there, bytes) === 0;
}

/**
 * Whether a manifest row records a photo file of an earlier run: saved or up to date, or a row this employee got
 * when a run stopped before reaching them (cancelled, or not attempted on a full disk), which keeps the file it had.
 * Always verified on disk (existingFileInside) before it is trusted.
 */
function holdsFile(row: ManifestRow | undefined): row is ManifestRow {
  return Boolean(row?.file) && row!.status !== 'no_photo';
}

/** Counts over every row of the manifest as written: the whole picture, not only this run's employees. */
function manifestTotals(rows: Iterable<ManifestRow>): NonNullable<ExportSummary['manifestTotals']> {
  const t = { rows: 0, photos: 0, noPhoto: 0, failed: 0, notProcessed: 0 };
  for (const r of rows) {
    t.rows++;
    if (r.status === 'saved' || r.status === 'up_to_date') t.photos++;
    else if (r.status === 'no_photo') t.noPhoto++;
    else if (r.status === 'failed') t.failed++;
    else t.notProcessed++;
  }
  return t;
}

function isoTime(unixSeconds: number | null): string {
  if (unixSeconds === null) return '';
  const d = new Date(unixSeconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function splitRel(rel: string): { folder: string; base: string } {
  const slash = rel.lastIndexOf('/');
  const folder = slash >= 0 ? rel.slice(0, slash) : '';
  const file = slash >= 0 ? rel.slice(slash + 1) : rel;
  return { folder, base: file.replace(PHOTO_EXT_RE, '') };
}

function slotKey(folder: string, base: string): string {
  return `${nameKey(folder)}/${nameKey(base)}`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** prevBase is what the template gives now, or a numbered variant of it ("张伟 (2)"). */
function isVariantOf(prevBase: string, base: string): boolean {
  const p = nameKey(prevBase);
  const b = nameKey(base);
  return p === b || new RegExp(`^${escapeRe(b)} \\(\\d+\\)$`).test(p);
}

function errorCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function isCancel(e: unknown): boolean {
  if (isAppFailure(e)) return e.info.code === 'export.cancelled';
  return (e as { name?: string } | null)?.name === 'AbortError';
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** Writes a file as a hidden temp file beside it, then renames it into place: no reader ever sees half a file. */
export async function writeAtomic(
  abs: string,
  bytes: Uint8Array,
  write: (file: string, bytes: Uint8Array) => Promise<void> = (f, b) => fs.writeFile(f, b, { flag: 'wx' }),
): Promise<void> {
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.part-${randomBytes(6).toString('hex')}`);
  try {
    await write(temp, bytes);
    // rename replaces a symlink at abs itself; it never writes through one.
    await fs.rename(temp, abs);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw e;
  }
}

/** Checks the folder before any API call: exists, is a folder, and a file can really be created in it. Returns its realpath. */
async function assertWritable(outDir: string): Promise<string> {
  const fail = (why: string) => appError('fs.not_writable', `The export folder cannot be written to (${why})`, { detail: outDir });
  const st = await fs.stat(outDir).catch(() => null);
  if (!st) throw fail('it does not exist');
  if (!st.isDirectory()) throw fail('it is not a folder');
  const real = await fs.realpath(outDir).catch(() => null);
  if (!real) throw fail('it cannot be resolved');
  outDir = real;
  const probe = path.join(outDir, `.write-check.part-${randomBytes(6).toString('hex')}`);
  try {
    await fs.writeFile(probe, '');
  } catch (e) {
    if (errorCode(e) === 'ENOSPC') throw appError('fs.disk_full', 'The disk is full', { detail: outDir });
    throw fail('permission denied');
  } finally {
    await fs.rm(probe, { force: true }).catch(() => {});
  }
  return real;
}

/** Temp files left by a run that was killed: in the folder and in its subfolders. */
async function removeLeftovers(outDir: string): Promise<void> {
  const clean = async (dir: string, depth: number) => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (ent) => {
        const abs = path.join(dir, ent.name);
        if (ent.isFile() && PART_RE.test(ent.name)) await fs.rm(abs, { force: true }).catch(() => {});
        else if (ent.isDirectory() && depth > 0 && !ent.name.startsWith('.')) await clean(abs, depth - 1);
      }),
    );
  };
  await clean(outDir, 1);
}

/**
 * Removes the folders a run emptied by moving photos out of them (a re-run with another subfolder layout), and
 * their parents that this leaves empty, up to the export folder itself (which stays). rmdir refuses a folder that
 * still holds anything, so a folder with the admin's own files in it is never touched, nor one this run did not empty.
 */
async function removeEmptiedFolders(outDir: string, vacated: Iterable<string>): Promise<void> {
  // Deepest first, so a parent is tried after its children.
  const dirs = [...vacated].sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
  for (let dir of dirs) {
    while (isInside(outDir, dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break; // not empty (or gone already): it and its parents stay
      }
      dir = path.dirname(dir);
    }
  }
}

/** Timestamps within a sliding window, pruned from the front without shifting arrays. */
class Window {
  private stamps: number[] = [];
  private head = 0;
  push(t: number): void {
    this.stamps.push(t);
  }
  count(now: number): number {
    while (this.head < this.stamps.length && now - this.stamps[this.head]! >= RATE_WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }
}

/**
 * rate: photos saved (downloaded and written) per second over the last RATE_WINDOW_MS; rows settled before the
 * work started (no photo) and instant up-to-date checks do not inflate it. ETA: the employees still to handle,
 * divided by how fast employees of any outcome were handled over the same window.
 */
class ProgressMeter {
  readonly counts = { done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0 };
  private readonly savedAt = new Window();
  private readonly handledAt = new Window();
  private startedAt: number | null = null;
  private lastEmit = -Infinity;
  phase: ExportProgress['phase'] = 'preparing';

  constructor(
    private readonly jobId: string,
    private readonly total: number,
    private readonly now: () => number,
    private readonly listener?: (p: ExportProgress) => void,
  ) {}

  /** The work starts: rates are measured from here. */
  start(): void {
    this.startedAt = this.now();
  }

  /** live=false for rows settled while planning (no photo), which took no time to produce. */
  count(status: ManifestRow['status'], live = true): void {
    this.counts.done++;
    if (status === 'saved') this.counts.saved++;
    else if (status === 'up_to_date') this.counts.upToDate++;
    else if (status === 'no_photo') this.counts.noPhoto++;
    else if (status === 'failed') this.counts.failed++;
    if (!live) return;
    const t = this.now();
    this.handledAt.push(t);
    if (status === 'saved') this.savedAt.push(t);
  }

  snapshot(): ExportProgress {
    const t = this.now();
    const left = this.total - this.counts.done;
    let rate = 0;
    let throughput = 0;
    if (this.startedAt !== null) {
      // Over the window, or over the time since the start when that is shorter (at least a second, so the
      // first photo does not read as a thousand per second).
      const span = Math.max(Math.min(t - this.startedAt, RATE_WINDOW_MS), 1000) / 1000;
      rate = this.savedAt.count(t) / span;
      throughput = this.handledAt.count(t) / span;
    }
    return {
      jobId: this.jobId,
      phase: this.phase,
      total: this.total,
      ...this.counts,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: left === 0 ? 0 : throughput > 0 ? Math.round(left / throughput) : null,
    };
  }

  emit(force = false): void {
    if (!this.listener) return;
    const t = this.now();
    if (!force && t - this.lastEmit < PROGRESS_MS) return;
    this.lastEmit = t;
    try {
      this.listener(this.snapshot());
    } catch {
      // A broken listener must not break the export.
    }
  }
}

export class PhotoExporter implements Exporter {
  private readonly now: () => number;

  constructor(private readonly deps: ExporterDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(req: ExportRequest): Promise<ExportSummary> {
    const started = this.now();
    const jobId = req.jobId ?? randomUUID();
    const shownDir = path.resolve(req.outDir); // what the admin picked, for the summary
    const template = req.options.template || DEFAULT_TEMPLATE;
    const mode: SubfolderMode = req.options.subfolders ?? 'none';
    const check = validateTemplate(template);
    if (!check.ok) {
      const list = check.unknownTokens.map((t) => `{${t}}`).join(', ');
      throw appError('input.invalid', `Unknown file name template tokens: ${list}`, { detail: list });
    }

    // Every check below compares realpaths against this one (the admin may well pick a folder through a link).
    const outDir = await assertWritable(shownDir);
    // One job per folder: two writing one manifest lose each other's rows. Held until the end, whatever happens.
    // Wall-clock time, not the injectable clock: other processes judge the lock's age by it.
    const lock = await lockFolder(outDir, { log: this.deps.log });
    try {
      return await this.runLocked(req, { started, jobId, shownDir, outDir, template, mode });
    } finally {
      await lock.release();
    }
  }

  private async runLocked(
    req: ExportRequest,
    { started, jobId, shownDir, outDir, template, mode }: { started: number; jobId: string; shownDir: string; outDir: string; template: string; mode: SubfolderMode },
  ): Promise<ExportSummary> {
    const shown = (file: string) => path.join(shownDir, path.relative(outDir, file));
    await removeLeftovers(outDir);
    const previous = await readManifest(outDir);

    // De-duplicate the selection, keeping its order.
    const seen = new Set<string>();
    const employees = req.employees.filter((e) => !seen.has(e.userId) && seen.add(e.userId));
    const meter = new ProgressMeter(jobId, employees.length, this.now, req.onProgress);
    meter.emit(true);

    const job = new AbortController();
    const workers = Math.max(1, Math.floor(this.deps.concurrency ?? EXPORT_CONCURRENCY));
    // Every download in flight (one per worker) listens for cancel, plus a few job-wide waits; a bound, not 0, so a
    // real pile-up of listeners would still warn.
    setMaxListeners(2 * workers + 16, job.signal);
    const onCancel = () => job.abort(req.signal?.reason);
    if (req.signal?.aborted) job.abort(req.signal.reason);
    req.signal?.addEventListener('abort', onCancel, { once: true });
    let diskFull: AppError | null = null;
    let reserve: ManifestReserve | undefined;

    try {
      let faces = new Map<string, FaceInfo>();
      let facesKnown = employees.length === 0;
      if (!job.signal.aborted && employees.length) {
        try {
          faces = await this.deps.faces.get(
            employees.map((e) => e.userId),
            { fresh: true, signal: job.signal },
          );
          facesKnown = true;
        } catch (e) {
          if (!job.signal.aborted) throw e; // cancelled while asking: every row becomes 'cancelled'
        }
      }

      // Cancelled before the face settings came back: nobody may be recorded as "no photo" on no evidence.
      const plans = this.plan(employees, seen, faces, facesKnown, previous, template, mode);
      const carried = await this.carryOver(outDir, previous, seen, plans);
      const claimed = new Map<string, Plan>();
      for (const p of plans) if (p.face.enrolled) claimed.set(slotKey(p.folder, p.base), p);
      // Files an earlier run of ours saved here (whoever they were for): the only ones a new photo may replace.
      const ours = new Set<string>();
      // Folders this run moved a photo out of (the layout changed): removed at the end if that left them empty.
      const vacated = new Set<string>();
      for (const r of previous.values()) if (holdsFile(r)) ours.add(nameKey(r.file));

      // Rows are produced one at a time while the manifest is written: a checkpoint never builds a second set of
      // every row (nor the whole CSV), which made each checkpoint cost memory in proportion to the export's size.
      const rows = () => this.manifestRows(plans, carried);
      let sinceCheckpoint = 0;
      let checkpointing: Promise<void> = Promise.resolve();
      let queued = false;
      const checkpoint = () => {
        sinceCheckpoint = 0;
        // Coalesce: while one is being written, at most one more waits (it will see the latest rows).
        if (queued) return;
        queued = true;
        checkpointing = checkpointing
          .then(() => {
            queued = false;
            return writeManifest(outDir, rows(), this.deps.appendFile);
          })
          .then(() => undefined)
          .catch((e: unknown) => this.deps.log?.('warn', 'manifest checkpoint failed', { code: toAppError(e).code }));
      };

      reserve = await this.reserveRoom(outDir, plans, carried);

      for (const p of plans) if (p.row) meter.count(p.row.status, false);
      meter.phase = 'downloading';
      meter.start();
      meter.emit(true);
      checkpoint();
      const timer = setInterval(checkpoint, CHECKPOINT_MS);
      timer.unref?.();

      const finish = (p: Plan, row: ManifestRow, error?: AppError) => {
        p.row = row;
        if (error) p.error = error;
        meter.count(row.status);
        meter.emit();
        if (++sinceCheckpoint >= CHECKPOINT_ROWS) checkpoint();
      };

      const exportPlan = async (p: Plan) => {
        try {
          const row = await this.exportOne(p, outDir, claimed, ours, vacated, job.signal);
          if (row) finish(p, row);
        } catch (e) {
          if (job.signal.aborted && (isCancel(e) || e === job.signal.reason)) return;
          let info = toAppError(e);
          if (info.code === 'fs.disk_full') {
            info = { code: 'fs.disk_full', message: 'The disk is full', detail: outDir };
            if (!diskFull) {
              diskFull = info;
              job.abort(appError('export.cancelled', 'Stopped: the disk is full'));
            }
          }
          finish(p, this.failedRow(p, info), info);
        }
      };
      // A fixed pool of workers takes the plans in order: one task (closure, promise) per worker, not one queued
      // per employee up front, so what is held while downloading does not grow with the size of the export.
      let next = 0;
      const worker = async () => {
        while (!job.signal.aborted) {
          const p = plans[next++];
          if (!p) return;
          if (!p.row) await exportPlan(p);
        }
      };
      try {
        await Promise.all(Array.from({ length: workers }, worker));
      } finally {
        clearInterval(timer);
      }

      await removeEmptiedFolders(outDir, vacated);

      // Whatever was not reached: cancelled by the admin, or not attempted because the disk filled up.
      for (const p of plans) {
        if (p.row) continue;
        if (diskFull) {
          const info: AppError = { ...(diskFull as AppError), message: 'Not attempted: the disk is full' };
          finish(p, { ...this.failedRow(p, info), ...this.keptFile(p) }, info);
        } else finish(p, { ...this.cancelledRow(p), ...this.keptFile(p) });
      }

      await checkpointing;
      const cancelled = Boolean(req.signal?.aborted) && !diskFull;
      let manifestPath = '';
      let manifestError: AppError | undefined;
      try {
        // The room set aside for exactly this write: a disk the photos filled up still takes the final manifest.
        await reserve?.release();
        manifestPath = await writeManifest(outDir, rows(), this.deps.appendFile);
      } catch (e) {
        // The counts are still reported (the summary says the manifest is missing, and why).
        manifestError = { code: toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', message: 'Could not write manifest.csv', detail: outDir };
        this.deps.log?.('error', 'final manifest not written', { code: manifestError.code });
      }

      let zipPath: string | null = null;
      if (req.options.zip && !cancelled && !diskFull && manifestPath) {
        meter.phase = 'zipping';
        meter.emit(true);
        zipPath = await this.zip(outDir, rows(), manifestPath, job.signal);
      }

      meter.phase = req.signal?.aborted ? 'cancelled' : 'done';
      meter.emit(true);
      const failures: ExportFailure[] = plans
        .filter((p) => p.row?.status === 'failed')
        .map((p) => ({
          userId: p.employee.userId,
          name: p.employee.name,
          employeeNo: p.employee.employeeNo,
          error: p.error ?? { code: 'internal', message: 'Unexpected error' },
        }));
      const c = meter.counts;
      return {
        jobId,
        outDir: shownDir,
        total: employees.length,
        saved: c.saved,
        upToDate: c.upToDate,
        noPhoto: c.noPhoto,
        failed: c.failed,
        cancelled: Boolean(req.signal?.aborted),
        failures,
        manifestPath: manifestPath && shown(manifestPath),
        zipPath: zipPath && shown(zipPath),
        durationMs: Math.max(0, this.now() - started),
        ...(manifestPath ? { manifestTotals: manifestTotals(rows()) } : { manifestError }),
      };
    } finally {
      await reserve?.release();
      req.signal?.removeEventListener('abort', onCancel);
    }
  }

  /** Sets room aside for the final manifest (see manifest-reserve.ts); a disk without even that much is refused up front. */
  private async reserveRoom(outDir: string, plans: readonly Plan[], carried: readonly ManifestRow[]): Promise<ManifestReserve> {
    try {
      return await reserveManifestRoom(outDir, manifestBound(this.settledRows(plans, carried)), this.deps.appendFile);
    } catch (e) {
      const info = toAppError(e);
      if (info.code === 'fs.disk_full') throw appError('fs.disk_full', 'The disk is too full to hold even the manifest', { detail: outDir });
      throw appError('fs.not_writable', 'Could not write in the export folder', { detail: outDir });
    }
  }

  /** Each row as it may end up, for sizing: named after the planned file (an extension is at most 5 bytes, ".jpeg"). */
  private *settledRows(plans: readonly Plan[], carried: readonly ManifestRow[]): Generator<ManifestRow> {
    for (const p of plans) {
      const row = p.row ?? this.pendingRow(p);
      const planned = p.face.enrolled ? `${p.folder ? `${p.folder}/` : ''}${p.base}.jpeg` : '';
      yield planned.length > row.file.length ? { ...row, file: planned } : row;
    }
    yield* carried;
  }

  /** Folder and a stable, unique base name for every employee with a photo. */
  private plan(
    employees: Employee[],
    selected: Set<string>,
    faces: Map<string, FaceInfo>,
    facesKnown: boolean,
    previous: Map<string, ManifestRow>,
    template: string,
    mode: SubfolderMode,
  ): Plan[] {
    const folderSpelling = new Map<string, string>();
    const plans: Plan[] = employees.map((employee) => {
      const face = faces.get(employee.userId) ?? NOT_ENROLLED;
      let folder = subfolderFor(mode, employee);
      // Windows and macOS see "Sales" and "sales" as one folder: use one spelling for both.
      const fk = nameKey(folder);
      if (!folderSpelling.has(fk)) folderSpelling.set(fk, folder);
      folder = folderSpelling.get(fk)!;
      const base = face.enrolled
        ? renderFileName(template, namingFields(employee, face), { reserveBytes: MAX_EXTENSION_BYTES })
        : '';
      const plan: Plan = { employee, face, folder, base, prev: previous.get(employee.userId), row: null };
      if (face.outOfRange && facesKnown) {
        // Not "no photo": Feishu would not tell this app. The attendance admin can fix it by widening the data range.
        const info: AppError = { code: 'range.attendance', message: "Outside the app's attendance data range, or unknown to attendance", feishuCode: 1220004 };
        plan.error = info;
        plan.row = { ...this.failedRow(plan, info), ...this.keptFile(plan) };
      } else if (!face.enrolled && facesKnown) plan.row = this.noPhotoRow(plan);
      return plan;
    });

    const taken = new Map<string, Set<string>>();
    const takenIn = (folder: string) => {
      const k = nameKey(folder);
      if (!taken.has(k)) taken.set(k, new Set());
      return taken.get(k)!;
    };
    // Names already on disk for employees outside this selection stay theirs.
    for (const [userId, row] of previous) {
      if (selected.has(userId) || !holdsFile(row)) continue;
      const { folder, base } = splitRel(row.file);
      takenIn(folder).add(nameKey(base));
    }
    const withPhoto = plans.filter((p) => p.face.enrolled);
    // First keep the names this run's employees had last time, then name the rest.
    const named = new Set<Plan>();
    for (const p of withPhoto) {
      if (!p.prev?.file) continue;
      const prev = splitRel(p.prev.file);
      const set = takenIn(p.folder);
      if (nameKey(prev.folder) === nameKey(p.folder) && isVariantOf(prev.base, p.base) && !set.has(nameKey(prev.base))) {
        set.add(nameKey(prev.base));
        p.base = prev.base;
        named.add(p);
      }
    }
    for (const p of withPhoto) {
      if (named.has(p)) continue;
      p.base = uniqueName(p.base, takenIn(p.folder), { keepExtension: false, maxBytes: MAX_NAME_BYTES - MAX_EXTENSION_BYTES });
    }
    return plans;
  }

  /**
   * Rows of the previous manifest for employees not in this run, every one of them: a manifest never silently
   * loses an employee it listed (a retry of the failures keeps the no-photo rows, a run over one department keeps
   * the others). A row whose file is no longer in the folder (deleted by hand), or whose name now belongs to an
   * employee of this run, stays without a file, as not processed: the next export of that employee saves it again.
   */
  private async carryOver(outDir: string, previous: Map<string, ManifestRow>, selected: Set<string>, plans: Plan[]): Promise<ManifestRow[]> {
    const slots = new Set(plans.filter((p) => p.face.enrolled).map((p) => slotKey(p.folder, p.base)));
    const out: ManifestRow[] = [];
    for (const [userId, row] of previous) {
      if (selected.has(userId)) continue;
      if (!holdsFile(row)) {
        out.push(row);
        continue;
      }
      const { folder, base } = splitRel(row.file);
      if (!slots.has(slotKey(folder, base)) && (await existingFileInside(outDir, row.file))) out.push(row);
      else out.push({ ...row, file: '', bytes: '', sha256: '', status: 'cancelled', error: 'export.cancelled', error_detail: 'Not in this export; the file an earlier export saved is no longer in the folder' });
    }
    return out;
  }

  private baseRow(p: Plan): ManifestRow {
    const e = p.employee;
    return {
      user_id: e.userId,
      name: e.name,
      en_name: e.enName,
      employee_no: e.employeeNo,
      department: e.departmentNames.filter(Boolean).join('; '),
      group: e.groupNames.join('; '),
      face_key: p.face.faceKey ?? '',
      face_key_update_time: isoTime(p.face.updatedAt),
      file: '',
      bytes: '',
      sha256: '',
      status: 'cancelled',
      error: '',
      error_detail: '',
      department_path: departmentFullPaths(e).filter(Boolean).join('; '),
    };
  }

  private noPhotoRow(p: Plan): ManifestRow {
    return { ...this.baseRow(p), status: 'no_photo' };
  }

  private failedRow(p: Plan, info: AppError): ManifestRow {
    const detail = [info.message, info.detail, info.feishuCode ? `feishu ${info.feishuCode}` : '', info.logId ? `log_id ${info.logId}` : '']
      .filter(Boolean)
      .join('; ');
    return { ...this.baseRow(p), status: 'failed', error: info.code, error_detail: detail };
  }

  private cancelledRow(p: Plan): ManifestRow {
    return { ...this.baseRow(p), status: 'cancelled', error: 'export.cancelled', error_detail: 'Cancelled before this photo was saved' };
  }

  /** The manifest's rows in order, made as they are read: the row of every employee, then the carried-over rows. */
  private *manifestRows(plans: readonly Plan[], carried: readonly ManifestRow[]): Generator<ManifestRow> {
    for (const p of plans) yield p.row ?? this.pendingRow(p);
    yield* carried;
  }

  /** A checkpoint's row for an employee not handled yet: last run's file is still valid until we replace it. */
  private pendingRow(p: Plan): ManifestRow {
    if (holdsFile(p.prev)) return p.prev;
    return { ...this.cancelledRow(p), error_detail: 'Not processed (the export stopped before this employee)' };
  }

  /** For an employee the run never reached: the file an earlier run saved is still there, and stays on record. */
  private keptFile(p: Plan): Partial<ManifestRow> {
    const prev = p.prev;
    if (!holdsFile(prev)) return {};
    const { face_key, face_key_update_time, file, bytes, sha256 } = prev;
    return { face_key, face_key_update_time, file, bytes, sha256 };
  }

  /** One employee: up to date already, or download (cache first) and write. Returns null when cancelled. */
  private async exportOne(
    p: Plan,
    outDir: string,
    claimed: Map<string, Plan>,
    ours: Set<string>,
    vacated: Set<string>,
    signal: AbortSignal,
  ): Promise<ManifestRow | null> {
    const faceKey = p.face.faceKey!;
    const prev = p.prev;
    const usable = holdsFile(prev) ? prev : undefined;
    if (usable && usable.face_key === faceKey) {
      const slot = splitRel(usable.file);
      if (slotKey(slot.folder, slot.base) === slotKey(p.folder, p.base)) {
        const st = await existingFileInside(outDir, usable.file);
        if (st && String(st.size) === usable.bytes) {
          return { ...this.baseRow(p), file: usable.file, bytes: usable.bytes, sha256: usable.sha256, status: 'up_to_date' };
        }
      }
    }

    const photo = await this.deps.photos.get(faceKey, signal);
    if (signal.aborted) return null;
    const dir = await folderInside(outDir, p.folder);
    const target = (base: string) => {
      const name = base + extensionFor(photo.mime);
      const rel = p.folder ? `${p.folder}/${name}` : name;
      const abs = path.join(dir, name);
      if (!relParts(rel) || name.includes('/') || !isInside(outDir, abs) || path.dirname(abs) !== dir) {
        throw appError('fs.path_escape', 'A file name would leave the export folder', { detail: rel });
      }
      return { rel, abs };
    };
    let { rel, abs } = target(p.base);
    // A file already at that name that the manifest does not list is not ours to replace (the admin's own,
    // another tool's). If it holds exactly this photo, a run killed before its manifest checkpoint wrote it: keep
    // it. Otherwise this photo goes beside it and the file stays untouched.
    let written = false;
    if (!ours.has(nameKey(rel))) {
      const there = await fs.lstat(abs).catch(() => null);
      if (there && (await sameFile(abs, there, photo.bytes))) written = true;
      else if (there) {
        const beside = await this.nameBeside(dir, p, extensionFor(photo.mime), photo.bytes, claimed, ours);
        p.base = beside.base;
        written = beside.existing;
        ({ rel, abs } = target(p.base));
        this.deps.log?.('info', 'export name taken by a file not in the manifest; saved beside it', { file: rel });
      }
    }
    if (!written) await writeAtomic(abs, photo.bytes, this.deps.writeFile);

    // The employee's old file under another name (template, folder or type changed) goes, unless another
    // employee now owns that name, it is the file just written (same name on a case-insensitive disk), or the
    // row does not name a plain file inside the folder.
    if (usable && nameKey(usable.file) !== nameKey(rel)) {
      const slot = splitRel(usable.file);
      const owner = claimed.get(slotKey(slot.folder, slot.base));
      const old = !owner || owner === p ? await existingFileInside(outDir, usable.file) : null;
      const now = old ? await fs.lstat(abs).catch(() => null) : null;
      if (old && now && !(old.ino === now.ino && old.dev === now.dev)) {
        await fs.rm(old.abs, { force: true }).catch(() => {});
        vacated.add(path.dirname(old.abs));
      }
    }
    return {
      ...this.baseRow(p),
      file: rel,
      bytes: String(photo.bytes.byteLength),
      sha256: createHash('sha256').update(photo.bytes).digest('hex'),
      // Found already in the folder, byte for byte: nothing was written.
      status: written ? 'up_to_date' : 'saved',
    };
  }

  /**
   * Where a photo goes when its planned name is held by a file the manifest does not list: a "name (n)" beside it
   * that no manifest row or other employee of this run has and that already holds exactly this photo (an earlier
   * export whose manifest was lost), or else the next name that neither a file on disk nor another employee has.
   */
  private async nameBeside(
    dir: string,
    p: Plan,
    ext: string,
    bytes: Uint8Array,
    claimed: Map<string, Plan>,
    ours: Set<string>,
  ): Promise<{ base: string; existing: boolean }> {
    const entries = await fs.readdir(dir);
    const folder = nameKey(p.folder);
    const others = new Set<string>();
    for (const other of claimed.values()) if (other !== p && nameKey(other.folder) === folder) others.add(nameKey(other.base));
    for (const name of entries) {
      if (!name.toLowerCase().endsWith(ext)) continue;
      const base = name.slice(0, -ext.length);
      const rel = p.folder ? `${p.folder}/${name}` : name;
      if (nameKey(base) === nameKey(p.base) || !isVariantOf(base, p.base) || others.has(nameKey(base)) || ours.has(nameKey(rel))) continue;
      const abs = path.join(dir, name);
      const st = await fs.lstat(abs).catch(() => null);
      if (st && (await sameFile(abs, st, bytes))) {
        claimed.set(slotKey(p.folder, base), p);
        return { base, existing: true };
      }
    }
    const taken = new Set([...entries.map((n) => nameKey(n.replace(/\.[^.]*$/, ''))), ...others]);
    const base = uniqueName(p.base, taken, { keepExtension: false, maxBytes: MAX_NAME_BYTES - MAX_EXTENSION_BYTES });
    claimed.set(slotKey(p.folder, base), p);
    return { base, existing: false };
  }

  /** Streams the saved photos and the manifest into one ZIP in the folder (temp name, then rename). */
  private async zip(outDir: string, rows: Iterable<ManifestRow>, manifestPath: string, signal: AbortSignal): Promise<string | null> {
    const entries: { abs: string; name: string }[] = [];
    for (const r of rows) {
      if ((r.status !== 'saved' && r.status !== 'up_to_date') || !r.file) continue;
      const found = await existingFileInside(outDir, r.file);
      if (found) entries.push({ abs: found.abs, name: r.file });
    }
    const existing = new Set((await fs.readdir(outDir)).map(nameKey));
    const zipName = uniqueName(`faces-${stamp(this.now())}.zip`, existing);
    const target = path.join(outDir, zipName);
    const temp = path.join(outDir, `.${zipName}.part-${randomBytes(6).toString('hex')}`);
    const archive = archiver('zip', { store: true }); // photos are compressed already
    const out = createWriteStream(temp);
    const written = new Promise<void>((resolve, reject) => {
      out.on('close', () => resolve());
      out.on('error', reject);
      archive.on('error', reject);
      archive.on('warning', reject);
    });
    let onAbort = () => {};
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        archive.abort();
        out.destroy();
        reject(appError('export.cancelled', 'Cancelled'));
      };
    });
    aborted.catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      archive.pipe(out);
      for (const e of entries) archive.file(e.abs, { name: e.name });
      archive.file(manifestPath, { name: MANIFEST_FILE });
      await Promise.race([Promise.all([archive.finalize(), written]), aborted]);
      if (signal.aborted) throw appError('export.cancelled', 'Cancelled');
      await fs.rename(temp, target);
      return target;
    } catch (e) {
      out.destroy();
      await fs.rm(temp, { force: true }).catch(() => {});
      if (signal.aborted) return null;
      const info = toAppError(e);
      throw appError(info.code === 'internal' ? 'fs.not_writable' : info.code, 'Could not write the ZIP file', { detail: outDir });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
