import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelKeys, eventKeys } from '../../../shared/ipc';
import { fromWire, toWire } from '../../../shared/wire';
import { createHarnessApi } from './harness-bridge';

afterEach(() => vi.unstubAllGlobals());

describe('harness bridge', () => {
  it('has one function per contract channel and one subscribe per event', () => {
    const api = createHarnessApi() as unknown as Record<string, unknown> & { on: Record<string, unknown> };
    expect(Object.keys(api).sort()).toEqual([...channelKeys, 'on'].sort());
    expect(Object.keys(api.on).sort()).toEqual([...eventKeys].sort());
  });

  it('posts the request to the channel path and decodes bytes in the answer', async () => {
    const calls: { url: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: { body: string }) => {
      calls.push({ url, body: fromWire(init.body) });
      return new Response(toWire({ ok: true, data: { bytes: new Uint8Array([255, 216, 255]), mime: 'image/jpeg' } }));
    });
    const api = createHarnessApi();
    const res = await api.photo({ faceKey: 'fk_1' });
    expect(calls).toEqual([{ url: '/api/call/photo', body: { request: { faceKey: 'fk_1' } } }]);
    expect(res.ok && res.data.bytes).toEqual(new Uint8Array([255, 216, 255]));
  });

  it('answers net.unreachable instead of rejecting when the body is not a JSON result', async () => {
    const answers = [
      () => new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      () => new Response('{"ok":', { status: 200, headers: { 'content-type': 'application/json' } }),
      () => new Response('{"hello":1}', { status: 200, headers: { 'content-type': 'application/json' } }),
      () => {
        throw new TypeError('fetch failed');
      },
    ];
    const api = createHarnessApi();
    for (const answer of answers) {
      vi.stubGlobal('fetch', async () => answer());
      await expect(api.settingsGet()).resolves.toMatchObject({ ok: false, error: { code: 'net.unreachable' } });
    }
    vi.stubGlobal('fetch', async () => new Response(toWire({ ok: false, error: { code: 'ipc.forbidden', message: 'Forbidden' } }), { status: 403, headers: { 'content-type': 'application/json' } }));
    await expect(api.settingsGet()).resolves.toMatchObject({ ok: false, error: { code: 'ipc.forbidden' } });
  });

  it('opens one event stream on subscribe and closes it after the last unsubscribe', () => {
    const sources: { url: string; closed: boolean; handlers: Map<string, (e: { data: string }) => void> }[] = [];
    vi.stubGlobal(
      'EventSource',
      class {
        closed = false;
        handlers = new Map<string, (e: { data: string }) => void>();
        constructor(public url: string) {
          sources.push(this);
        }
        addEventListener(name: string, fn: (e: { data: string }) => void) {
          this.handlers.set(name, fn);
        }
        close() {
          this.closed = true;
        }
      },
    );
    const api = createHarnessApi();
    const got: unknown[] = [];
    const off1 = api.on.exportProgress((p) => got.push(p));
    const off2 = api.on.exportDone((p) => got.push(p));
    expect(sources).toHaveLength(1);
    sources[0]!.handlers.get('exportProgress')!({ data: toWire({ jobId: 'j' }) });
    expect(got).toEqual([{ jobId: 'j' }]);
    off1();
    expect(sources[0]!.closed).toBe(false);
    off2();
    expect(sources[0]!.closed).toBe(true);
  });
});
