// Helpers for tests that talk to the simulator over real loopback HTTP (undici can send a GET body).
import { request } from 'undici';
import type { Simulator } from './types';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else undefined. */
  json: { code: number; msg: string; data?: Record<string, unknown>; error?: Record<string, unknown>; [k: string]: unknown } | undefined;
  bytes: Uint8Array;
}

export async function call(
  sim: Simulator,
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<SimResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  const res = await request(sim.url + path, { method, headers, body });
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  const json = (flat['content-type'] ?? '').includes('application/json') ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as SimResponse['json']) : undefined;
  return { status: res.statusCode, headers: flat, json, bytes };
}

export async function tokenFor(sim: Simulator): Promise<string> {
  const r = await call(sim, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: sim.appId, app_secret: sim.appSecret } });
  const token = r.json?.tenant_access_token;
  if (typeof token !== 'string') throw new Error(`no token: ${JSON.stringify(r.json)}`);
  return token;
}

/** Follows page_token until has_more is false; returns every item of `listField`. */
export async function allPages<T>(sim: Simulator, token: string, path: string, listField: string, pageSize = 50): Promise<T[]> {
  const out: T[] = [];
  let pageToken: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await call(sim, 'GET', `${path}${sep}page_size=${pageSize}${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`, { token });
    if (r.status !== 200 || r.json?.code !== 0) throw new Error(`page failed: ${r.status} ${JSON.stringify(r.json)}`);
    const data = r.json.data as Record<string, unknown>;
    out.push(...((data[listField] as T[] | undefined) ?? []));
    if (!data.has_more) return out;
    pageToken = data.page_token as string;
  }
  throw new Error('pagination did not end');
}
