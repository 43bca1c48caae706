// The only file that touches ipcMain: one handler per contract channel, each checking that the
// message comes from our window's main frame on our origin before dispatching it.
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { Result } from '../../shared/errors';
import { channelKeys, contract } from '../../shared/ipc';
import type { Dispatch } from '../app/dispatch';
import type { Logger } from '../app/redact';

export const FORBIDDEN: Result<never> = { ok: false, error: { code: 'ipc.forbidden', message: 'Forbidden sender' } };

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  /** The main frame of our window, or null before it exists / after it closed. */
  mainFrame: () => WebFrameMain | null;
  /** Whether a frame URL is our app origin (or the dev server in development). */
  isOwnUrl: (url: string) => boolean;
  log: Logger;
}

/**
 * Our window's main frame, still attached and alive, on our origin. Electron documents that
 * senderFrame is null, detached or disposed after a navigation, and that reading a disposed
 * frame throws ("Render frame was disposed…"): any of these is a foreign sender.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, opts: Pick<IpcOptions, 'mainFrame' | 'isOwnUrl'>): boolean {
  try {
    const frame = event.senderFrame;
    const ours = opts.mainFrame();
    if (!frame || !ours || frame !== ours) return false;
    if (frame.detached || frame.isDestroyed()) return false;
    return opts.isOwnUrl(frame.url);
  } catch {
    return false;
  }
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpc(opts: IpcOptions): () => void {
  for (const key of channelKeys) {
    const name = contract[key].name;
    opts.ipcMain.handle(name, async (event, payload: unknown) => {
      if (!isTrustedSender(event, opts)) {
        opts.log.warn('IPC from a foreign sender refused', { channel: name });
        return FORBIDDEN;
      }
      return opts.dispatch(key, payload);
    });
  }
  return () => {
    for (const key of channelKeys) opts.ipcMain.removeHandler(contract[key].name);
  };
}
