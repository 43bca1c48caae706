// Every channel of the contract, implemented over the engine. Holds the session (which tenant is
// signed in, its core), the export folder chosen in this run and the export jobs. No electron
// import: Electron main and the browser harness both run this file.
import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { appError, isAppFailure, toAppError } from '../../shared/errors';
import type { Handlers, ResponseOf } from '../../shared/ipc';
import {
  MAX_PHOTO_BYTES,
  resolveBaseUrl,
  type CredentialStatus,
  type Employee,
  type ExportOptions,
  type ExportProgress,
  type ExportSummary,
} from '../../shared/model';
import { extensionFor, singlePhotoFileName } from '../../shared/naming';
import { createCore as defaultCreateCore, writeAtomic } from '../core/index';
import type { Core, CoreOptions } from '../core/types';
import { isWritableFolder } from '../util/writable-folder';
import type { AppHost, StoredCredentials } from './host';

/** Shows enough of an app id to recognise it, e.g. `cli_a1b2****f3g4`. */
export function maskAppId(appId: string): string {
  // Enough to recognise the app, never the whole id, whatever its length.
  if (appId.length >= 16) return `${appId.slice(0, 8)}****${appId.slice(-4)}`;
  if (appId.length >= 8) return `${appId.slice(0, 4)}****${appId.slice(-2)}`;
  return `${appId.slice(0, 2)}****`;
}

/** Resolves when the folder exists, is a directory and can be written to; else fs.not_writable. */
export async function ensureWritableFolder(folder: string): Promise<void> {
  if (!(await isWritableFolder(folder))) throw appError('fs.not_writable', 'The export folder is missing or cannot be written to', { detail: folder });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

interface Session {
  core: Core;
  creds: StoredCredentials;
  demo: boolean;
  persisted: boolean;
}

interface Job {
  jobId: string;
  employees: Employee[];
  outDir: string;
  options: ExportOptions;
  controller: AbortController;
  progress: ExportProgress;
  summary: ExportSummary | null;
}

export interface HandlerDeps {
  createCore?: (opts: CoreOptions) => Core;
}

/** What handlers expose besides the contract, for the host's shutdown. */
export interface AppHandlers extends Handlers {
  dispose(): Promise<void>;
}

/** The ids of a filter selection less the ones the admin unticked. */
function withoutIds(ids: string[], except: readonly string[] | undefined): string[] {
  if (!except?.length) return ids;
  const drop = new Set(except);
  return ids.filter((id) => !drop.has(id));
}

export function createHandlers(host: AppHost, deps: HandlerDeps = {}): AppHandlers {
  const createCore = deps.createCore ?? defaultCreateCore;
  const log = host.log;
  let session: Session | null = null;
  /** Loading the stored credentials happens once, lazily, on the first call that needs them. */
  let restored = false;
  let restoring: Promise<void> | null = null;
  /** The folder the admin chose in this run; the renderer never sends a path. */
  let sessionFolder: string | null = null;
  const jobs = new Map<string, Job>();
  let running: Job | null = null;
  let lastJob: Job | null = null;

  async function buildCore(creds: StoredCredentials, demo: boolean): Promise<Core> {
    log.addSecret(creds.appSecret);
    // The demo tenant is on loopback: never through a proxy.
    const dispatcher = demo ? undefined : await host.dispatcher?.(resolveBaseUrl(creds.baseUrl));
    return createCore({
      baseUrl: resolveBaseUrl(creds.baseUrl),
      appId: creds.appId,
      appSecret: creds.appSecret,
      cacheDir: demo ? host.demoCacheDir : host.cacheDir,
      cacheMaxBytes: host.settings.get().cacheMaxMB * 1024 * 1024,
      ...(dispatcher ? { dispatcher } : {}),
      log: (level, message, fields) => log.log(level, message, fields),
    });
  }

  async function closeQuietly(core: Core | undefined): Promise<void> {
    try {
      await core?.close();
    } catch (e) {
      log.warn('closing the engine failed', { error: toAppError(e).code });
    }
  }

  async function replaceSession(next: Session | null): Promise<void> {
    const old = session;
    session = next;
    if (old && old.core !== next?.core) await closeQuietly(old.core);
  }

  async function restore(): Promise<void> {
    if (restored) return;
    restoring ??= (async () => {
      try {
        const stored = await host.vault.get();
        if (stored && !session) {
          const { persisted, ...creds } = stored;
          session = { core: await buildCore(creds, false), creds, demo: false, persisted };
        }
      } catch (e) {
        log.warn('could not restore the stored credentials', { code: toAppError(e).code });
      } finally {
        restored = true;
      }
    })();
    await restoring;
  }

  async function requireCore(): Promise<Core> {
    await restore();
    if (!session) throw appError('auth.not_configured', 'Sign in first');
    return session.core;
  }

  function status(): CredentialStatus {
    return {
      configured: session !== null,
      demo: session?.demo ?? false,
      baseUrl: session ? (session.demo ? null : session.creds.baseUrl) : null,
      appIdMasked: session ? maskAppId(session.creds.appId) : null,
      persisted: session?.persisted ?? false,
      encryption: host.vault.encryption(),
    };
  }

  /** Builds a core for the credentials and checks them against Feishu; closes it on failure. */
  async function verified(creds: StoredCredentials, demo: boolean): Promise<Core> {
    const core = await buildCore(creds, demo);
    try {
      await core.client.verify();
      return core;
    } catch (e) {
      await closeQuietly(core);
      throw e;
    }
  }

  async function exportFolder(): Promise<string> {
    if (sessionFolder) {
      await ensureWritableFolder(sessionFolder);
      return sessionFolder;
    }
    const remembered = host.settings.get().lastFolder;
    if (remembered) {
      try {
        await ensureWritableFolder(remembered);
        sessionFolder = remembered;
        return remembered;
      } catch {
        // fall through: ask the admin to choose again
      }
    }
    throw appError('fs.not_writable', 'Choose a folder to save the photos in first', { detail: 'no folder chosen' });
  }

  function emptyProgress(jobId: string, total: number): ExportProgress {
    return { jobId, phase: 'preparing', total, done: 0, saved: 0, upToDate: 0, noPhoto: 0, failed: 0, rate: 0, etaSeconds: null };
  }

  /** When the exporter itself fails (folder vanished, disk full), every employee is reported failed. */
  function failedSummary(job: Job, error: ReturnType<typeof toAppError>, startedAt: number): ExportSummary {
    return {
      jobId: job.jobId,
      outDir: job.outDir,
      total: job.employees.length,
      saved: 0,
      upToDate: 0,
      noPhoto: 0,
      failed: job.employees.length,
      cancelled: error.code === 'export.cancelled',
      failures: job.employees.map((e) => ({ userId: e.userId, name: e.name, employeeNo: e.employeeNo, error })),
      manifestPath: '',
      zipPath: null,
      durationMs: Date.now() - startedAt,
    };
  }

  function startJob(core: Core, employees: Employee[], outDir: string, options: ExportOptions): string {
    if (running) throw appError('export.busy', 'Another export is running');
    const jobId = randomUUID();
    const job: Job = {
      jobId,
      employees,
      outDir,
      options,
      controller: new AbortController(),
      progress: emptyProgress(jobId, employees.length),
      summary: null,
    };
    jobs.set(jobId, job);
    running = job;
    lastJob = job;
    const startedAt = Date.now();
    host.emit('exportProgress', job.progress);
    void (async () => {
      let summary: ExportSummary;
      try {
        summary = await core.exporter.run({
          employees,
          outDir,
          options,
          jobId,
          signal: job.controller.signal,
          onProgress: (p) => {
            job.progress = p;
            host.emit('exportProgress', p);
          },
        });
      } catch (e) {
        const error = toAppError(e);
        if (!isAppFailure(e)) log.error('export failed', { jobId, error: e instanceof Error ? e.message : String(e) });
        else log.warn('export failed', { jobId, code: error.code });
        summary = failedSummary(job, error, startedAt);
        job.progress = {
          ...job.progress,
          phase: summary.cancelled ? 'cancelled' : 'done',
          done: summary.total,
          failed: summary.failed,
          saved: 0,
          upToDate: 0,
          noPhoto: 0,
          etaSeconds: null,
        };
      }
      job.summary = summary;
      if (job.progress.phase !== 'done' && job.progress.phase !== 'cancelled') {
        job.progress = { ...job.progress, phase: summary.cancelled ? 'cancelled' : 'done', etaSeconds: null };
      }
      if (running === job) running = null;
      log.info('export finished', {
        jobId,
        total: summary.total,
        saved: summary.saved,
        upToDate: summary.upToDate,
        noPhoto: summary.noPhoto,
        failed: summary.failed,
        cancelled: summary.cancelled,
      });
      host.emit('exportDone', summary);
    })();
    return jobId;
  }

  function finishedJob(jobId: string): Job & { summary: ExportSummary } {
    const job = jobs.get(jobId);
    if (!job) throw appError('export.not_found', 'No such export');
    if (!job.summary) throw appError('export.busy', 'The export is still running');
    return job as Job & { summary: ExportSummary };
  }

  const handlers: AppHandlers = {
    async credentialsStatus() {
      await restore();
      return status();
    },

    async credentialsSet(input) {
      const creds: StoredCredentials = { baseUrl: input.baseUrl, appId: input.appId, appSecret: input.appSecret };
      // Verify before storing: wrong credentials must leave the stored ones untouched.
      const core = await verified(creds, false);
      let persisted: boolean;
      try {
        ({ persisted } = await host.vault.set(creds));
      } catch (e) {
        await closeQuietly(core);
        throw e;
      }
      restored = true;
      await replaceSession({ core, creds, demo: false, persisted });
      log.info('signed in', { appId: maskAppId(creds.appId), persisted });
      return status();
    },

    async credentialsTest(input) {
      const core = await verified({ baseUrl: input.baseUrl, appId: input.appId, appSecret: input.appSecret }, false);
      await closeQuietly(core);
      return { ok: true as const };
    },

    async credentialsClear() {
      if (running) running.controller.abort();
      if (session?.demo) {
        // Leaving the demo never touches the vault: back to the stored tenant, if there is one.
        await replaceSession(null);
        restored = false;
        restoring = null;
        await restore();
        log.info('left the demo tenant');
        return status();
      }
      await host.vault.clear();
      restored = true;
      await replaceSession(null);
      log.info('signed out');
      return status();
    },

    async demoStart() {
      const demo = await host.startDemo();
      const creds: StoredCredentials = { baseUrl: demo.url, appId: demo.appId, appSecret: demo.appSecret };
      const core = await verified(creds, true);
      restored = true;
      await replaceSession({ core, creds, demo: true, persisted: false });
      log.info('demo tenant started');
      return status();
    },

    async departments() {
      return (await requireCore()).directory.departmentTree();
    },

    async groups() {
      return (await requireCore()).directory.groups();
    },

    async employees({ filter, offset, limit }) {
      return (await requireCore()).employeePage(filter, offset, limit);
    },

    async employeeIds({ filter }) {
      return (await requireCore()).employeeIds(filter);
    },

    async employee({ userId }) {
      return (await requireCore()).employeeRow(userId);
    },

    async lookup({ query, limit }) {
      return (await requireCore()).lookup(query, limit);
    },

    async faceRefresh({ userIds }) {
      const faces = await (await requireCore()).faces.get(userIds, { fresh: true });
      const out: ResponseOf<'faceRefresh'> = {};
      for (const id of userIds) {
        out[id] = faces.get(id) ?? { enrolled: false, faceKey: null, updatedAt: null };
      }
      return out;
    },

    async photo({ faceKey }) {
      if (/^\.+$/.test(faceKey)) throw appError('input.invalid', 'The request is not valid', { detail: 'faceKey' });
      const photo = await (await requireCore()).photos.get(faceKey);
      if (photo.bytes.byteLength > MAX_PHOTO_BYTES) {
        throw appError('feishu.bad_response', 'The photo is larger than the app accepts', {
          detail: `${photo.bytes.byteLength} bytes`,
        });
      }
      // A plain Uint8Array view: a Buffer would serialise through its toJSON on the harness wire.
      return { mime: photo.mime, bytes: new Uint8Array(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength) };
    },

    async photoSave({ userId }) {
      const core = await requireCore();
      const row = await core.employeeRow(userId);
      if (!row.face.enrolled || !row.face.faceKey) throw appError('feishu.not_found', 'This employee has no face photo');
      const photo = await core.photos.get(row.face.faceKey);
      // Named like the export would name it (no leading dots, reserved names or path characters).
      const name = singlePhotoFileName(row, row.face, photo.mime);
      const ext = extensionFor(photo.mime);
      // The extension is in the dialog's name and filter, so the dialog's own overwrite prompt
      // covered the exact path it returns: write that path. Only when the admin deleted the
      // extension do we add it back, and then never over an existing file.
      const path = await host.chooseSavePath(name);
      if (!path) return null;
      let target = path;
      if (!extname(path) && !(await exists(`${path}${ext}`))) target = `${path}${ext}`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeAtomic(target, photo.bytes);
      } catch (e) {
        throw appError(toAppError(e).code === 'fs.disk_full' ? 'fs.disk_full' : 'fs.not_writable', 'The photo could not be saved', {
          detail: target,
        });
      }
      return { path: target };
    },

    async exportChooseFolder({ useRemembered }) {
      const folder = await host.chooseFolder({ remembered: host.settings.get().lastFolder, useRemembered });
      if (!folder) return null;
      await ensureWritableFolder(folder);
      sessionFolder = folder;
      host.settings.setLastFolder(folder);
      return { folder };
    },

    async exportStart({ selection, options }) {
      const core = await requireCore();
      if (running) throw appError('export.busy', 'Another export is running');
      const outDir = await exportFolder();
      const ids = selection.kind === 'ids' ? [...new Set(selection.userIds)] : withoutIds(await core.employeeIds(selection.filter), selection.except);
      if (ids.length === 0) throw appError('input.invalid', 'No employees to export', { detail: 'selection' });
      const employees = await core.directory.employeesByIds(ids);
      return { jobId: startJob(core, employees, outDir, options) };
    },

    async exportCancel({ jobId }) {
      const job = jobs.get(jobId);
      if (!job) throw appError('export.not_found', 'No such export');
      if (!job.summary) job.controller.abort();
      return { ok: true as const };
    },

    async exportRetryFailed({ jobId }) {
      const job = finishedJob(jobId);
      const failedIds = new Set(job.summary.failures.map((f) => f.userId));
      const employees = job.employees.filter((e) => failedIds.has(e.userId));
      if (employees.length === 0) throw appError('input.invalid', 'Nothing failed in this export', { detail: 'jobId' });
      await ensureWritableFolder(job.outDir);
      return { jobId: startJob(await requireCore(), employees, job.outDir, job.options) };
    },

    async exportCurrent() {
      const job = running ?? lastJob;
      if (!job) return null;
      return { progress: job.progress, summary: job.summary };
    },

    async exportShowInFolder({ jobId }) {
      const { summary } = finishedJob(jobId);
      await host.showItemInFolder(summary.zipPath ?? (summary.manifestPath || summary.outDir));
      return { ok: true as const };
    },

    async exportOpenManifest({ jobId }) {
      const { summary } = finishedJob(jobId);
      if (!summary.manifestPath) throw appError('export.not_found', 'This export has no manifest');
      await host.openPath(summary.manifestPath);
      return { ok: true as const };
    },

    async cacheInfo() {
      await restore();
      if (!session) return { bytes: 0, files: 0, maxBytes: host.settings.get().cacheMaxMB * 1024 * 1024 };
      return session.core.photos.info();
    },

    async cacheClear() {
      await restore();
      if (!session) return { bytes: 0, files: 0, maxBytes: host.settings.get().cacheMaxMB * 1024 * 1024 };
      return session.core.photos.clear();
    },

    async settingsGet() {
      return host.settings.get();
    },

    async settingsSet(patch) {
      const before = host.settings.get();
      const after = host.settings.patch(patch);
      if (after.cacheMaxMB !== before.cacheMaxMB) session?.core.photos.setMaxBytes(after.cacheMaxMB * 1024 * 1024);
      return after;
    },

    async appInfo() {
      return host.appInfo;
    },

    async openExternal({ url }) {
      await host.openExternal(url);
      return { ok: true as const };
    },

    async dispose() {
      running?.controller.abort();
      await replaceSession(null);
    },
  };
  return handlers;
}
