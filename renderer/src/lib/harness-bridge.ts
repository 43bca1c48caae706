// window.api for a plain browser: the same contract, carried over HTTP to the browser harness
// (electron/app/harness.ts) on the page's own origin. Built from the contract's keys, so it
// cannot drift from the Electron preload.
import type { AppApi, ChannelKey, EventKey, EventPayload } from '../../../shared/ipc';
import { channelKeys, eventKeys } from '../../../shared/ipc';
import type { Result } from '../../../shared/errors';
import { WIRE, fromWire, toWire } from '../../../shared/wire';

type Listener = (payload: unknown) => void;

export function createHarnessApi(): AppApi {
  const listeners = new Map<EventKey, Set<Listener>>();
  let source: EventSource | null = null;

  // One EventSource, opened on the first subscription and closed after the last.
  function ensureSource(): void {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource(WIRE.events);
    for (const key of eventKeys) {
      source.addEventListener(key, (ev) => {
        let payload: unknown;
        try {
          payload = fromWire((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of listeners.get(key) ?? []) l(payload);
      });
    }
  }

  function maybeCloseSource(): void {
    const any = [...listeners.values()].some((s) => s.size > 0);
    if (!any && source) {
      source.close();
      source = null;
    }
  }

  async function call(key: ChannelKey, request: unknown): Promise<Result<unknown>> {
    const res = await fetch(`${WIRE.call}/${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: toWire({ request }),
    });
    return fromWire(await res.text()) as Result<unknown>;
  }

  const api: Record<string, unknown> = {};
  for (const key of channelKeys) {
    api[key] = (request?: unknown) => call(key, request);
  }
  const on: Record<string, unknown> = {};
  for (const key of eventKeys) {
    on[key] = (listener: (payload: EventPayload<typeof key>) => void) => {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      const l = listener as Listener;
      set.add(l);
      ensureSource();
      return () => {
        set.delete(l);
        maybeCloseSource();
      };
    };
  }
  api.on = on;
  return api as unknown as AppApi;
}
