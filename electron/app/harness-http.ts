// The browser harness's HTTP answers: JSON and text replies, the error envelope, and the request body read
// with a size cap. Shared by its routes, so every refusal looks the same (issue #9 split of harness.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWire } from '../../shared/wire';
import { readBody } from '../util/body';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The body did not fit MAX_BODY_BYTES (answered with 413). */
export class BodyTooLarge extends Error {}

/** The request body as text; over MAX_BODY_BYTES rejects with BodyTooLarge and keeps draining the rest, so the 413 can still reach the client. */
export async function readText(req: IncomingMessage): Promise<string> {
  const body = await readBody(req, { maxBytes: MAX_BODY_BYTES, tooLarge: () => new BodyTooLarge('body too large'), rest: 'drain' });
  return body.toString('utf8');
}

export function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, detail?: string): void {
  send(res, status, toWire({ ok: false, error: { code, message, ...(detail ? { detail } : {}) } }));
}

export const forbidden = (res: ServerResponse) => sendError(res, 403, 'ipc.forbidden', 'Forbidden');
export const badRequest = (res: ServerResponse, detail: string) => sendError(res, 400, 'input.invalid', 'The request is not valid', detail);
export const notAllowed = (res: ServerResponse) => sendError(res, 405, 'input.invalid', 'Method not allowed', 'method');
