// The host's native dialogs and shell calls: folder, save path, image file and import folder pickers (each a child of
// the window when there is one), and opening what the app wrote. Paths come from these dialogs, never from the renderer.
import { mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type BrowserWindow, app, dialog, shell } from 'electron';
import { appError } from '../../shared/errors';
import type { AppHost } from '../app/host';
import { isWritableFolder } from '../util/writable-folder';
import { isAllowedExternalUrl } from './security';
import type { createSettings } from './settings';

type Dialogs = Pick<AppHost, 'chooseFolder' | 'chooseSavePath' | 'chooseImageFile' | 'chooseImportFolder' | 'showItemInFolder' | 'openPath' | 'openExternal'>;

export function createDialogs(window: () => BrowserWindow | null, settings: ReturnType<typeof createSettings>): Dialogs {
  const open = (opts: Electron.OpenDialogOptions) => {
    const win = window();
    return win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts);
  };
  const save = (opts: Electron.SaveDialogOptions) => {
    const win = window();
    return win ? dialog.showSaveDialog(win, opts) : dialog.showSaveDialog(opts);
  };
  return {
    async chooseFolder({ remembered, useRemembered }) {
      // Re-checking the remembered folder never pops a dialog the admin did not ask for.
      if (useRemembered) return remembered && (await isWritableFolder(remembered)) ? remembered : null;
      const res = await open({ properties: ['openDirectory', 'createDirectory', 'promptToCreate'], ...(remembered ? { defaultPath: remembered } : {}) });
      const folder = res.canceled ? undefined : res.filePaths[0];
      if (!folder) return null;
      await mkdir(folder, { recursive: true }).catch(() => {});
      if (!(await isWritableFolder(folder))) throw appError('fs.not_writable', 'The folder cannot be written to', { detail: folder });
      return folder;
    },
    async chooseSavePath(defaultName) {
      const dir = settings.get().lastFolder ?? app.getPath('downloads');
      // The extension goes in the name and the filter, so the dialog's overwrite prompt sees the real file name.
      const ext = extname(defaultName).slice(1);
      const res = await save({
        defaultPath: join(dir, defaultName),
        // The audit log's CSV and the coverage list go through here too: only photos are "images".
        ...(ext ? { filters: [{ name: ext === 'csv' || ext === 'xlsx' ? ext.toUpperCase() : `${ext.toUpperCase()} image`, extensions: [ext] }] } : {}),
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      return res.canceled || !res.filePath ? null : res.filePath;
    },
    async chooseImageFile() {
      const res = await open({ properties: ['openFile'], filters: [{ name: 'JPEG / PNG', extensions: ['jpg', 'jpeg', 'png'] }] });
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    async chooseImportFolder() {
      const res = await open({ properties: ['openDirectory'] });
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    async showItemInFolder(path) {
      shell.showItemInFolder(path);
    },
    async openPath(path) {
      const error = await shell.openPath(path);
      // Not a permissions problem: the OS has no app for the file, or refused to start it.
      if (error) throw appError('internal', 'The file could not be opened with its default app', { detail: path });
    },
    async openExternal(url) {
      const allowed = isAllowedExternalUrl(url);
      if (!allowed) throw appError('input.invalid', 'This link is not allowed', { detail: 'url' });
      // The normalised href that was checked, never the raw string.
      await shell.openExternal(allowed.href);
    },
  };
}
