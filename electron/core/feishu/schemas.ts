// zod at the edge: the shape every Feishu JSON answer must have before the client hands it on.
// Lenient where Feishu is (unknown fields pass through untouched, optional fields may be absent or
// null); strict where the app relies on a field, so a renamed field fails here, named, and not as an
// `undefined` deep inside the directory or the exporter.
import { z } from 'zod';
import { appError, type AppError, type AppFailure } from '../../../shared/errors';

/** An optional field: absent or null both read as absent (what the services already expect). */
export function opt<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

/**
 * Every Feishu answer: a numeric `code`; the rest is read leniently (a msg or log id of an odd type
 * is dropped, not fatal: the code alone still says what happened).
 */
export const EnvelopeSchema = z.looseObject({
  code: z.number(),
  msg: z.string().optional().catch(undefined),
  data: z.unknown().optional(),
  error: z
    .looseObject({
      log_id: z.string().optional().catch(undefined),
      permission_violations: z.array(z.looseObject({ subject: z.unknown().optional() })).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

/** `items[3].user_id`: the path of a zod issue as a reader would write it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * `value` checked against `schema`, or feishu.bad_response naming the endpoint and the first field that
 * does not fit (`where` prefixes the path, e.g. 'data'). Only the path and the expected type are quoted,
 * never a value: an answer can carry personal data or a token.
 */
export function parseAnswer<T>(
  schema: z.ZodType<T>,
  value: unknown,
  endpoint: string,
  where: string,
  extra: Omit<AppError, 'code' | 'message' | 'detail'> = {},
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badField(parsed.error, value, endpoint, where, extra);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[p] : undefined;
  return cur;
}

function badField(
  error: z.ZodError,
  value: unknown,
  endpoint: string,
  where: string,
  extra: Omit<AppError, 'code' | 'message' | 'detail'>,
): AppFailure {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = fieldPath([where, ...path].filter((p) => p !== ''));
  const what = valueAt(value, path) === undefined ? 'is missing' : `does not fit (${issue?.message ?? 'invalid'})`;
  return appError('feishu.bad_response', `Feishu's ${endpoint} answer: ${field} ${what}`, { ...extra, detail: `${endpoint}: ${field}` });
}
