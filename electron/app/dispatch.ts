// The one place a request from the renderer becomes a handler call: contract lookup, schema
// parse of an `unknown` payload, the handler, response check, and everything thrown turned into
// a Result. Shared by Electron main (IPC) and the browser harness (HTTP).
import type { z } from 'zod';
import { type AppError, type Result, isAppFailure, toAppError } from '../../shared/errors';
import { type ChannelKey, type Handlers, contract } from '../../shared/ipc';
import { type Logger, createSilentLogger } from './redact';

export type Dispatch = (key: string, payload: unknown) => Promise<Result<unknown>>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** true when any object in the payload has an own key that could pollute a prototype. */
function hasPollutingKey(value: unknown, depth = 0): boolean {
  if (depth > 32) return true; // nothing legitimate nests this deep
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  for (const k of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(k)) return true;
    if (hasPollutingKey((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

/** Field paths of the issues, never the values (a payload may hold a secret). */
function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(request)'}: ${i.code}`)
    .join('; ');
}

function invalid(detail: string): { ok: false; error: AppError } {
  return { ok: false, error: { code: 'input.invalid', message: 'The request is not valid', detail } };
}

export function isChannelKey(key: string): key is ChannelKey {
  return Object.prototype.hasOwnProperty.call(contract, key);
}

export function createDispatch(handlers: Handlers, opts: { log?: Logger } = {}): Dispatch {
  const log = opts.log ?? createSilentLogger();
  return async (key, payload) => {
    if (typeof key !== 'string' || !isChannelKey(key)) return invalid('unknown channel');
    if (hasPollutingKey(payload)) return invalid('(request): forbidden key');
    const channel = contract[key];
    const parsed = channel.request.safeParse(payload);
    if (!parsed.success) return invalid(describeIssues(parsed.error.issues));
    const handler = handlers[key] as (req: unknown) => Promise<unknown>;
    const started = Date.now();
    let data: unknown;
    try {
      data = await handler(parsed.data);
      log.debug(key, { ms: Date.now() - started });
    } catch (e) {
      if (isAppFailure(e)) {
        if (e.info.code === 'internal') log.error(`${key} failed`, { error: e.info.message });
        return { ok: false, error: e.info };
      }
      const error = toAppError(e);
      if (error.code === 'internal') {
        // A bug: keep the name and message for support, never the stack or the payload.
        log.error(`${key} threw`, { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      } else {
        log.warn(`${key} failed`, { code: error.code });
      }
      return { ok: false, error };
    }
    const checked = channel.response.safeParse(data);
    if (!checked.success) {
      log.error(`${key} returned a response outside the contract`, { issues: describeIssues(checked.error.issues) });
      return { ok: false, error: { code: 'internal', message: 'Unexpected error' } };
    }
    return { ok: true, data: checked.data };
  };
}
