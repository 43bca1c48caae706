// The simulator's HTTP side: the routing table, body reading (GET may carry a JSON body), the Feishu
// envelope with its log id, latency, connection resets, and start/close on 127.0.0.1.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody } from '../util/body';
import { handleDownload, handleGroups, handleGroupSearch, handleListUser, handleUserSettings } from './attendance';
import { handleModify, handleUpload } from './attendance-write';
import { handleChildren, handleFindByDepartment, handleUserGet } from './contact';
import { handleEmployeesFilter } from './directory-filter';
import { handleBatchSend, handleSendMessage } from './messages';
import type { Chaos, Faults } from './faults';
import type { Gateway } from './gateway';
import { hashString } from './rng';
import { handleBatchGetId } from './user-ids';
import { ApiError, type Handler, type HandlerContext, type Reply, type RouteKind, type RouteRequest } from './reply';
import { handleToken } from './tokens';

interface RouteSpec {
  /** Endpoint key for stats() and the switches that name endpoints. */
  key: string;
  /** Path under /open-apis/; `:name` is a path parameter. */
  path: string;
  /** More than one method: the handler decides (user_settings/query refuses POST unless acceptPostForQuery). */
  methods: ReadonlyArray<'GET' | 'POST'>;
  kind: RouteKind;
  handle: Handler;
  /** Largest body read, bytes (default 1 MB); photo uploads need more. */
  maxBody?: number;
}

/** Hard cap for upload bodies; the uploadMaxBytes switch refuses smaller files with Feishu's own error. */
const UPLOAD_BODY_CAP = 32 * 1024 * 1024;

/** First matching path wins, so fixed paths come before the `:param` ones they would also match. */
export const ROUTES: readonly RouteSpec[] = [
  { key: 'token', path: 'auth/v3/tenant_access_token/internal', methods: ['POST'], kind: 'token', handle: handleToken },
  { key: 'departments.children', path: 'contact/v3/departments/:department_id/children', methods: ['GET'], kind: 'contact', handle: handleChildren },
  { key: 'users.find_by_department', path: 'contact/v3/users/find_by_department', methods: ['GET'], kind: 'contact', handle: handleFindByDepartment },
  { key: 'users.batch_get_id', path: 'contact/v3/users/batch_get_id', methods: ['POST'], kind: 'contact', handle: handleBatchGetId },
  { key: 'users.get', path: 'contact/v3/users/:user_id', methods: ['GET'], kind: 'contact', handle: handleUserGet },
  // The directory API: its own endpoint with its own per-minute quota, counted like a contact one [U].
  { key: 'directory.employees_filter', path: 'directory/v1/employees/filter', methods: ['POST'], kind: 'contact', handle: handleEmployeesFilter },
  { key: 'groups.list', path: 'attendance/v1/groups', methods: ['GET'], kind: 'attendance', handle: handleGroups },
  { key: 'groups.search', path: 'attendance/v1/groups/search', methods: ['POST'], kind: 'attendance', handle: handleGroupSearch },
  { key: 'groups.list_user', path: 'attendance/v1/groups/:group_id/list_user', methods: ['GET'], kind: 'attendance', handle: handleListUser },
  // GET with a JSON body is the documented call; POST is routed so the handler can refuse or accept it.
  { key: 'user_settings.query', path: 'attendance/v1/user_settings/query', methods: ['GET', 'POST'], kind: 'attendance', handle: handleUserSettings },
  { key: 'files.download', path: 'attendance/v1/files/:file_id/download', methods: ['GET'], kind: 'attendance', handle: handleDownload },
  { key: 'files.upload', path: 'attendance/v1/files/upload', methods: ['POST'], kind: 'attendance', handle: handleUpload, maxBody: UPLOAD_BODY_CAP },
  { key: 'user_settings.modify', path: 'attendance/v1/user_settings/modify', methods: ['POST'], kind: 'attendance', handle: handleModify },
  { key: 'im.messages', path: 'im/v1/messages', methods: ['POST'], kind: 'im', handle: handleSendMessage },
  // Feishu's path ends with a slash.
  { key: 'message.batch_send', path: 'message/v4/batch_send/', methods: ['POST'], kind: 'im', handle: handleBatchSend },
];

const COMPILED = ROUTES.map((r) => {
  const names: string[] = [];
  const source = r.path.replace(/:([a-z_]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { spec: r, re: new RegExp(`^/open-apis/${source}$`), names };
});

type Matched = { spec: RouteSpec; method: 'GET' | 'POST'; params: Record<string, string> };

/** The route for a path; 'method' when the path is known but not for this method (Feishu answers 404). */
function matchRoute(method: string, pathname: string): Matched | 'method' | undefined {
  for (const { spec, re, names } of COMPILED) {
    const m = re.exec(pathname);
    if (!m) continue;
    if (!(spec.methods as readonly string[]).includes(method)) return 'method';
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
    return { spec, method: method as 'GET' | 'POST', params };
  }
  return undefined;
}

/** A request body larger than this is refused (the connection is dropped). */
const MAX_BODY_BYTES = 1_000_000;

export interface ServerDeps {
  ctx: HandlerContext;
  gateway: Gateway;
  faults: Faults;
  seed: number;
  port: number;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

const notFound = (): Reply => ({ status: 404, body: Buffer.from('404 page not found'), contentType: 'text/plain; charset=utf-8' });

/** Route, gateway, handler. `chaosOf` keeps the request's fault draws for the latency jitter. */
async function answer(req: IncomingMessage, deps: ServerDeps, chaosOf: WeakMap<IncomingMessage, Chaos>): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = matchRoute(req.method ?? 'GET', url.pathname);
  const body = await readBody(req, { maxBytes: (route !== undefined && route !== 'method' ? route.spec.maxBody : undefined) ?? MAX_BODY_BYTES, tooLarge: () => new Error('body too large') });
  if (route === undefined || route === 'method') return notFound();
  const call: RouteRequest = {
    key: route.spec.key,
    kind: route.spec.kind,
    method: route.method,
    params: route.params,
    query: url.searchParams,
    body,
    rawUrl: req.url ?? '/',
    headers: req.headers,
  };
  const chaos = deps.faults.chaosFor(call);
  chaosOf.set(req, chaos);
  const early = deps.gateway.screen(call, chaos);
  if (early) return early;
  return deps.gateway.pass(route.spec.handle(deps.ctx, call), chaos);
}

/** Log ids come from a counter and the seed only (no wall clock), so two runs give the same ids. */
function logIds(seed: number): () => string {
  let logSeq = 0;
  return () => {
    logSeq++;
    const d = new Date(Date.UTC(2020, 0, 1) + logSeq * 1000);
    const stamp = d.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
    return `${stamp}${(hashString(`${seed}:${logSeq}`) >>> 0).toString(16).toUpperCase().padStart(8, '0')}${logSeq.toString(16).toUpperCase().padStart(6, '0')}`;
  };
}

/** A TCP RST, so clients see ECONNRESET as on a flaky network. */
function resetConnection(res: ServerResponse): void {
  const s = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
  if (s?.resetAndDestroy) s.resetAndDestroy();
  else s?.destroy();
}

/** Photo bytes as consecutive pieces; with `truncate`, the full length is promised, half arrives, then the connection drops. */
function sendParts(res: ServerResponse, reply: Reply, parts: Buffer[], headers: Record<string, string | number>): void {
  headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  headers['content-length'] = parts.reduce((n, b) => n + b.length, 0);
  res.writeHead(reply.status, headers);
  if (reply.truncate) {
    const whole = Buffer.concat(parts);
    res.write(whole.subarray(0, Math.floor(whole.length / 2)), () => res.destroy());
    return;
  }
  res.cork();
  for (const part of parts) res.write(part);
  res.uncork(); // one writev for the pieces
  res.end();
}

/** A JSON answer; an error gets Feishu's error.log_id and troubleshooter link. */
function jsonPayload(json: unknown, logId: string): Buffer {
  const j = json as Record<string, unknown>;
  if (typeof j.code === 'number' && j.code !== 0) {
    const err = (j.error as Record<string, unknown> | undefined) ?? {};
    j.error = {
      ...err,
      log_id: logId,
      troubleshooter: `https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${j.code}&method_id=0`,
    };
  }
  return Buffer.from(JSON.stringify(j), 'utf8');
}

function send(res: ServerResponse, reply: Reply, logId: () => string): void {
  if (reply.reset) return resetConnection(res);
  const id = logId();
  const headers: Record<string, string | number> = { 'x-tt-logid': id, 'x-request-id': id, ...(reply.headers ?? {}) };
  if (reply.bodyParts) return sendParts(res, reply, reply.bodyParts, headers);
  let payload: Buffer;
  if (reply.json !== undefined) {
    payload = jsonPayload(reply.json, id);
    headers['content-type'] = 'application/json; charset=utf-8';
  } else {
    payload = reply.body ?? Buffer.alloc(0);
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  }
  headers['content-length'] = payload.length;
  res.writeHead(reply.status, headers);
  res.end(payload);
}

const errorReply = (e: unknown): Reply => {
  if (e instanceof ApiError) return { status: e.status, json: { code: e.code, msg: e.msg, error: { ...e.extra } } };
  return { status: 400, json: { code: 99992402, msg: 'field validation failed: request could not be read' } };
};

/** Listens on 127.0.0.1 (port 0: any free one) until close(). */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const chaosOf = new WeakMap<IncomingMessage, Chaos>();
  const logId = logIds(deps.seed);
  const sockets = new Set<Socket>();
  let closed = false;
  const deliver = (res: ServerResponse, reply: Reply): void => {
    if (!res.destroyed && !closed) send(res, reply, logId);
  };
  const server = createServer((req, res) => {
    answer(req, deps, chaosOf)
      .catch(errorReply)
      .then((reply) => {
        if (reply.hang) return; // never answered; close() or the client's timeout ends the connection
        const ms = deps.faults.delayMs(chaosOf.get(req));
        if (ms > 0) setTimeout(() => deliver(res, reply), ms);
        else deliver(res, reply);
      })
      .catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
