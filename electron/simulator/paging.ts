// Page size checks and opaque page tokens, in the contact or attendance API's own error words.
import { hashString } from './rng';
import { ApiError, type RouteKind } from './reply';

export const MAX_PAGE = 50;

/** Opaque page tokens that only fit the listing they came from. */
export function encodePageToken(scope: string, offset: number): string {
  const check = hashString(`${scope}|${offset}`).toString(36);
  return Buffer.from(`${offset}.${check}`, 'latin1').toString('base64url');
}

export function decodePageToken(scope: string, token: string): number | undefined {
  const text = Buffer.from(token, 'base64url').toString('latin1');
  const m = /^(\d{1,9})\.([0-9a-z]+)$/.exec(text);
  if (!m) return undefined;
  const offset = Number(m[1]);
  return hashString(`${scope}|${offset}`).toString(36) === m[2] ? offset : undefined;
}

function pageSize(q: URLSearchParams, kind: RouteKind): number {
  const raw = q.get('page_size');
  if (raw === null || raw === '') return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    if (kind === 'contact') throw new ApiError(400, 40011, 'page size is invalid, it must be between 1 and 50');
    throw new ApiError(400, 1220001, 'param is invalid: page_size must be between 1 and 50');
  }
  return n;
}

export interface Page<T> {
  slice: T[];
  hasMore: boolean;
  next?: string;
}

/** One page of `items` for the query's page_size and page_token; `scope` names the listing. */
export function page<T>(items: readonly T[], q: URLSearchParams, kind: RouteKind, scope: string): Page<T> {
  const size = pageSize(q, kind);
  const token = q.get('page_token');
  let offset = 0;
  if (token) {
    const o = decodePageToken(scope, token);
    if (o === undefined || o > items.length) {
      if (kind === 'contact') throw new ApiError(400, 40012, 'page token is invalid');
      throw new ApiError(400, 1220001, 'param is invalid: page_token');
    }
    offset = o;
  }
  const slice = items.slice(offset, offset + size);
  const hasMore = offset + size < items.length;
  return hasMore ? { slice, hasMore, next: encodePageToken(scope, offset + size) } : { slice, hasMore };
}

/** has_more and page_token as the listing answers carry them. */
export const pageFields = <T>(p: Page<T>): { has_more: boolean; page_token?: string } => ({ has_more: p.hasMore, ...(p.next ? { page_token: p.next } : {}) });
