// What the application layer needs from its host: Electron main provides the real thing
// (safeStorage vault, electron-store, native dialogs), the browser harness an in-memory one.
import type { Dispatcher } from 'undici';
import type { PhotoCacheMode } from '../core/types';
import type { BaseUrl, Settings, SettingsPatch } from '../../shared/model';
import type { EventKey, EventPayload } from '../../shared/ipc';
import type { Logger } from './redact';

export type EncryptionState = 'available' | 'basic_text' | 'unavailable';

export interface StoredCredentials {
  baseUrl: BaseUrl;
  appId: string;
  appSecret: string;
}

export interface Vault {
  /** The credentials of this run or, failing that, the ones stored encrypted on disk. */
  get(): Promise<(StoredCredentials & { persisted: boolean }) | null>;
  /** Stores encrypted when the OS can; otherwise keeps them for this run only (persisted: false). */
  set(creds: StoredCredentials): Promise<{ persisted: boolean }>;
  clear(): Promise<void>;
  encryption(): EncryptionState;
}

export interface SettingsHost {
  get(): Settings;
  patch(p: SettingsPatch): Settings;
  setLastFolder(path: string | null): void;
}

export interface AppInfo {
  version: string;
  platform: string;
  systemLocale: string;
  harness: boolean;
}

export interface AppHost {
  vault: Vault;
  settings: SettingsHost;
  /** Native folder dialog, or the remembered folder when useRemembered and it is still writable. null = cancelled. */
  chooseFolder(opts: { remembered: string | null; useRemembered: boolean }): Promise<string | null>;
  /** Native save dialog; null = cancelled. */
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** Native open-file dialog for a JPEG or PNG photo; null = cancelled. (Optional: hosts without photo changes.) */
  chooseImageFile?(): Promise<string | null>;
  /** Native folder dialog for a folder of photos to import (read only); null = cancelled. */
  chooseImportFolder?(): Promise<string | null>;
  showItemInFolder(path: string): Promise<void>;
  openPath(path: string): Promise<void>;
  /** Throws input.invalid for a URL outside the allow-list. */
  openExternal(url: string): Promise<void>;
  emit<E extends EventKey>(event: E, payload: EventPayload<E>): void;
  /** Photo cache of the signed-in tenant. */
  cacheDir: string;
  /** Photo cache of the demo tenant, kept apart so demo photos never mix with real ones. */
  demoCacheDir: string;
  /**
   * How photos are cached: sealed with a key the OS protects, or in memory for the session where the OS cannot
   * protect one. Default: sealed with a key of this run only.
   */
  photoCache?: PhotoCacheMode;
  /** Where the directory is remembered between runs, one file per tenant (none: nothing is remembered). */
  snapshotDir?: string;
  /** The app data folder: the audit log (audit/) and the export-notice memory live here. */
  dataDir: string;
  /** The folder of the app's own log files, when it writes any ("Erase all local data" empties it). */
  logDir?: string;
  /** Starts (or returns the already running) simulated tenant. */
  startDemo(): Promise<{ url: string; appId: string; appSecret: string }>;
  /** HTTP dispatcher for calls to this Feishu base URL (the system proxy), when the host has one. */
  dispatcher?(baseUrl: string): Promise<Dispatcher | undefined>;
  appInfo: AppInfo;
  log: Logger;
}
