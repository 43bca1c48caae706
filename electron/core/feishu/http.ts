// One HTTP exchange with undici: no retries, no mapping, just bytes, status and headers.
// undici's `request` (unlike fetch) sends a body on GET, which user_settings/query needs.
import { request, type Dispatcher } from 'undici';
import { appError } from '../../../shared/errors';
import { readBody } from '../../util/body';
import { headerValue, type HeaderBag } from './errors';

/** Largest answer read into memory (a face photo is well under 1 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or raw bytes (a multipart photo upload). */
  body?: string | Uint8Array;
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** The caller's cancel signal (not the timeout). */
  signal?: AbortSignal;
  /** Body size cap (default 20 MB); a larger answer is feishu.bad_response. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: HeaderBag;
  bytes: Uint8Array;
}

export class HttpTimeout extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

export class HttpCancelled extends Error {
  override readonly name = 'AbortError';
}

/**
 * Sends one request and reads the whole body. Throws HttpCancelled when the caller's signal
 * aborts, HttpTimeout when the deadline passes, AppFailure feishu.bad_response when the body is
 * larger than `maxBytes`, or undici's network error otherwise.
 */
export async function sendOnce(req: HttpRequest): Promise<HttpResponse> {
  if (req.signal?.aborted) throw new HttpCancelled('cancelled');
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const combined = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: req.dispatcher,
      signal: combined,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const bytes = await readCapped(res.body, req.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES, headerValue(res.headers, 'content-length'));
    return { status: res.statusCode, headers: res.headers, bytes };
  } catch (e) {
    if (req.signal?.aborted) throw new HttpCancelled('cancelled');
    if (deadline.aborted) throw new HttpTimeout('timed out');
    throw e;
  }
}

function tooLarge(max: number) {
  return appError('feishu.bad_response', `Feishu sent an answer larger than ${Math.round(max / 1024 / 1024)} MB`, {
    detail: `more than ${max} bytes`,
  });
}

/** Reads the body up to `max` bytes; stops reading (and drops the connection) beyond that. */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number, contentLength: string | undefined): Promise<Uint8Array> {
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > max) {
    body.destroy();
    throw tooLarge(max);
  }
  const bytes = await readBody(body, { maxBytes: max, tooLarge: () => tooLarge(max) });
  // A Uint8Array over the reader's own memory (not a view into Node's shared pool).
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
