// The browser harness's event stream (server-sent events at WIRE.events): what Electron main sends over
// IPC, the harness writes to every open stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EventKey, type EventPayload, eventKeys } from '../../shared/ipc';
import { toWire } from '../../shared/wire';

export interface EventStream {
  emit<E extends EventKey>(event: E, payload: EventPayload<E>): void;
  /** Answers a GET of the stream and keeps it open until the client leaves. */
  open(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every open stream (harness shutdown). */
  closeAll(): void;
}

export function createEventStream(): EventStream {
  const listeners = new Set<ServerResponse>();
  return {
    emit(event, payload) {
      const frame = `event: ${event}\ndata: ${toWire(payload)}\n\n`;
      for (const res of listeners) if (!res.writableEnded && !res.destroyed) res.write(frame);
    },
    open(req, res) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`: ${eventKeys.join(' ')}\n\n`);
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      res.on('error', () => listeners.delete(res));
    },
    closeAll() {
      for (const res of listeners) res.end();
      listeners.clear();
    },
  };
}
