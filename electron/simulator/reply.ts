// What every simulator endpoint handler receives and returns: the matched request, the shared context,
// the reply before latency, and the Feishu-style error a handler throws.
import type { IncomingHttpHeaders } from 'node:http';
import type { PhotoStore } from './photos';
import type { TenantIndex } from './tenant-index';
import type { TokenBook } from './tokens';
import type { SimTenant, SimulatorSwitches } from './types';

/** Which error family and token rules apply: the token endpoint, the contact API, the attendance API or the bot's messages. */
export type RouteKind = 'token' | 'contact' | 'attendance' | 'im';

/** A request matched to a route, with its body already read (GET may carry one). */
export interface RouteRequest {
  key: string;
  kind: RouteKind;
  method: 'GET' | 'POST';
  /** Path parameters, decoded (e.g. department_id, user_id, group_id, file_id). */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  /** The request's URL as sent (path and query), for per-request fault draws. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
}

/** Everything a handler may read: built once at start, shared by all requests. */
export interface HandlerContext {
  tenant: SimTenant;
  index: TenantIndex;
  switches: SimulatorSwitches;
  photos: PhotoStore;
  tokens: TokenBook;
}

export type Handler = (ctx: HandlerContext, req: RouteRequest) => Reply;

/** An answer, before latency is applied. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  /** Body sent as consecutive pieces (photos: portrait slices around the face_key tag). */
  bodyParts?: Buffer[];
  contentType?: string;
  /** The face_key of a photo download, so the gateway can cut it short or damage it. */
  fileKey?: string;
  reset?: boolean;
  /** Never answered (hangRate). */
  hang?: boolean;
  /** Download cut short after half the body (truncateRate). */
  truncate?: boolean;
}

export class ApiError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

export const ok = (data: unknown): Reply => ({ status: 200, json: { code: 0, msg: 'success', data } });

/** Invalid-parameter error in the family's own words: attendance says 1220001, contact 99992402. */
export const paramError = (kind: RouteKind, what: string): ApiError =>
  kind === 'attendance' ? new ApiError(400, 1220001, `param is invalid: ${what}`) : new ApiError(400, 99992402, `field validation failed: ${what}`);

/** undefined for an empty body, null for one that is not JSON. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
