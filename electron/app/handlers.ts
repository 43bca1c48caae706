// Every channel of the contract, implemented over the engine: one thin handler map per feature
// (session, browsing, folder choice, export jobs), composed here with the small settings and cache
// channels. No electron import: Electron main and the browser harness both run this file.
import type { Handlers } from '../../shared/ipc';
import type { Core, CoreOptions } from '../core/types';
import { browseHandlers } from './browse-handlers';
import { exportHandlers } from './export-handlers';
import { createExportJobs } from './export-jobs';
import { createFolderChoice } from './folder';
import type { AppHost } from './host';
import { importHandlers } from './import-handlers';
import type { PhotoChangeContext } from './photo-change-context';
import { photoHandlers } from './photo-handlers';
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
      return core ? core.photos.clear() : emptyCache();
    },

    async settingsGet() {
      return host.settings.get();
    },

    async settingsSet(patch) {
      const before = host.settings.get();
      const after = host.settings.patch(patch);
      if (after.cacheMaxMB !== before.cacheMaxMB) session.currentCore()?.photos.setMaxBytes(after.cacheMaxMB * 1024 * 1024);
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
  const session = createSessionState(host, {
    ...deps,
    beforeSignOut: () => {
      jobs.abortRunning();
      abortImport();
    },
  });
  const photoCtx: PhotoChangeContext = { requireTenant: () => session.requireTenant(), ...(deps.photoHooks ? { hooks: deps.photoHooks } : {}) };
  const { abortRunning, ...imports } = importHandlers(host, photoCtx);
  abortImport = abortRunning;
  const folder = createFolderChoice(host);
  const requireCore = () => session.requireCore();
  return {
    ...session.handlers,
    ...browseHandlers(host, requireCore),
    ...folder.handlers,
    ...exportHandlers(host, { jobs, requireCore, exportFolder: () => folder.exportFolder() }),
    ...settingsHandlers(host, session),
    ...photoHandlers(host, photoCtx),
    ...imports,
    async dispose() {
      jobs.abortRunning();
      abortImport();
      await session.dispose();
    },
  };
}
