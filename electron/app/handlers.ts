// Every channel of the contract, implemented over the engine: one thin handler map per feature
// (session, browsing, folder choice, export jobs), composed here with the small settings and cache
// channels. No electron import: Electron main and the browser harness both run this file.
import type { Handlers } from '../../shared/ipc';
import type { Core, CoreOptions } from '../core/types';
import { clearSnapshots } from '../core/snapshot/store';
import { auditHandlers } from './audit-handlers';
import { createAuditTrail, tenantOf, type AuditTrail } from './audit-trail';
import { browseHandlers } from './browse-handlers';
import { coverageHandlers } from './coverage-handlers';
import { exportHandlers } from './export-handlers';
import { createExportJobs } from './export-jobs';
import { createExportNotice } from './export-notice';
import { createFolderChoice } from './folder';
import type { AppHost } from './host';
import { importHandlers } from './import-handlers';
import type { PhotoChangeContext } from './photo-change-context';
import { photoHandlers } from './photo-handlers';
import { remindHandlers } from './remind-handlers';
import { createSessionState, type SessionState } from './session-handlers';

export { maskAppId } from './session-handlers';
export { ensureWritableFolder } from './folder';

export interface HandlerDeps {
  createCore?: (opts: CoreOptions) => Core;
  /** Test hooks into photo changes. */
  photoHooks?: PhotoChangeContext['hooks'];
}

/** What handlers expose besides the contract, for the host's shutdown. */
export interface AppHandlers extends Handlers {
  /** The window is opening: restore the stored sign-in (and its remembered directory) now. */
  warmUp(): void;
  dispose(): Promise<void>;
}

type SettingsKeys = 'cacheInfo' | 'cacheClear' | 'settingsGet' | 'settingsSet' | 'appInfo' | 'openExternal';

function settingsHandlers(host: AppHost, session: SessionState, audit: AuditTrail): Pick<Handlers, SettingsKeys> {
  const emptyCache = () => ({ bytes: 0, files: 0, maxBytes: host.settings.get().cacheMaxMB * 1024 * 1024 });
  return {
    async cacheInfo() {
      const core = await session.restoredCore();
      return core ? core.photos.info() : emptyCache();
    },

    async cacheClear() {
      const core = await session.restoredCore();
      // The remembered directories (every tenant's) go with the photos.
      if (host.snapshotDir) await (core?.remembered ? core.remembered.clear() : clearSnapshots(host.snapshotDir));
      if (!core) return emptyCache();
      const before = await core.photos.info();
      const after = await core.photos.clear();
      await audit.record('cache.clear', { files: before.files - after.files, bytes: before.bytes - after.bytes });
      return after;
    },

    async settingsGet() {
      return host.settings.get();
    },

    async settingsSet(patch) {
      const before = host.settings.get();
      const after = host.settings.patch(patch);
      if (after.cacheMaxMB !== before.cacheMaxMB) session.currentCore()?.photos.setMaxBytes(after.cacheMaxMB * 1024 * 1024);
      if (after.cacheRetentionDays !== before.cacheRetentionDays) session.currentCore()?.photos.setRetentionDays(after.cacheRetentionDays);
      return after;
    },

    async appInfo() {
      return host.appInfo;
    },

    async openExternal({ url }) {
      await host.openExternal(url);
      return { ok: true as const };
    },
  };
}

export function createHandlers(host: AppHost, deps: HandlerDeps = {}): AppHandlers {
  const jobs = createExportJobs(host);
  let abortImport = () => {};
  // The trail reads the signed-in tenant lazily: `session` is built right after it.
  const audit = createAuditTrail(host, () => session.currentTenant());
  const session = createSessionState(host, {
    ...deps,
    beforeSignOut: () => {
      jobs.abortRunning();
      abortImport();
    },
    audit,
  });
  const photoCtx: PhotoChangeContext = { requireTenant: () => session.requireTenant(), ...(deps.photoHooks ? { hooks: deps.photoHooks } : {}) };
  const { abortRunning, ...imports } = importHandlers(host, photoCtx);
  abortImport = abortRunning;
  const folder = createFolderChoice(host);
  const notice = createExportNotice(host);
  const requireCore = () => session.requireCore();
  const currentTenant = () => {
    const t = session.currentTenant();
    return t ? tenantOf(t) : null;
  };
  const beforeErase = async () => {
    jobs.abortRunning();
    abortImport();
    // Through the engine, so its in-memory index forgets the files too.
    await session.currentCore()?.photos.clear();
  };
  return {
    ...session.handlers,
    ...browseHandlers(host, requireCore, audit),
    ...coverageHandlers(host, requireCore, audit),
    ...remindHandlers(requireCore, audit, (event, payload) => host.emit(event, payload)),
    ...folder.handlers,
    ...exportHandlers(host, { jobs, requireCore, exportFolder: () => folder.exportFolder(), audit, notice, currentTenant }),
    ...settingsHandlers(host, session, audit),
    ...auditHandlers(host, { audit, notice, requireCore, currentTenant, beforeErase }),
    ...photoHandlers(host, photoCtx),
    ...imports,
    warmUp: () => session.warmUp(),
    async dispose() {
      jobs.abortRunning();
      abortImport();
      await session.dispose();
    },
  };
}
