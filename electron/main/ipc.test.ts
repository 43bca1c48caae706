import { describe, expect, it, vi } from 'vitest';
import { channelKeys, contract } from '../../shared/ipc';
import { createDispatch } from '../app/dispatch';
import { createLogger } from '../app/redact';
import { registerIpc } from './ipc';
import { isOwnUrl } from './security';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

type Listener = (event: { senderFrame: unknown }, payload: unknown) => Promise<unknown>;

function setup() {
  const registered = new Map<string, Listener>();
  const ipcMain = { handle: vi.fn((name: string, fn: Listener) => registered.set(name, fn)), removeHandler: vi.fn() };
  const ourFrame = { url: 'app://face-admin/index.html', detached: false, isDestroyed: () => false };
  const handlers: Record<string, ReturnType<typeof vi.fn>> = {};
  for (const key of channelKeys) handlers[key] = vi.fn(async () => ({ ok: true }));
  const dispatch = vi.fn(createDispatch(handlers as never));
  const unregister = registerIpc({
    ipcMain: ipcMain as never,
    dispatch,
    mainFrame: () => ourFrame as never,
    isOwnUrl: (u) => isOwnUrl(u),
    log: createLogger({ sink: () => {} }),
  });
  return { registered, ipcMain, ourFrame, handlers, dispatch, unregister };
}

describe('IPC registration', () => {
  it('registers exactly the contract channels', () => {
    const { registered, ipcMain, unregister } = setup();
    expect([...registered.keys()].sort()).toEqual(channelKeys.map((k) => contract[k].name).sort());
    unregister();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(channelKeys.length);
  });

  it.each(channelKeys)('%s refuses a foreign sender before parsing anything', async (key) => {
    const { registered, ourFrame, handlers, dispatch } = setup();
    const listener = registered.get(contract[key].name)!;
    const foreign = [
      null,
      undefined,
      { url: 'app://face-admin/index.html' }, // another frame (e.g. an iframe) on our origin
      { url: 'https://evil.example/' },
    ];
    for (const senderFrame of foreign) {
      expect(await listener({ senderFrame }, undefined)).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
    }
    // Our main frame after it navigated away from our origin.
    ourFrame.url = 'https://evil.example/';
    expect(await listener({ senderFrame: ourFrame }, undefined)).toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(handlers[key]).not.toHaveBeenCalled();
  });

  it.each(channelKeys)('%s refuses our main frame once it is detached, destroyed or disposed', async (key) => {
    const { registered, ourFrame, handlers, dispatch } = setup();
    const listener = registered.get(contract[key].name)!;
    const forbidden = { ok: false, error: { code: 'ipc.forbidden' } };
    // Replaced in the frame tree by a navigation, but still the object main holds and still on our URL.
    expect(await listener({ senderFrame: Object.assign(ourFrame, { detached: true }) }, undefined)).toMatchObject(forbidden);
    Object.assign(ourFrame, { detached: false, isDestroyed: () => true });
    expect(await listener({ senderFrame: ourFrame }, undefined)).toMatchObject(forbidden);
    // Electron throws "Render frame was disposed before WebFrameMain could be accessed" on a late access.
    const disposed = () => {
      throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    };
    Object.defineProperty(ourFrame, 'isDestroyed', { value: () => false });
    Object.defineProperty(ourFrame, 'url', { get: disposed });
    expect(await listener({ senderFrame: ourFrame }, undefined)).toMatchObject(forbidden);
    const event = Object.defineProperty({}, 'senderFrame', { get: disposed }) as { senderFrame: unknown };
    expect(await listener(event, undefined)).toMatchObject(forbidden);
    expect(dispatch).not.toHaveBeenCalled();
    expect(handlers[key]).not.toHaveBeenCalled();
  });

  it.each(channelKeys)('%s refuses a malformed payload from our window', async (key) => {
    const { registered, ourFrame, handlers } = setup();
    const listener = registered.get(contract[key].name)!;
    for (const payload of [12, 'x', [null], { __proto__: null, constructor: 1 }]) {
      expect(await listener({ senderFrame: ourFrame }, payload)).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    }
    expect(handlers[key]).not.toHaveBeenCalled();
  });

  it('passes a valid request from our window to the handler', async () => {
    const { registered, ourFrame, handlers } = setup();
    handlers.settingsGet = vi.fn(async () => ({ language: 'system', theme: 'system', lastFolder: null, template: '{name}', subfolders: 'none', zip: false, cacheMaxMB: 500 }));
    const res = await registered.get('settings:get')!({ senderFrame: ourFrame }, undefined);
    expect(res).toMatchObject({ ok: true, data: { cacheMaxMB: 500 } });
  });
});
