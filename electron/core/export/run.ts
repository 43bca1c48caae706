// The export job as its steps: check and lock the folder → plan → download and save → manifest → zip → unlock.
// Each step lives in its own module (safe-folder, plan, save, zip, progress); this one runs them in order and
// keeps the job's state: cancel, checkpoints of manifest.csv, the room reserved for the final manifest.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { appError, isAppFailure, toAppError, type AppError } from '../../../shared/errors';
import { DEFAULT_TEMPLATE, type Employee, type ExportFailure, type ExportSummary, type FaceInfo, type ManifestRow } from '../../../shared/model';
import { validateTemplate, type SubfolderMode } from '../../../shared/naming';
import type { LogFn } from '../../util/logger';
import { readManifest, writeManifest } from '../manifest';
import { manifestBound, reserveManifestRoom, type ManifestReserve } from '../manifest-reserve';
import type { ExportRequest, FaceSettings, PhotoStore } from '../types';
import { carryOver, cancelledRow, claimedSlots, failedRow, keptFile, manifestRows, manifestTotals, ourFiles, planExport, settledRows, type Plan } from './plan';
import { ProgressMeter } from './progress';
import { saveOne, type SaveContext } from './save';
import { assertWritable, lockFolder, removeEmptiedFolders, removeLeftovers } from './safe-folder';
import { writeZip } from './zip';

/** Downloads in flight: a little above the client's per-endpoint rate so its limiter never idles. */
export const EXPORT_CONCURRENCY = 48;
const CHECKPOINT_MS = 2000;
const CHECKPOINT_ROWS = 200;

export interface ExporterDeps {
  faces: FaceSettings;
  photos: PhotoStore;
  now?: () => number;
  log?: LogFn;
  concurrency?: number;
  /** Writes a photo's temp file; tests swap it to simulate a full disk. */
  writeFile?: (file: string, bytes: Uint8Array) => Promise<void>;
  /** Appends to manifest.csv's temp file or writes the manifest's reserved room; tests swap it to simulate a full disk. */
  appendFile?: (file: string, data: string | Uint8Array) => Promise<void>;
}

/** What a job knows before it starts: its request, and the folder both as the admin gave it and as its realpath. */
interface Job {
  req: ExportRequest;
  deps: ExporterDeps;
  now: () => number;
  started: number;
  jobId: string;
  /** What the admin picked, for the summary. */
  shownDir: string;
  /** Its realpath: every check compares realpaths against this one (the admin may well pick a folder through a link). */
  outDir: string;
  template: string;
  mode: SubfolderMode;
}

/** Runs one export job from start to end. Throws before any write for a bad template or an unusable folder. */
export async function runExport(deps: ExporterDeps, req: ExportRequest): Promise<ExportSummary> {
  const now = deps.now ?? Date.now;
  const started = now();
  const jobId = req.jobId ?? randomUUID();
  const shownDir = path.resolve(req.outDir);
  const template = req.options.template || DEFAULT_TEMPLATE;
  const mode: SubfolderMode = req.options.subfolders ?? 'none';
  assertTemplate(template);
  const outDir = await assertWritable(shownDir);
  // One job per folder: two writing one manifest lose each other's rows. Held until the end, whatever happens.
  // Wall-clock time, not the injectable clock: other processes judge the lock's age by it.
  const lock = await lockFolder(outDir, { log: deps.log });
  try {
    return await runLocked({ req, deps, now, started, jobId, shownDir, outDir, template, mode });
  } finally {
    await lock.release();
  }
}

function assertTemplate(template: string): void {
  const check = validateTemplate(template);
  if (check.ok) return;
  const list = check.unknownTokens.map((t) => `{${t}}`).join(', ');
  throw appError('input.invalid', `Unknown file name template tokens: ${list}`, { detail: list });
}

async function runLocked(job: Job): Promise<ExportSummary> {
  const { req, deps, outDir } = job;
  await removeLeftovers(outDir);
  const previous = await readManifest(outDir);
  // De-duplicate the selection, keeping its order.
  const selected = new Set<string>();
  const employees = req.employees.filter((e) => !selected.has(e.userId) && selected.add(e.userId));
  const meter = new ProgressMeter(job.jobId, employees.length, job.now, req.onProgress);
  meter.emit(true);
  const cancel = linkCancel(req.signal, Math.max(1, Math.floor(deps.concurrency ?? EXPORT_CONCURRENCY)));
  let reserve: ManifestReserve | undefined;
  try {
    // Cancelled before the face settings came back: nobody may be recorded as "no photo" on no evidence.
    const faces = await askFaces(deps.faces, employees, cancel.job.signal);
    const plans = planExport({ employees, selected, ...faces, previous, template: job.template, mode: job.mode });
    const carried = await carryOver(outDir, previous, selected, plans);
    // Rows are produced one at a time while the manifest is written: a checkpoint never builds a second set of
    // every row (nor the whole CSV), which made each checkpoint cost memory in proportion to the export's size.
    const rows = () => manifestRows(plans, carried);
    reserve = await reserveRoom(outDir, plans, carried, deps.appendFile);
    const diskFull = await downloadAndSave(job, plans, previous, meter, cancel, rows);
    const cancelled = Boolean(req.signal?.aborted) && !diskFull;
    const manifest = await writeFinalManifest(job, rows, reserve);
    let zipPath: string | null = null;
    if (req.options.zip && !cancelled && !diskFull && manifest.path) {
      meter.enter('zipping');
      zipPath = await writeZip(outDir, rows(), manifest.path, cancel.job.signal, job.now);
    }
    meter.enter(req.signal?.aborted ? 'cancelled' : 'done');
    return summary(job, plans, meter, manifest, zipPath, rows);
  } finally {
    await reserve?.release();
    cancel.unlink();
  }
}

/** The job's own abort: the admin's cancel, or the job stopping itself on a full disk. */
function linkCancel(signal: AbortSignal | undefined, workers: number): { job: AbortController; workers: number; unlink: () => void } {
  const job = new AbortController();
  // Every download in flight (one per worker) listens for cancel, plus a few job-wide waits; a bound, not 0, so a
  // real pile-up of listeners would still warn.
  setMaxListeners(2 * workers + 16, job.signal);
  const onCancel = () => job.abort(signal?.reason);
  if (signal?.aborted) job.abort(signal.reason);
  signal?.addEventListener('abort', onCancel, { once: true });
  return { job, workers, unlink: () => signal?.removeEventListener('abort', onCancel) };
}

/** Face settings of every employee in one fresh batched query; cancelled while asking: unknown, not an error. */
async function askFaces(faces: FaceSettings, employees: Employee[], signal: AbortSignal): Promise<{ faces: Map<string, FaceInfo>; facesKnown: boolean }> {
  if (signal.aborted || !employees.length) return { faces: new Map(), facesKnown: employees.length === 0 };
  try {
    return { faces: await faces.get(employees.map((e) => e.userId), { fresh: true, signal }), facesKnown: true };
  } catch (e) {
    if (!signal.aborted) throw e; // cancelled while asking: every row becomes 'cancelled'
    return { faces: new Map(), facesKnown: false };
  }
}

/** Sets room aside for the final manifest (see manifest-reserve.ts); a disk without even that much is refused up front. */
async function reserveRoom(outDir: string, plans: readonly Plan[], carried: readonly ManifestRow[], appendFile: ExporterDeps['appendFile']): Promise<ManifestReserve> {
  try {
    return await reserveManifestRoom(outDir, manifestBound(settledRows(plans, carried)), appendFile);
  } catch (e) {
    const info = toAppError(e);
    if (info.code === 'fs.disk_full') throw appError('fs.disk_full', 'The disk is too full to hold even the manifest', { detail: outDir });
    throw appError('fs.not_writable', 'Could not write in the export folder', { detail: outDir });
  }
}

/**
 * manifest.csv rewritten as the job goes: every CHECKPOINT_MS and every CHECKPOINT_ROWS settled rows, so a killed
 * run leaves a manifest that is at most a little behind. A failed checkpoint is logged; the final write decides.
 */
class Checkpoints {
  private since = 0;
  private queued = false;
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly job: Job,
    private readonly rows: () => Iterable<ManifestRow>,
  ) {}

  write(): void {
    this.since = 0;
    // Coalesce: while one is being written, at most one more waits (it will see the latest rows).
    if (this.queued) return;
    this.queued = true;
    this.chain = this.chain
      .then(() => {
        this.queued = false;
        return writeManifest(this.job.outDir, this.rows(), this.job.deps.appendFile);
      })
      .then(() => undefined)
      .catch((e: unknown) => this.job.deps.log?.('warn', 'manifest checkpoint failed', { code: toAppError(e).code }));
  }

  /** One more row settled. */
  counted(): void {
    if (++this.since >= CHECKPOINT_ROWS) this.write();
  }

  startTimer(): void {
    this.timer = setInterval(() => this.write(), CHECKPOINT_MS);
    this.timer.unref?.();
  }

  stopTimer(): void {
    clearInterval(this.timer);
  }

  /** The checkpoints queued so far, written (or failed). */
  settled(): Promise<void> {
    return this.chain;
  }
}

/**
 * The download/save loop and what closes it: every planned employee saved (or failed), emptied folders removed,
 * the employees not reached settled as cancelled or (disk full) not attempted, checkpoints written. Returns the
 * disk-full error that stopped the job, or null.
 */
async function downloadAndSave(
  job: Job,
  plans: Plan[],
  previous: Map<string, ManifestRow>,
  meter: ProgressMeter,
  cancel: { job: AbortController; workers: number },
  rows: () => Iterable<ManifestRow>,
): Promise<AppError | null> {
  const checkpoints = new Checkpoints(job, rows);
  const settle = (p: Plan, row: ManifestRow, error?: AppError) => {
    p.row = row;
    if (error) p.error = error;
    meter.count(row.status);
    meter.emit();
    checkpoints.counted();
  };
  const ctx: SaveContext = {
    outDir: job.outDir,
    photos: job.deps.photos,
    signal: cancel.job.signal,
    claimed: claimedSlots(plans),
    ours: ourFiles(previous),
    vacated: new Set(),
    writeFile: job.deps.writeFile,
    log: job.deps.log,
  };
  for (const p of plans) if (p.row) meter.count(p.row.status, false);
  meter.start();
  meter.enter('downloading');
  checkpoints.write();
  checkpoints.startTimer();
  let diskFull: AppError | null;
  try {
    diskFull = await saveAll(ctx, plans, cancel, settle);
  } finally {
    checkpoints.stopTimer();
  }
  await removeEmptiedFolders(job.outDir, ctx.vacated);
  settleUnreached(plans, diskFull, settle);
  await checkpoints.settled();
  return diskFull;
}

type Settle = (p: Plan, row: ManifestRow, error?: AppError) => void;

function isCancel(e: unknown): boolean {
  if (isAppFailure(e)) return e.info.code === 'export.cancelled';
  return (e as { name?: string } | null)?.name === 'AbortError';
}

/**
 * A fixed pool of workers takes the plans in order: one task (closure, promise) per worker, not one queued per
 * employee up front, so what is held while downloading does not grow with the size of the export. A full disk
 * stops the whole job; any other error fails only its employee's row.
 */
async function saveAll(ctx: SaveContext, plans: Plan[], cancel: { job: AbortController; workers: number }, settle: Settle): Promise<AppError | null> {
  const signal = cancel.job.signal;
  let diskFull: AppError | null = null;
  const saveEach = async (p: Plan) => {
    try {
      const row = await saveOne(ctx, p);
      if (row) settle(p, row);
    } catch (e) {
      if (signal.aborted && (isCancel(e) || e === signal.reason)) return;
      let info = toAppError(e);
      if (info.code === 'fs.disk_full') {
        info = { code: 'fs.disk_full', message: 'The disk is full', detail: ctx.outDir };
        if (!diskFull) {
          diskFull = info;
          cancel.job.abort(appError('export.cancelled', 'Stopped: the disk is full'));
        }
      }
      settle(p, failedRow(p, info), info);
    }
  };
  let next = 0;
  const worker = async () => {
    while (!signal.aborted) {
      const p = plans[next++];
      if (!p) return;
      if (!p.row) await saveEach(p);
    }
  };
  await Promise.all(Array.from({ length: cancel.workers }, worker));
  return diskFull;
}

/** Whatever was not reached: cancelled by the admin, or not attempted because the disk filled up. */
function settleUnreached(plans: Plan[], diskFull: AppError | null, settle: Settle): void {
  for (const p of plans) {
    if (p.row) continue;
    if (diskFull) {
      const info: AppError = { ...diskFull, message: 'Not attempted: the disk is full' };
      settle(p, { ...failedRow(p, info), ...keptFile(p) }, info);
    } else settle(p, { ...cancelledRow(p), ...keptFile(p) });
  }
}

/** The final manifest, into the room reserved for it; on failure the summary says it is missing, and why. */
async function writeFinalManifest(job: Job, rows: () => Iterable<ManifestRow>, reserve: ManifestReserve): Promise<{ path: string; error?: AppError }> {
  try {
    // The room set aside for exactly this write: a disk the photos filled up still takes the final manifest.
    await reserve.release();
    return { path: await writeManifest(job.outDir, rows(), job.deps.appendFile) };
  } catch (e) {
    // The counts are still reported (the summary says the manifest is missing, and why).
    const error: AppError = { code: toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', message: 'Could not write manifest.csv', detail: job.outDir };
    job.deps.log?.('error', 'final manifest not written', { code: error.code });
    return { path: '', error };
  }
}

function summary(
  job: Job,
  plans: Plan[],
  meter: ProgressMeter,
  manifest: { path: string; error?: AppError },
  zipPath: string | null,
  rows: () => Iterable<ManifestRow>,
): ExportSummary {
  const shown = (file: string) => path.join(job.shownDir, path.relative(job.outDir, file));
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
    jobId: job.jobId,
    outDir: job.shownDir,
    total: plans.length,
    saved: c.saved,
    upToDate: c.upToDate,
    noPhoto: c.noPhoto,
    failed: c.failed,
    cancelled: Boolean(job.req.signal?.aborted),
    failures,
    manifestPath: manifest.path && shown(manifest.path),
    zipPath: zipPath && shown(zipPath),
    durationMs: Math.max(0, job.now() - job.started),
    ...(manifest.path ? { manifestTotals: manifestTotals(rows()) } : { manifestError: manifest.error }),
  };
}
