import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SettingsSchema } from '../../shared/model';
import { DEFAULT_WINDOW_BOUNDS, SETTINGS_VERSION, createSettings, onScreenBounds } from './settings';

const paths = vi.hoisted(() => ({ userData: '' }));
vi.mock('electron', () => {
  const app = { getPath: () => paths.userData, getVersion: () => '0.1.0' };
  const ipcMain = { on: () => {} };
  return { default: { app, ipcMain, shell: {} }, app, ipcMain, shell: {} };
});

const { default: Store } = await import('electron-store');

beforeEach(() => {
  paths.userData = mkdtempSync(join(tmpdir(), 'fa-settings-'));
});
afterEach(() => rmSync(paths.userData, { recursive: true, force: true }));

function open() {
  return createSettings(new Store<Record<string, unknown>>({ name: 'settings' }));
}

describe('settings', () => {
  it('starts from the defaults on an empty store', () => {
    const s = open();
    expect(s.get()).toEqual(SettingsSchema.parse({}));
    expect(s.windowBounds()).toEqual(DEFAULT_WINDOW_BOUNDS);
    const onDisk = JSON.parse(readFileSync(join(paths.userData, 'settings.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(SETTINGS_VERSION);
  });

  it('migrates an older, unversioned store and drops invalid values', () => {
    writeFileSync(
      join(paths.userData, 'settings.json'),
      JSON.stringify({ language: 'zh', outputFolder: '/data/photos', cacheMaxMB: 'lots', theme: 'dark', windowBounds: { width: 10, height: 10 } }),
    );
    const s = open();
    expect(s.get()).toMatchObject({ language: 'zh-CN', lastFolder: '/data/photos', cacheMaxMB: 500, theme: 'dark' });
    expect(s.windowBounds()).toEqual(DEFAULT_WINDOW_BOUNDS);
    const onDisk = JSON.parse(readFileSync(join(paths.userData, 'settings.json'), 'utf8'));
    expect(onDisk.outputFolder).toBeUndefined();
    expect(onDisk.schemaVersion).toBe(SETTINGS_VERSION);
  });

  it('keeps changes, the remembered folder and the window across restarts', () => {
    const s = open();
    expect(s.patch({ language: 'en-US', zip: true, cacheMaxMB: 800 })).toMatchObject({ language: 'en-US', zip: true, cacheMaxMB: 800 });
    s.setLastFolder('/home/hr/exports');
    s.setWindowBounds({ x: 10, y: 20, width: 1400, height: 900, maximized: true });
    const again = open();
    expect(again.get()).toMatchObject({ language: 'en-US', zip: true, cacheMaxMB: 800, lastFolder: '/home/hr/exports' });
    expect(again.windowBounds()).toEqual({ x: 10, y: 20, width: 1400, height: 900, maximized: true });
  });

  it('leaves a store written by a newer version untouched', () => {
    const newer = { schemaVersion: SETTINGS_VERSION + 1, language: 'en-US', futureField: { a: 1 }, windowBounds: { width: 1000, height: 700 } };
    writeFileSync(join(paths.userData, 'settings.json'), JSON.stringify(newer));
    const s = open();
    expect(s.get()).toMatchObject({ language: 'en-US' });
    expect(JSON.parse(readFileSync(join(paths.userData, 'settings.json'), 'utf8'))).toEqual(newer);
  });

  it('drops a saved window position that is on no current display', () => {
    const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
    const onMain = { x: 100, y: 50, width: 1280, height: 820, maximized: false };
    expect(onScreenBounds(onMain, displays)).toEqual(onMain);
    expect(onScreenBounds({ ...onMain, x: 2500 }, displays)).toEqual({ width: 1280, height: 820, maximized: false });
    expect(onScreenBounds({ ...onMain, y: -500 }, displays)).toEqual({ width: 1280, height: 820, maximized: false });
    expect(onScreenBounds({ ...onMain, x: 2500 }, [...displays, { workArea: { x: 1920, y: 0, width: 1920, height: 1080 } }])).toMatchObject({ x: 2500 });
  });
});
