// The sandboxed bridge: exactly window.api, one named function per contract channel and one
// subscribe per event. No ipcRenderer, channel name or generic invoke reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Names only (zod-free): the contract's schemas are checked in main, and zod would add ~460 KB here.
import { channelNames, eventNames } from '../../shared/channels';
import type { AppApi } from '../../shared/ipc';

export function buildApi(): AppApi {
  const api: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(channelNames)) {
    // Only the payload crosses; the channel name stays in this closure.
    api[key] = (request?: unknown) => ipcRenderer.invoke(name, request);
  }
  const on: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(eventNames)) {
    on[key] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') return () => {};
      // Drop the event object: it carries `sender` (the ipcRenderer) into the page otherwise.
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(name, wrapped);
      return () => {
        ipcRenderer.removeListener(name, wrapped);
      };
    };
  }
  api.on = Object.freeze(on);
  return Object.freeze(api) as unknown as AppApi;
}

contextBridge.exposeInMainWorld('api', buildApi());
