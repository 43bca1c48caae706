// The export folder of this run: the one the admin chose in the native dialog, else the remembered one
// while it is still writable. The renderer never sends a path.
import { appError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import { isWritableFolder } from '../util/writable-folder';
import type { AppHost } from './host';

/** Resolves when the folder exists, is a directory and can be written to; else fs.not_writable. */
export async function ensureWritableFolder(folder: string): Promise<void> {
  if (!(await isWritableFolder(folder))) throw appError('fs.not_writable', 'The export folder is missing or cannot be written to', { detail: folder });
}

export interface FolderChoice {
  handlers: Pick<Handlers, 'exportChooseFolder'>;
  /** The folder to export into, checked writable; fs.not_writable when none is chosen or it went away. */
  exportFolder(): Promise<string>;
}

export function createFolderChoice(host: AppHost): FolderChoice {
  /** The folder the admin chose in this run. */
  let chosen: string | null = null;

  async function exportFolder(): Promise<string> {
    if (chosen) {
      await ensureWritableFolder(chosen);
      return chosen;
    }
    const remembered = host.settings.get().lastFolder;
    if (remembered) {
      try {
        await ensureWritableFolder(remembered);
        chosen = remembered;
        return remembered;
      } catch {
        // fall through: ask the admin to choose again
      }
    }
    throw appError('fs.not_writable', 'Choose a folder to save the photos in first', { detail: 'no folder chosen' });
  }

  const handlers: FolderChoice['handlers'] = {
    async exportChooseFolder({ useRemembered }) {
      const folder = await host.chooseFolder({ remembered: host.settings.get().lastFolder, useRemembered });
      if (!folder) return null;
      await ensureWritableFolder(folder);
      chosen = folder;
      host.settings.setLastFolder(folder);
      return { folder };
    },
  };
  return { handlers, exportFolder };
}
