// Manual pagination shared by the list endpoints: page_size 50, page tokens followed to the end, a
// repeated or missing token refused (stopping quietly would truncate the list).
import { z } from 'zod';
import { appError } from '../../../../shared/errors';
import { opt } from '../schemas';
import type { CallSpec, FeishuTransport } from '../transport';

const PAGE_SIZE = 50;
/** A list longer than this is a server loop, not a tenant (50 × 20 000 = one million rows). */
const MAX_PAGES = 20_000;

/** One page, read: its rows and where the list goes on. */
interface Page<T> {
  rows: T[];
  hasMore: boolean;
  pageToken: string | undefined;
}

/** `data` holding a list under `field` (absent or null = empty). */
export function listSchema<T>(field: string, item: z.ZodType<T>): z.ZodType<T[]> {
  return z.looseObject({ [field]: opt(z.array(item)) }).transform((d) => (d[field] as T[] | undefined) ?? []);
}

/** `data` of one page: the list under `field`, has_more and page_token. */
export function pageSchema<T>(field: string, item: z.ZodType<T>): z.ZodType<Page<T>> {
  return z
    .looseObject({ [field]: opt(z.array(item)), has_more: opt(z.boolean()), page_token: opt(z.string()) })
    .transform((d) => ({ rows: (d[field] as T[] | undefined) ?? [], hasMore: d.has_more === true, pageToken: d.page_token as string | undefined }));
}

/** Every row of a paged list, in order. */
export async function paginate<T>(
  transport: FeishuTransport,
  spec: Omit<CallSpec, 'expect'>,
  field: string,
  item: z.ZodType<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const schema = pageSchema(field, item);
  const out: T[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await transport.call({ ...spec, query: { ...spec.query, page_size: PAGE_SIZE, page_token: pageToken } }, schema, signal);
    out.push(...data.rows);
    if (!data.hasMore) return out;
    const next = data.pageToken;
    // Without a fresh token the list cannot continue; stopping quietly would truncate it.
    if (typeof next !== 'string' || next === '' || seen.has(next)) {
      throw appError('feishu.bad_response', `Feishu repeated or omitted the page token (${spec.key})`);
    }
    seen.add(next);
    pageToken = next;
  }
  throw appError('feishu.bad_response', `Too many pages (${spec.key})`);
}
