// Every channel of the contract, implemented over the engine: one thin handler map per feature
// (session, browsing, folder choice, export jobs), composed here with the small settings and cache
// channels. No electron import: Electron main and the browser harness both run this file.
import type { Handlers } from '../../shared/ipc';
import type { Core, CoreOptions } from '../core/types';
import { fileSnapshotStore } from '../core/snapshot/store';
import { browseHandlers } from './browse-handlers';
import { coverageHandlers } from './coverage-handlers';
import { exportHandlers } from './export-handlers';
import { createExportJobs } from './export-jobs';
import { createFolderChoice } from './folder';
import type { AppHost } from './host';
import { createSessionState, type SessionState } from './session-handlers';

export { maskAppId } from './session-handlers';
export { ensureWritableFolder } from './folder';

export interface HandlerDeps {
  createCore?: (opts: CoreOptions) => Core;
}

/** What handlers expose besides the contract, for the host's shutdown. */
export interface AppHandlers extends Handlers {
  dispose(): Promise<void>;
}

type SettingsKeys = 'cacheInfo' | 'cacheClear' | 'settingsGet' | 'settingsSet' | 'appInfo' | 'openExternal';

function settingsHandlers(host: AppHost, session: SessionState): Pick<Handlers, SettingsKeys> {
  const emptyCache = () => ({ bytes: 0, files: 0, maxBytes: host.settings.get().cacheMaxMB * 1024 * 1024 });
  return {
    async cacheInfo() {
      const core = await session.restoredCore();
      return core ? core.photos.info() : emptyCache();
    },

    async cacheClear() {
      const core = await session.restoredCore();
      // The remembered directories (every tenant's) go with the photos.
      if (host.snapshotDir) await (core?.remembered ?? fileSnapshotStore(host.snapshotDir)).clear();
      return core ? core.photos.clear() : emptyCache();
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
  const session = createSessionState(host, { ...deps, beforeSignOut: () => jobs.abortRunning() });
  const folder = createFolderChoice(host);
  const requireCore = () => session.requireCore();
  return {
    ...session.handlers,
    ...browseHandlers(host, requireCore),
    ...coverageHandlers(host, requireCore),
    ...folder.handlers,
    ...exportHandlers(host, { jobs, requireCore, exportFolder: () => folder.exportFolder() }),
    ...settingsHandlers(host, session),
    async dispose() {
      jobs.abortRunning();
      await session.dispose();
    },
  };
}
