// window.api for a plain browser: the same contract, carried over HTTP to the browser harness
// (electron/app/harness.ts) on the page's own origin. Built from the contract's keys, so it
// cannot drift from the Electron preload.
import type { AppApi, ChannelKey, EventKey, EventPayload } from '../../../shared/ipc';
import { channelKeys, eventKeys } from '../../../shared/ipc';
import type { Result } from '../../../shared/errors';
import { WIRE, fromWire, toWire } from '../../../shared/wire';

type Listener = (payload: unknown) => void;

function unreachable(detail: string): Result<never> {
  return { ok: false, error: { code: 'net.unreachable', message: 'The local harness could not be reached', detail } };
}

function isResult(value: unknown): value is Result<unknown> {
  if (!value || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'data' in v;
  return v.ok === false && !!v.error && typeof (v.error as { code?: unknown }).code === 'string';
}

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
    // Always a Result, like the Electron bridge: a dead server, a proxy's HTML error page or a
    // truncated body become net.unreachable instead of a rejected promise.
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${WIRE.call}/${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: toWire({ request }),
      });
      text = await res.text();
    } catch {
      return unreachable('the harness did not answer');
    }
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok && !type.includes('json')) return unreachable(`HTTP ${res.status}`);
    let parsed: unknown;
    try {
      parsed = fromWire(text);
    } catch {
      return unreachable(`HTTP ${res.status}: not a JSON answer`);
    }
    if (!isResult(parsed)) return unreachable(`HTTP ${res.status}: not a result`);
    return parsed;
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
