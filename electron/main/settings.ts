// Non-secret settings in electron-store: defaults, a schema (zod), and versioned migrations.
import { SettingsSchema, type Settings, type SettingsPatch } from '../../shared/model';
import type { SettingsHost } from '../app/host';

export const SETTINGS_VERSION = 2;

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_BOUNDS: WindowBounds = { width: 1280, height: 820, maximized: false };

/** What electron-store (or a Map in tests) offers. */
export interface KeyValueStore {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

type Raw = Record<string, unknown>;
/** Migration to version N from N-1. Version 1 is the unversioned first release. */
const MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  2: (raw) => {
    // v1 kept short language codes and called the export folder `outputFolder`.
    const out = { ...raw };
    if (out.language === 'zh') out.language = 'zh-CN';
    if (out.language === 'en') out.language = 'en-US';
    if (out.lastFolder === undefined && typeof out.outputFolder === 'string') out.lastFolder = out.outputFolder;
    delete out.outputFolder;
    return out;
  },
};

/** Each field through the schema: an invalid value falls back to its default, never fails the app. */
function sanitize(raw: Raw): Settings {
  const defaults = SettingsSchema.parse({});
  const out: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(SettingsSchema.shape) as (keyof Settings)[]) {
    if (!(key in raw)) continue;
    const field = SettingsSchema.shape[key].safeParse(raw[key]);
    if (field.success) out[key] = field.data;
  }
  return out as Settings;
}

function sanitizeBounds(raw: unknown): WindowBounds {
  if (!raw || typeof raw !== 'object') return DEFAULT_WINDOW_BOUNDS;
  const b = raw as Record<string, unknown>;
  const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
  const width = int(b.width);
  const height = int(b.height);
  if (!width || !height || width < 400 || height < 300) return DEFAULT_WINDOW_BOUNDS;
  const x = int(b.x);
  const y = int(b.y);
  return { ...(x !== undefined ? { x } : {}), ...(y !== undefined ? { y } : {}), width, height, maximized: b.maximized === true };
}

export interface AppSettings extends SettingsHost {
  windowBounds(): WindowBounds;
  setWindowBounds(b: WindowBounds): void;
}

export function createSettings(store: KeyValueStore): AppSettings {
  let raw: Raw = { ...store.store };
  let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 1;
  for (let v = version + 1; v <= SETTINGS_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (step) raw = step(raw);
    version = v;
  }
  let current = sanitize(raw);
  let bounds = sanitizeBounds(raw.windowBounds);
  // Write back the migrated, clean shape.
  for (const key of Object.keys(store.store)) {
    if (!(key in current) && key !== 'windowBounds' && key !== 'schemaVersion') store.delete(key);
  }
  for (const [k, v] of Object.entries(current)) store.set(k, v);
  store.set('windowBounds', bounds);
  store.set('schemaVersion', SETTINGS_VERSION);

  return {
    get: () => current,
    patch(p: SettingsPatch) {
      current = sanitize({ ...current, ...p });
      for (const [k, v] of Object.entries(current)) store.set(k, v);
      return current;
    },
    setLastFolder(path) {
      current = { ...current, lastFolder: path };
      store.set('lastFolder', path);
    },
    windowBounds: () => bounds,
    setWindowBounds(b) {
      bounds = sanitizeBounds(b);
      store.set('windowBounds', bounds);
    },
  };
}
