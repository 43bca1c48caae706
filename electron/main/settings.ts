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

/** A display's usable area, as Electron's screen.getAllDisplays() reports it. */
export interface DisplayArea {
  workArea: { x: number; y: number; width: number; height: number };
}

/**
 * The saved bounds, without x/y when the window would not be reachable on any current display
 * (a monitor was unplugged): then the OS centres it. Reachable = its top 40 px strip (the title
 * bar) overlaps a display by at least 100 × 40 px.
 */
export function onScreenBounds(bounds: WindowBounds, displays: readonly DisplayArea[]): WindowBounds {
  if (bounds.x === undefined || bounds.y === undefined) return bounds;
  const { x, y, width } = bounds;
  const visible = displays.some(({ workArea: a }) => {
    const w = Math.min(x + width, a.x + a.width) - Math.max(x, a.x);
    const h = Math.min(y + 40, a.y + a.height) - Math.max(y, a.y);
    return w >= 100 && h >= 40;
  });
  if (visible) return bounds;
  const { x: _x, y: _y, ...rest } = bounds;
  return rest;
}

export function createSettings(store: KeyValueStore): AppSettings {
  let raw: Raw = { ...store.store };
  let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 1;
  // Written by a newer release: read what we understand, but never rewrite (downgrade) it.
  const fromNewerVersion = version > SETTINGS_VERSION;
  for (let v = version + 1; v <= SETTINGS_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (step) raw = step(raw);
    version = v;
  }
  let current = sanitize(raw);
  let bounds = sanitizeBounds(raw.windowBounds);
  if (!fromNewerVersion) {
    // Write back the migrated, clean shape.
    for (const key of Object.keys(store.store)) {
      if (!(key in current) && key !== 'windowBounds' && key !== 'schemaVersion') store.delete(key);
    }
    for (const [k, v] of Object.entries(current)) store.set(k, v);
    store.set('windowBounds', bounds);
    store.set('schemaVersion', SETTINGS_VERSION);
  }

  return {
    get: () => current,
    patch(p: SettingsPatch) {
      const next = sanitize({ ...current, ...p });
      // Only what changed: a patch never rewrites fields the admin did not touch.
      for (const [k, v] of Object.entries(next)) {
        if (v !== current[k as keyof Settings]) store.set(k, v);
      }
      current = next;
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
