// The browser harness's AppHost: credentials and settings kept in memory, saves into one fixed export
// folder instead of native dialogs, and the demo tenant is the harness's own simulator.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sanitizeFilename from 'sanitize-filename';
import { SettingsSchema, type Settings, type SettingsPatch } from '../../shared/model';
import { keyFileProvider } from '../core/at-rest/key-file';
import type { Simulator } from '../simulator/types';
import type { AppHost, EncryptionState, StoredCredentials, Vault } from './host';
import type { Logger } from './redact';

function memoryVault(encryption: EncryptionState): Vault {
  let creds: StoredCredentials | null = null;
  return {
    async get() {
      return creds ? { ...creds, persisted: encryption === 'available' } : null;
    },
    async set(c) {
      creds = { ...c };
      return { persisted: encryption === 'available' };
    },
    async clear() {
      creds = null;
    },
    encryption: () => encryption,
  };
}

function memorySettings(): AppHost['settings'] {
  let current: Settings = SettingsSchema.parse({});
  return {
    get: () => current,
    patch(p: SettingsPatch) {
      current = SettingsSchema.parse({ ...current, ...p });
      return current;
    },
    setLastFolder(path) {
      current = { ...current, lastFolder: path };
    },
  };
}

/**
 * What the harness's stand-in for main's open dialogs answers (no native dialog in a browser). Tests set it
 * through /__test/dialog; by default no photo is chosen and the import folder is the export folder (re-importing
 * an export).
 */
export interface HarnessDialogs {
  imageFile: string | null;
  importFolder: string | null;
}

export interface HarnessHostOptions {
  /** Already resolved and created. */
  exportDir: string;
  cacheDir: string;
  encryption: EncryptionState;
  sim: Simulator;
  emit: AppHost['emit'];
  log: Logger;
  dialogs?: HarnessDialogs;
}

export function createHarnessHost({ exportDir, cacheDir, encryption, sim, emit, log, dialogs }: HarnessHostOptions): AppHost {
  return {
    vault: memoryVault(encryption),
    settings: memorySettings(),
    async chooseFolder() {
      await mkdir(exportDir, { recursive: true });
      return exportDir;
    },
    async chooseSavePath(defaultName) {
      return join(exportDir, sanitizeFilename(defaultName) || 'photo');
    },
    async chooseImageFile() {
      return dialogs?.imageFile ?? null;
    },
    async chooseImportFolder() {
      return dialogs?.importFolder ?? exportDir;
    },
    async showItemInFolder() {},
    async openPath() {},
    async openExternal(url) {
      log.info('openExternal (not opened in the harness)', { url });
    },
    emit,
    cacheDir: join(resolve(cacheDir), 'tenant'),
    demoCacheDir: join(resolve(cacheDir), 'demo'),
    // As in the app: a key the "keychain" keeps, or memory where there is no keychain. The harness's keychain is a
    // key file in its folder, so a harness started again on the same folder (the app's second start) reads what the
    // first one sealed: the photo cache and the remembered directory.
    photoCache: encryption === 'available' ? { kind: 'encrypted', keys: keyFileProvider(join(resolve(cacheDir), 'harness-cache.key')) } : { kind: 'memory' },
    snapshotDir: join(resolve(cacheDir), 'snapshots'),
    // The harness's temp folder stands in for the app data folder (audit log, export-notice memory).
    dataDir: resolve(cacheDir),
    async startDemo() {
      return { url: sim.url, appId: sim.appId, appSecret: sim.appSecret };
    },
    appInfo: { version: '0.0.0-harness', platform: process.platform, systemLocale: 'zh-CN', harness: true },
    log,
  };
}
