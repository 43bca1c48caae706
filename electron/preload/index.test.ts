import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channelKeys, contract, eventKeys, events } from '../../shared/ipc';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, data: null })),
  listeners: new Map<string, Set<(...a: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => bridge.exposed.set(k, v) },
  ipcRenderer: {
    invoke: bridge.invoke,
    on: (name: string, fn: (...a: unknown[]) => void) => {
      if (!bridge.listeners.has(name)) bridge.listeners.set(name, new Set());
      bridge.listeners.get(name)!.add(fn);
    },
    removeListener: (name: string, fn: (...a: unknown[]) => void) => bridge.listeners.get(name)?.delete(fn),
  },
}));

await import('./index');
const api = bridge.exposed.get('api') as Record<string, unknown> & { on: Record<string, (l: (p: unknown) => void) => () => void> };

beforeEach(() => bridge.invoke.mockClear());

describe('preload', () => {
  it('exposes only window.api', () => {
    expect([...bridge.exposed.keys()]).toEqual(['api']);
  });

  it('exposes exactly the contract keys plus on, and nothing generic', () => {
    expect(Object.keys(api).sort()).toEqual([...channelKeys, 'on'].sort());
    expect(Object.keys(api.on).sort()).toEqual([...eventKeys].sort());
    for (const banned of ['invoke', 'send', 'sendSync', 'ipcRenderer', 'on.send']) expect(api[banned]).toBeUndefined();
    const text = JSON.stringify(Object.keys(api));
    for (const key of channelKeys) expect(text).not.toContain(contract[key].name);
  });

  it('each function invokes its own channel with the payload only', async () => {
    for (const key of channelKeys) {
      await (api[key] as (r?: unknown) => Promise<unknown>)({ probe: key });
      expect(bridge.invoke).toHaveBeenLastCalledWith(contract[key].name, { probe: key });
    }
    expect(bridge.invoke).toHaveBeenCalledTimes(channelKeys.length);
  });

  it('subscriptions deliver the payload without the IPC event, and unsubscribe', () => {
    for (const key of eventKeys) {
      const got: unknown[] = [];
      const off = api.on[key]!((p) => got.push(p));
      const name = events[key].name;
      const fakeEvent = { sender: { send: () => {} } };
      for (const l of bridge.listeners.get(name) ?? []) l(fakeEvent, { jobId: 'j1' });
      expect(got).toEqual([{ jobId: 'j1' }]);
      off();
      for (const l of bridge.listeners.get(name) ?? []) l(fakeEvent, { jobId: 'j2' });
      expect(got).toHaveLength(1);
    }
  });

  it('bundles without zod (or any dependency but electron), so the sandboxed preload stays small', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [new URL('./index.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(out.outputFiles[0]!.contents.byteLength).toBeLessThan(20_000);
  });
});
