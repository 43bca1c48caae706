// A scripted loopback HTTP server for the client's unit tests: each test decides every answer.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppFailure } from '../../../shared/errors';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer =
  | { status?: number; json?: unknown; headers?: Record<string, string>; raw?: Uint8Array | string; chunked?: boolean }
  | 'reset'
  | 'hang';

export interface FakeFeishu {
  url: string;
  seen: SeenRequest[];
  /** Requests seen for a path (exact) or any path starting with a prefix ending in '*'. */
  count(path: string): number;
  close(): Promise<void>;
}

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** Answers the token endpoint with `t-<n>` tokens unless the handler takes it over. */
export async function startFake(handler: (req: SeenRequest) => Answer | Promise<Answer> | undefined): Promise<FakeFeishu> {
  const seen: SeenRequest[] = [];
  let issued = 0;
  const hanging = new Set<IncomingMessage>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: SeenRequest = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      Promise.resolve(handler(r))
        .then((answer) => {
          if (answer === undefined && r.path === TOKEN_PATH) {
            issued++;
            answer = { json: { code: 0, msg: 'ok', tenant_access_token: `t-${issued}`, expire: 7200 } };
          }
          if (answer === undefined) answer = { status: 404, json: { code: 404, msg: 'no route' } };
          if (answer === 'reset') {
            req.socket.destroy();
            return;
          }
          if (answer === 'hang') {
            hanging.add(req);
            return;
          }
          const headers: Record<string, string> = { 'x-tt-logid': `log-${seen.length}`, ...answer.headers };
          let payload: string | Uint8Array;
          if (answer.raw !== undefined) payload = answer.raw;
          else {
            payload = JSON.stringify(answer.json ?? { code: 0, msg: 'success', data: {} });
            headers['content-type'] ??= 'application/json; charset=utf-8';
          }
          res.writeHead(answer.status ?? 200, headers);
          if (answer.chunked) {
            // No content-length: the body arrives in two chunks.
            const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
            const half = Math.floor(bytes.length / 2);
            res.write(bytes.subarray(0, half));
            res.end(bytes.subarray(half));
          } else res.end(payload);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count(path) {
      if (path.endsWith('*')) return seen.filter((s) => s.path.startsWith(path.slice(0, -1))).length;
      return seen.filter((s) => s.path === path).length;
    },
    close() {
      for (const h of hanging) h.socket.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function ok(data: unknown): Answer {
  return { json: { code: 0, msg: 'success', data } };
}

export function fail(status: number, code: number, msg = 'error', extra: Record<string, unknown> = {}, headers?: Record<string, string>): Answer {
  return { status, json: { code, msg, ...extra }, ...(headers ? { headers } : {}) };
}

/**
 * A clock that only moves when the test says so. `sleep` resolves when `advanceTo` passes its due
 * time (in due order, letting the woken code run before the next one); an abort rejects it.
 */
export class ManualClock {
  t = 0;
  private timers: { due: number; resolve: () => void }[] = [];
  readonly now = (): number => this.t;
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const timer = { due: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(new Error('aborted'));
        },
        { once: true },
      );
    });

  get pending(): number {
    return this.timers.length;
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.due - b.due);
      const next = this.timers[0];
      if (!next || next.due > target) {
        this.t = Math.max(this.t, target);
        await settle();
        return;
      }
      this.timers.shift();
      this.t = Math.max(this.t, next.due);
      next.resolve();
    }
  }
}

/** Lets pending promise chains and I/O callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** The failure a call ends with; a call that succeeds fails the test. */
export async function failure(p: Promise<unknown>): Promise<AppFailure> {
  try {
    await p;
  } catch (e) {
    return e as AppFailure;
  }
  throw new Error('expected a failure');
}
