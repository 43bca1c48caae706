// The bulk export job: face settings in one batched query, photos through the cache with enough
// concurrency to keep the client's rate limiter busy, names from the admin's template, each file
// written atomically, a manifest.csv checkpointed as we go, resumable, cancellable, optionally zipped.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import archiver from 'archiver';
import PQueue from 'p-queue';
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
import { MANIFEST_FILE, readManifest, writeManifest } from './manifest';
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

/** A '/'-separated path from a manifest, resolved inside root, or null when it would leave it. */
function resolveInside(root: string, rel: string): string | null {
  if (!rel || rel.includes('\0')) return null;
  const abs = path.resolve(root, ...rel.split('/'));
  return isInside(root, abs) ? abs : null;
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

async function writeAtomic(abs: string, bytes: Uint8Array, write: (file: string, bytes: Uint8Array) => Promise<void>): Promise<void> {
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.part-${randomBytes(6).toString('hex')}`);
  try {
    await write(temp, bytes);
    await fs.rename(temp, abs);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw e;
  }
}

/** Checks the folder before any API call: exists, is a folder, and a file can really be created in it. */
async function assertWritable(outDir: string): Promise<void> {
  const fail = (why: string) => appError('fs.not_writable', `The export folder cannot be written to (${why})`, { detail: outDir });
  const st = await fs.stat(outDir).catch(() => null);
  if (!st) throw fail('it does not exist');
  if (!st.isDirectory()) throw fail('it is not a folder');
  const probe = path.join(outDir, `.write-check.part-${randomBytes(6).toString('hex')}`);
  try {
    await fs.writeFile(probe, '');
  } catch (e) {
    if (errorCode(e) === 'ENOSPC') throw appError('fs.disk_full', 'The disk is full', { detail: outDir });
    throw fail('permission denied');
  } finally {
    await fs.rm(probe, { force: true }).catch(() => {});
  }
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

class ProgressMeter {
  readonly counts = { done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0 };
  private readonly recent: number[] = [];
  private lastEmit = -Infinity;
  phase: ExportProgress['phase'] = 'preparing';

  constructor(
    private readonly jobId: string,
    private readonly total: number,
    private readonly now: () => number,
    private readonly listener?: (p: ExportProgress) => void,
  ) {}

  count(status: ManifestRow['status']): void {
    this.counts.done++;
    if (status === 'saved') this.counts.saved++;
    else if (status === 'up_to_date') this.counts.upToDate++;
    else if (status === 'no_photo') this.counts.noPhoto++;
    else if (status === 'failed') this.counts.failed++;
    this.recent.push(this.now());
  }

  snapshot(): ExportProgress {
    const t = this.now();
    while (this.recent.length && t - this.recent[0]! > RATE_WINDOW_MS) this.recent.shift();
    const span = this.recent.length > 1 ? Math.max(t - this.recent[0]!, 1000) : RATE_WINDOW_MS;
    const rate = this.recent.length / (span / 1000);
    const left = this.total - this.counts.done;
    return {
      jobId: this.jobId,
      phase: this.phase,
      total: this.total,
      ...this.counts,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: left === 0 ? 0 : rate > 0 ? Math.round(left / rate) : null,
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
    const outDir = path.resolve(req.outDir);
    const template = req.options.template || DEFAULT_TEMPLATE;
    const mode: SubfolderMode = req.options.subfolders ?? 'none';
    const check = validateTemplate(template);
    if (!check.ok) {
      const list = check.unknownTokens.map((t) => `{${t}}`).join(', ');
      throw appError('input.invalid', `Unknown file name template tokens: ${list}`, { detail: list });
    }

    await assertWritable(outDir);
    await removeLeftovers(outDir);
    const previous = await readManifest(outDir);

    // De-duplicate the selection, keeping its order.
    const seen = new Set<string>();
    const employees = req.employees.filter((e) => !seen.has(e.userId) && seen.add(e.userId));
    const meter = new ProgressMeter(jobId, employees.length, this.now, req.onProgress);
    meter.emit(true);

    const job = new AbortController();
    setMaxListeners(0, job.signal); // every download in flight listens for cancel
    const onCancel = () => job.abort(req.signal?.reason);
    if (req.signal?.aborted) job.abort(req.signal.reason);
    req.signal?.addEventListener('abort', onCancel, { once: true });
    let diskFull: AppError | null = null;

    try {
      let faces = new Map<string, FaceInfo>();
      if (!job.signal.aborted && employees.length) {
        try {
          faces = await this.deps.faces.get(
            employees.map((e) => e.userId),
            { fresh: true, signal: job.signal },
          );
        } catch (e) {
          if (!job.signal.aborted) throw e; // cancelled while asking: every row becomes 'cancelled'
        }
      }

      const plans = this.plan(employees, seen, faces, previous, template, mode);
      const carried = await this.carryOver(outDir, previous, seen, plans);
      const claimed = new Map<string, Plan>();
      for (const p of plans) if (p.face.enrolled) claimed.set(slotKey(p.folder, p.base), p);

      const rows = (): ManifestRow[] => [...plans.map((p) => p.row ?? this.pendingRow(p)), ...carried];
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
            return writeManifest(outDir, rows());
          })
          .then(() => undefined)
          .catch((e: unknown) => this.deps.log?.('warn', 'manifest checkpoint failed', { code: toAppError(e).code }));
      };

      for (const p of plans) if (p.row) meter.count(p.row.status);
      meter.phase = 'downloading';
      meter.emit(true);
      checkpoint();
      const timer = setInterval(checkpoint, CHECKPOINT_MS);
      timer.unref?.();

      const folders = new Map<string, Promise<void>>();
      const ensureFolder = (folder: string) => {
        if (!folder) return Promise.resolve();
        const key = nameKey(folder);
        if (!folders.has(key)) {
          const p = fs.mkdir(path.join(outDir, folder), { recursive: true }).then(() => undefined);
          p.catch(() => folders.delete(key));
          folders.set(key, p);
        }
        return folders.get(key)!;
      };

      const queue = new PQueue({ concurrency: this.deps.concurrency ?? EXPORT_CONCURRENCY });
      const finish = (p: Plan, row: ManifestRow, error?: AppError) => {
        p.row = row;
        if (error) p.error = error;
        meter.count(row.status);
        meter.emit();
        if (++sinceCheckpoint >= CHECKPOINT_ROWS) checkpoint();
      };

      try {
        await Promise.all(
          plans
            .filter((p) => !p.row)
            .map((p) =>
              queue.add(async () => {
                if (job.signal.aborted) return;
                try {
                  const row = await this.exportOne(p, outDir, claimed, ensureFolder, job.signal);
                  if (row) finish(p, row);
                } catch (e) {
                  if (job.signal.aborted && (isCancel(e) || e === job.signal.reason)) return;
                  let info = toAppError(e);
                  if (errorCode(e) === 'ENOSPC' || info.code === 'fs.disk_full') {
                    info = { code: 'fs.disk_full', message: 'The disk is full', detail: outDir };
                    if (!diskFull) {
                      diskFull = info;
                      job.abort(appError('export.cancelled', 'Stopped: the disk is full'));
                    }
                  }
                  finish(p, this.failedRow(p, info), info);
                }
              }),
            ),
        );
      } finally {
        clearInterval(timer);
      }
      await queue.onIdle();

      // Whatever was not reached: cancelled by the admin, or not attempted because the disk filled up.
      for (const p of plans) {
        if (p.row) continue;
        if (diskFull) {
          const info: AppError = { ...(diskFull as AppError), message: 'Not attempted: the disk is full' };
          finish(p, this.failedRow(p, info), info);
        } else finish(p, this.cancelledRow(p));
      }

      await checkpointing;
      const cancelled = Boolean(req.signal?.aborted) && !diskFull;
      let manifestPath: string;
      try {
        manifestPath = await writeManifest(outDir, rows());
      } catch (e) {
        throw appError(toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', 'Could not write manifest.csv', {
          detail: outDir,
        });
      }

      let zipPath: string | null = null;
      if (req.options.zip && !cancelled && !diskFull) {
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
        outDir,
        total: employees.length,
        saved: c.saved,
        upToDate: c.upToDate,
        noPhoto: c.noPhoto,
        failed: c.failed,
        cancelled: Boolean(req.signal?.aborted),
        failures,
        manifestPath,
        zipPath,
        durationMs: Math.max(0, this.now() - started),
      };
    } finally {
      req.signal?.removeEventListener('abort', onCancel);
    }
  }

  /** Folder and a stable, unique base name for every employee with a photo. */
  private plan(
    employees: Employee[],
    selected: Set<string>,
    faces: Map<string, FaceInfo>,
    previous: Map<string, ManifestRow>,
    template: string,
    mode: SubfolderMode,
  ): Plan[] {
    const notEnrolled: FaceInfo = { enrolled: false, faceKey: null, updatedAt: null };
    const folderSpelling = new Map<string, string>();
    const plans: Plan[] = employees.map((employee) => {
      const face = faces.get(employee.userId) ?? notEnrolled;
      let folder = subfolderFor(mode, employee);
      // Windows and macOS see "Sales" and "sales" as one folder: use one spelling for both.
      const fk = nameKey(folder);
      if (!folderSpelling.has(fk)) folderSpelling.set(fk, folder);
      folder = folderSpelling.get(fk)!;
      const base = face.enrolled
        ? renderFileName(template, namingFields(employee, face), { reserveBytes: MAX_EXTENSION_BYTES })
        : '';
      const plan: Plan = { employee, face, folder, base, prev: previous.get(employee.userId), row: null };
      if (!face.enrolled) plan.row = this.noPhotoRow(plan);
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
      if (selected.has(userId) || !row.file) continue;
      if (row.status !== 'saved' && row.status !== 'up_to_date') continue;
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

  /** Rows of the previous manifest for employees not in this run whose files are still there. */
  private async carryOver(outDir: string, previous: Map<string, ManifestRow>, selected: Set<string>, plans: Plan[]): Promise<ManifestRow[]> {
    const slots = new Set(plans.filter((p) => p.face.enrolled).map((p) => slotKey(p.folder, p.base)));
    const out: ManifestRow[] = [];
    for (const [userId, row] of previous) {
      if (selected.has(userId) || (row.status !== 'saved' && row.status !== 'up_to_date') || !row.file) continue;
      const { folder, base } = splitRel(row.file);
      if (slots.has(slotKey(folder, base))) continue;
      const abs = resolveInside(outDir, row.file);
      const st = abs ? await fs.stat(abs).catch(() => null) : null;
      if (st?.isFile()) out.push(row);
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

  /** A checkpoint's row for an employee not handled yet: last run's file is still valid until we replace it. */
  private pendingRow(p: Plan): ManifestRow {
    if (p.prev && p.prev.file && (p.prev.status === 'saved' || p.prev.status === 'up_to_date')) return p.prev;
    return { ...this.cancelledRow(p), error_detail: 'Not processed (the export stopped before this employee)' };
  }

  /** One employee: up to date already, or download (cache first) and write. Returns null when cancelled. */
  private async exportOne(
    p: Plan,
    outDir: string,
    claimed: Map<string, Plan>,
    ensureFolder: (folder: string) => Promise<void>,
    signal: AbortSignal,
  ): Promise<ManifestRow | null> {
    const faceKey = p.face.faceKey!;
    const prev = p.prev;
    const prevAbs = prev?.file ? resolveInside(outDir, prev.file) : null;
    if (prev && prevAbs && prev.face_key === faceKey && (prev.status === 'saved' || prev.status === 'up_to_date')) {
      const slot = splitRel(prev.file);
      if (slotKey(slot.folder, slot.base) === slotKey(p.folder, p.base)) {
        const st = await fs.stat(prevAbs).catch(() => null);
        if (st?.isFile() && String(st.size) === prev.bytes) {
          return { ...this.baseRow(p), file: prev.file, bytes: prev.bytes, sha256: prev.sha256, status: 'up_to_date' };
        }
      }
    }

    const photo = await this.deps.photos.get(faceKey, signal);
    if (signal.aborted) return null;
    const name = p.base + extensionFor(photo.mime);
    const rel = p.folder ? `${p.folder}/${name}` : name;
    const abs = path.resolve(outDir, p.folder, name);
    if (!isInside(outDir, abs) || path.dirname(abs) !== path.resolve(outDir, p.folder)) {
      throw appError('fs.path_escape', 'A file name would leave the export folder', { detail: rel });
    }
    await ensureFolder(p.folder);
    await writeAtomic(abs, photo.bytes, this.deps.writeFile ?? ((f, b) => fs.writeFile(f, b)));

    // The employee's old file under another name (template, folder or type changed) goes, unless another
    // employee now owns that name.
    if (prev?.file && prevAbs && prevAbs !== abs) {
      const slot = splitRel(prev.file);
      const owner = claimed.get(slotKey(slot.folder, slot.base));
      if (!owner || owner === p) await fs.rm(prevAbs, { force: true }).catch(() => {});
    }
    return {
      ...this.baseRow(p),
      file: rel,
      bytes: String(photo.bytes.byteLength),
      sha256: createHash('sha256').update(photo.bytes).digest('hex'),
      status: 'saved',
    };
  }

  /** Streams the saved photos and the manifest into one ZIP in the folder (temp name, then rename). */
  private async zip(outDir: string, rows: ManifestRow[], manifestPath: string, signal: AbortSignal): Promise<string | null> {
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
      for (const r of rows) {
        if ((r.status !== 'saved' && r.status !== 'up_to_date') || !r.file) continue;
        const abs = resolveInside(outDir, r.file);
        if (abs) archive.file(abs, { name: r.file });
      }
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
