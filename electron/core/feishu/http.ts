// One HTTP exchange with undici: no retries, no mapping, just bytes, status and headers.
// undici's `request` (unlike fetch) sends a body on GET, which user_settings/query needs.
import { request, type Dispatcher } from 'undici';
import type { HeaderBag } from './errors';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** The caller's cancel signal (not the timeout). */
  signal?: AbortSignal;
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
 * aborts, HttpTimeout when the deadline passes, or undici's network error otherwise.
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
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, bytes };
  } catch (e) {
    if (req.signal?.aborted) throw new HttpCancelled('cancelled');
    if (deadline.aborted) throw new HttpTimeout('timed out');
    throw e;
  }
}
