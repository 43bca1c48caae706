// The Feishu Open API client used by core: token, per-endpoint limiting, bounded retries,
// error mapping, manual pagination. Plain Node; the dispatcher (proxy, test agent) comes in.
import { setMaxListeners } from 'node:events';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { appError, isAppFailure, type AppError, type AppFailure } from '../../../shared/errors';
import {
  BIG_DEPT_CODE,
  cancelled,
  classifyAnswer,
  classifyNetworkError,
  headerValue,
  mapFeishuError,
  mapTokenError,
  networkFailure,
  parseEnvelope,
  rateLimitResetMs,
  redactFailure,
  type FeishuEnvelope,
  type HeaderBag,
} from './errors';
import { imageDamage } from '../image-check';
import { DEFAULT_MAX_RESPONSE_BYTES, HttpCancelled, sendOnce, type HttpResponse } from './http';
import { EndpointLimiter, LimiterClosed } from './limiter';
import { TokenCache, type IssuedToken } from './token';
import type {
  ClientStats,
  DownloadedFile,
  FeishuClient,
  FeishuClientOptions,
  RawDepartment,
  RawGroup,
  RawGroupMember,
  RawUser,
  RawUserSetting,
} from './types';

export { mapFeishuError, mapTokenError } from './errors';

/** Endpoint keys: one rate-limit budget and one set of counters each. */
export type EndpointKey =
  | 'token'
  | 'departments.children'
  | 'users.find_by_department'
  | 'users.get'
  | 'groups.list'
  | 'groups.search'
  | 'groups.list_user'
  | 'user_settings.query'
  | 'files.download';

const PAGE_SIZE = 50;
const SETTINGS_BATCH = 100;
/** A list longer than this is a server loop, not a tenant (50 × 20 000 = one million rows). */
const MAX_PAGES = 20_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/**
 * Default requests per second per endpoint. Requests are paced evenly at 48/s, under Feishu's
 * 50/s; retries of faults count against the same budget, so useful throughput tops out just under 48/s.
 */
export const DEFAULT_RATE_PER_SECOND = 48;
/** How long the rest of an endpoint holds after a lone jitter 429 (see the rate branch of exchange). */
const JITTER_HOLD_MS = 150;
/** Contact endpoints also allow 1000/min (docs/feishu-api.md §2); kept a little under. */
export const DEFAULT_CONTACT_PER_MINUTE = 950;
const CONTACT_KEYS: ReadonlySet<EndpointKey> = new Set(['departments.children', 'users.find_by_department', 'users.get']);
/**
 * Tokens fetched for one request and refused anyway before it ends in auth.token_invalid. Under token churn
 * a token just fetched is refused only when the server replaces it within one round trip, so three in a row
 * means the server refuses this app's tokens.
 */
const MAX_FRESH_REFUSALS = 3;
/** 1220004: some of the user_ids are unknown or outside the attendance range (the whole batch is refused). */
const USER_REJECTED_CODE = 1220004;

type Query = Record<string, string | number | boolean | undefined>;

interface CallSpec {
  key: EndpointKey;
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
  /** 'file' = success is 2xx with a non-JSON content type. */
  expect: 'json' | 'file';
}

/**
 * An undici proxy agent when HTTPS_PROXY / HTTP_PROXY is set in `env` (it honours NO_PROXY from
 * `env` too), else undefined. Only `env` is read, never process.env behind the caller's back.
 */
export function dispatcherFromEnv(env: NodeJS.ProcessEnv = process.env): Dispatcher | undefined {
  const read = (name: string) => env[name] || env[name.toLowerCase()] || '';
  const httpProxy = read('HTTP_PROXY');
  const httpsProxy = read('HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  // Empty strings (not undefined) so undici does not fall back to process.env.
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: read('NO_PROXY') });
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /json/i.test(contentType);
}

/** File name from content-disposition: RFC 5987 filename* first, then plain filename. */
export function fileNameFromDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const star = /filename\*\s*=\s*([^;]+)/i.exec(value);
  if (star?.[1]) {
    const raw = star[1].trim().replace(/^"|"$/g, '');
    const parts = /^[^']*'[^']*'(.*)$/.exec(raw);
    try {
      return decodeURIComponent(parts?.[1] ?? raw);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
  const name = plain?.[2] ?? plain?.[1]?.trim();
  return name || undefined;
}

function dataOf(env: FeishuEnvelope, key: string): Record<string, unknown> {
  const d = env.data;
  if (d === undefined || d === null) return {};
  if (typeof d !== 'object' || Array.isArray(d)) throw appError('feishu.bad_response', `Unexpected data in ${key} answer`);
  return d as Record<string, unknown>;
}

function listOf<T>(data: Record<string, unknown>, field: string, key: string): T[] {
  const items = data[field];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw appError('feishu.bad_response', `Unexpected ${field} in ${key} answer`);
  // Dropping an odd row would shorten the list without a word; the answer is broken instead.
  if (items.some((x) => !x || typeof x !== 'object' || Array.isArray(x)))
    throw appError('feishu.bad_response', `Unexpected item in ${field} of ${key} answer`);
  return items as T[];
}

export function createFeishuClient(opts: FeishuClientOptions): FeishuClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const ratePerSecond = Math.max(1, opts.ratePerSecond ?? DEFAULT_RATE_PER_SECOND);
  // Raised above the documented rate (simulator, benchmarks), the minute budget keeps its ratio.
  const contactPerMinute = Math.max(
    1,
    opts.contactPerMinute ?? Math.max(DEFAULT_CONTACT_PER_MINUTE, Math.round((ratePerSecond * DEFAULT_CONTACT_PER_MINUTE) / DEFAULT_RATE_PER_SECOND)),
  );
  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 5));
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const log = opts.log ?? (() => undefined);
  const ownDispatcher = opts.dispatcher ? undefined : new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const dispatcher: Dispatcher = opts.dispatcher ?? ownDispatcher!;
  const limiter = new EndpointLimiter({
    ratePerSecond,
    concurrency: Math.min(64, Math.ceil(ratePerSecond)),
    sleep,
    ...(opts.rateClock ? { clock: opts.rateClock } : {}),
    windowsFor: (key) => (CONTACT_KEYS.has(key as EndpointKey) ? [{ limit: contactPerMinute, spanMs: 60_000 }] : []),
  });

  const counters: ClientStats = { requests: {}, rateLimited: {}, retries: {}, tokenFetches: 0 };
  const bump = (m: Record<string, number>, key: string) => {
    m[key] = (m[key] ?? 0) + 1;
  };

  // close() also ends retry waits, so no timer outlives the client (a CLI can exit at once).
  const closing = new AbortController();
  const backoff = async (attempt: number, signal?: AbortSignal) => {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    try {
      await sleep(Math.round(ceiling * (0.5 + Math.random() * 0.5)), signal ? AbortSignal.any([signal, closing.signal]) : closing.signal);
    } catch (e) {
      // Whatever an injected sleep throws on abort, callers see one code.
      if (signal?.aborted || closing.signal.aborted) throw cancelled();
      throw e;
    }
    if (closing.signal.aborted) throw cancelled();
  };

  const tokens = new TokenCache(() => fetchToken(), now);
  /** When each endpoint last got a 429 back: tells arrival jitter from a storm. */
  const lastRateLimited = new Map<string, number>();
  let closed = false;

  type Answer = { res: HttpResponse; env: FeishuEnvelope | undefined };

  /**
   * One call with retries. `auth` false only for the token endpoint itself. The answer, with its JSON
   * envelope parsed once (undefined for a photo). Every failure leaves with the app secret and the
   * tokens blanked: Feishu or a gateway may echo the request in its msg.
   */
  async function exchange(spec: CallSpec, signal: AbortSignal | undefined, auth: boolean): Promise<Answer> {
    try {
      return await attempts(spec, signal, auth);
    } catch (e) {
      throw isAppFailure(e) ? redactFailure(e, [opts.appSecret, ...tokens.known()]) : e;
    }
  }

  async function attempts(spec: CallSpec, signal: AbortSignal | undefined, auth: boolean): Promise<Answer> {
    const url = buildUrl(baseUrl, spec.path, spec.query);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let attempt = 0;
    let tokenRefusals = 0;
    let freshRefusals = 0;
    const refused = new Set<string>();
    for (;;) {
      // A closed client (app shutting down) ends work the same way a cancel does.
      if (signal?.aborted || closed) throw cancelled();
      attempt++;
      let token: string | undefined;
      /** The token was fetched while this request asked for it (not an older cached one). */
      let fresh = false;
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';

      let res: HttpResponse;
      let sentAt = 0;
      try {
        res = await limiter.run(
          spec.key,
          async () => {
            if (auth) {
              // The token is taken when the request leaves the queue, not before it waits there: a token
              // the server replaced meanwhile would be refused on arrival, however often it is refreshed.
              const before = tokens.generation();
              token = await tokens.get(signal);
              fresh = tokens.generationOf(token) > before;
              headers.authorization = `Bearer ${token}`;
            }
            sentAt = now();
            bump(counters.requests, spec.key);
            return sendOnce({ method: spec.method, url, headers, body, timeoutMs, dispatcher, signal, maxBytes: maxResponseBytes });
          },
          signal,
        );
      } catch (e) {
        if (e instanceof HttpCancelled || e instanceof LimiterClosed || signal?.aborted || closed) throw cancelled();
        if (isAppFailure(e)) throw e;
        const kind = classifyNetworkError(e);
        log('warn', 'feishu request failed', { endpoint: spec.key, network: kind, attempt });
        if (kind === 'unreachable' || attempt >= maxAttempts) throw networkFailure(kind, spec.key, e);
        bump(counters.retries, spec.key);
        await backoff(attempt, signal);
        continue;
      }

      const { failure, env } = judge(spec, res);
      if (failure === undefined) {
        log('debug', 'feishu request', { endpoint: spec.key, status: res.status, attempt });
        return { res, env };
      }
      // A damaged photo (cut short or garbled in transit) is worth downloading again, like a server fault.
      const kind = failure?.info.code === 'photo.corrupt' ? 'transient' : classifyAnswer(res.status, env);
      log(kind === 'final' ? 'warn' : 'info', 'feishu answer', {
        endpoint: spec.key,
        status: res.status,
        feishuCode: env?.code,
        logId: env?.error?.log_id ?? headerValue(res.headers, 'x-tt-logid'),
        attempt,
      });
      const mapped = () => failure ?? (auth ? mapFeishuError : mapTokenError)(res.status, env ?? res.bytes, res.headers);

      if (kind === 'token' && auth && token) {
        tokens.drop(token);
        tokenRefusals++;
        if (fresh) freshRefusals++;
        const again = refused.has(token);
        refused.add(token);
        // The refresh handed back the very token just refused, or tokens fetched for this request are refused
        // time after time: the credentials or the clock are wrong. Otherwise the server replaced its tokens
        // (expiry, churn) while this one was on its way: refresh and try again, within the usual bound.
        if (again || freshRefusals >= MAX_FRESH_REFUSALS || tokenRefusals > maxAttempts) throw mapped();
        // The refresh is not a transient failure: it does not use up an attempt.
        attempt--;
        bump(counters.retries, spec.key);
        continue;
      }
      if (kind === 'rate') {
        bump(counters.rateLimited, spec.key);
        if (attempt >= maxAttempts) throw mapped();
        const resetMs = rateLimitResetMs(res.headers);
        const wait = resetMs + Math.round(Math.random() * 250);
        const announced = Number(headerValue(res.headers, 'x-ogw-ratelimit-limit') ?? NaN);
        limiter.learnLimit(spec.key, Number.isFinite(announced) && announced > 0 ? announced : undefined, resetMs);
        bump(counters.retries, spec.key);
        // Under a limit we already pace below, a 429 is arrival jitter (a few requests landed in the same
        // window at Feishu's gateway): this request waits the reset, the endpoint only holds briefly.
        // Requests already on their way when the first 429 came back land in that same crowded window,
        // so their 429s are part of the same event. A 429 for a request sent after an earlier 429 was
        // back (within the reset window), or a limit lower than our pace, is a real storm (something
        // else spends the app's budget too): the whole endpoint pauses for the reset, so it does not multiply.
        const t = now();
        const last = lastRateLimited.get(spec.key);
        lastRateLimited.set(spec.key, t);
        const sentAfterEarlier429 = last !== undefined && sentAt > last && t - last <= 2 * resetMs;
        const jitter = Number.isFinite(announced) && announced >= ratePerSecond && !sentAfterEarlier429;
        if (jitter) {
          limiter.pause(spec.key, JITTER_HOLD_MS);
          try {
            await sleep(wait, signal ? AbortSignal.any([signal, closing.signal]) : closing.signal);
          } catch (e) {
            if (signal?.aborted || closing.signal.aborted) throw cancelled();
            throw e;
          }
          continue;
        }
        // Pause the whole endpoint, then queue again behind the pause.
        limiter.pause(spec.key, wait);
        continue;
      }
      if (kind === 'transient') {
        if (attempt >= maxAttempts) throw mapped();
        bump(counters.retries, spec.key);
        await backoff(attempt, signal);
        continue;
      }
      throw mapped();
    }

    /**
     * failure: undefined when the answer is a success; otherwise the failure to throw if it is final (null: map
     * it by its kind). env: the parsed JSON envelope, if the answer is one.
     */
    function judge(s: CallSpec, r: HttpResponse): { failure: AppFailure | undefined | null; env: FeishuEnvelope | undefined } {
      const ok2xx = r.status >= 200 && r.status < 300;
      const jsonType = isJsonType(headerValue(r.headers, 'content-type'));
      if (s.expect === 'file' && ok2xx && !jsonType) {
        if (r.bytes.length === 0) return { failure: appError('feishu.bad_response', 'Feishu sent an empty file', { httpStatus: r.status }), env: undefined };
        const damage = imageDamage(r.bytes);
        if (damage) return { failure: appError('photo.corrupt', `The downloaded photo is damaged (${damage})`, { httpStatus: r.status }), env: undefined };
        return { failure: undefined, env: undefined };
      }
      const env = parseEnvelope(r.bytes);
      if (ok2xx && env && env.code === 0) {
        if (s.expect === 'file') return { failure: appError('feishu.bad_response', 'Feishu sent JSON where a photo was expected', { httpStatus: r.status }), env };
        return { failure: undefined, env };
      }
      if (ok2xx && !env) return { failure: appError('feishu.bad_response', `Feishu sent an answer that could not be read (${s.key})`, { httpStatus: r.status }), env };
      return { failure: null, env };
    }
  }

  async function fetchToken(): Promise<IssuedToken> {
    counters.tokenFetches++;
    const { res, env } = await exchange(
      {
        key: 'token',
        method: 'POST',
        path: '/open-apis/auth/v3/tenant_access_token/internal',
        body: { app_id: opts.appId, app_secret: opts.appSecret },
        expect: 'json',
      },
      undefined,
      false,
    );
    const token = env!.tenant_access_token;
    const expire = Number(env!.expire);
    if (typeof token !== 'string' || !token || !Number.isFinite(expire)) {
      throw appError('feishu.bad_response', 'The token answer has no tenant_access_token', { httpStatus: res.status });
    }
    log('info', 'feishu token fetched', { endpoint: 'token', expireSeconds: expire });
    return { token, expireSeconds: expire };
  }

  async function callJson(spec: Omit<CallSpec, 'expect'>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const { env } = await exchange({ ...spec, expect: 'json' }, signal, true);
    return dataOf(env!, spec.key);
  }

  async function paginate<T>(spec: Omit<CallSpec, 'expect'>, field: string, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await callJson({ ...spec, query: { ...spec.query, page_size: PAGE_SIZE, page_token: pageToken } }, signal);
      out.push(...listOf<T>(data, field, spec.key));
      if (data.has_more !== true) return out;
      const next = data.page_token;
      // Without a fresh token the list cannot continue; stopping quietly would truncate it.
      if (typeof next !== 'string' || next === '' || seen.has(next)) {
        throw appError('feishu.bad_response', `Feishu repeated or omitted the page token (${spec.key})`);
      }
      seen.add(next);
      pageToken = next;
    }
    throw appError('feishu.bad_response', `Too many pages (${spec.key})`);
  }

  const seg = (s: string) => encodeURIComponent(s);

  function children(departmentId: string, fetchChild: boolean, signal?: AbortSignal): Promise<RawDepartment[]> {
    return paginate<RawDepartment>(
      {
        key: 'departments.children',
        method: 'GET',
        path: `/open-apis/contact/v3/departments/${seg(departmentId)}/children`,
        query: { fetch_child: fetchChild, department_id_type: 'open_department_id', user_id_type: 'user_id' },
      },
      'items',
      signal,
    );
  }

  /** Every level below departmentId, one level at a time with fetch_child=false (each level concurrently). */
  async function walkLevels(departmentId: string, signal?: AbortSignal): Promise<RawDepartment[]> {
    const out: RawDepartment[] = [];
    const seen = new Set<string>([departmentId]);
    let level = [departmentId];
    while (level.length) {
      const found = await Promise.all(level.map((id) => children(id, false, signal)));
      const next: string[] = [];
      for (const d of found.flat()) {
        const id = d.open_department_id;
        // A department seen twice (or a loop) is listed once and not walked again.
        if (typeof id !== 'string' || seen.has(id)) continue;
        seen.add(id);
        out.push(d);
        next.push(id);
      }
      level = next;
    }
    return out;
  }

  /** One batch of face settings; on 1220004 the batch is halved until the refused ids are found. */
  async function settingsBatch(
    batch: string[],
    signal: AbortSignal,
    rejected: { ids: string[]; error?: AppError },
  ): Promise<RawUserSetting[]> {
    try {
      const data = await callJson(
        {
          key: 'user_settings.query',
          method: 'GET',
          path: '/open-apis/attendance/v1/user_settings/query',
          query: { employee_type: 'employee_id' },
          body: { user_ids: batch },
        },
        signal,
      );
      return listOf<RawUserSetting>(data, 'user_settings', 'user_settings.query');
    } catch (e) {
      if (!isAppFailure(e) || e.info.feishuCode !== USER_REJECTED_CODE) throw e;
      if (batch.length === 1) {
        rejected.ids.push(batch[0]!);
        rejected.error ??= e.info;
        return [];
      }
      const half = Math.ceil(batch.length / 2);
      const parts = await Promise.all([settingsBatch(batch.slice(0, half), signal, rejected), settingsBatch(batch.slice(half), signal, rejected)]);
      return parts.flat();
    }
  }

  const client: FeishuClient = {
    baseUrl,
    appId: opts.appId,

    tenantToken(signal) {
      return tokens.get(signal);
    },

    async verify(signal) {
      await tokens.get(signal);
      // One cheap attendance read, so a missing scope or an IP allow-list shows at sign-in.
      await callJson({ key: 'groups.list', method: 'GET', path: '/open-apis/attendance/v1/groups', query: { page_size: 1 } }, signal);
    },

    async departmentChildren(departmentId, o) {
      const fetchChild = o?.fetchChild ?? true;
      try {
        return await children(departmentId, fetchChild, o?.signal);
      } catch (e) {
        // A very large tree refuses fetch_child=true (43010): walk it level by level instead.
        if (!fetchChild || !isAppFailure(e) || e.info.feishuCode !== BIG_DEPT_CODE) throw e;
        log('info', 'feishu department tree too big for fetch_child; walking it level by level', { endpoint: 'departments.children' });
        return walkLevels(departmentId, o?.signal);
      }
    },

    usersByDepartment(departmentId, signal) {
      return paginate<RawUser>(
        {
          key: 'users.find_by_department',
          method: 'GET',
          path: '/open-apis/contact/v3/users/find_by_department',
          query: { department_id: departmentId, user_id_type: 'user_id', department_id_type: 'open_department_id' },
        },
        'items',
        signal,
      );
    },

    async user(userId, signal) {
      const data = await callJson(
        {
          key: 'users.get',
          method: 'GET',
          path: `/open-apis/contact/v3/users/${seg(userId)}`,
          query: { user_id_type: 'user_id', department_id_type: 'open_department_id' },
        },
        signal,
      );
      const u = data.user;
      if (!u || typeof u !== 'object') throw appError('feishu.not_found', 'No such employee');
      return u as RawUser;
    },

    groups(signal) {
      return paginate<RawGroup>({ key: 'groups.list', method: 'GET', path: '/open-apis/attendance/v1/groups' }, 'group_list', signal);
    },

    async searchGroups(name, exactlyMatched = false, signal) {
      const data = await callJson(
        {
          key: 'groups.search',
          method: 'POST',
          path: '/open-apis/attendance/v1/groups/search',
          body: { group_name: name, exactly_matched: exactlyMatched },
        },
        signal,
      );
      return listOf<RawGroup>(data, 'group_list', 'groups.search');
    },

    groupMembers(groupId, signal) {
      return paginate<RawGroupMember>(
        {
          key: 'groups.list_user',
          method: 'GET',
          path: `/open-apis/attendance/v1/groups/${seg(groupId)}/list_user`,
          query: { employee_type: 'employee_id', dept_type: 'open_id', member_clock_type: 0 },
        },
        'users',
        signal,
      );
    },

    async userSettings(userIds, signal, o) {
      const ids = [...new Set(userIds)];
      if (ids.length === 0) return [];
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += SETTINGS_BATCH) batches.push(ids.slice(i, i + SETTINGS_BATCH));
      // One failed batch stops its siblings: the caller gets the first error, not a partial list.
      // 1220004 (unknown or out-of-range ids) is not such a failure: those ids are found and left out.
      const stop = new AbortController();
      const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
      // Every batch waiting its turn in the limiter listens on this one signal (one listener per batch, by design:
      // 50 for 5,000 employees), which tripped MaxListenersExceededWarning.
      setMaxListeners(0, both);
      const rejected: { ids: string[]; error?: AppError } = { ids: [] };
      try {
        const results = await Promise.all(
          batches.map((batch) =>
            settingsBatch(batch, both, rejected).catch((e: unknown) => {
              stop.abort();
              throw e;
            }),
          ),
        );
        if (rejected.ids.length) {
          const order = new Map(ids.map((id, i) => [id, i]));
          const refused = [...rejected.ids].sort((a, b) => order.get(a)! - order.get(b)!);
          log('warn', 'feishu refused some user_ids (1220004: unknown or outside the attendance range); reported as out of range', {
            endpoint: 'user_settings.query',
            count: refused.length,
            userIds: refused.slice(0, 50),
          });
          o?.onRejected?.(refused, rejected.error!);
        }
        return results.flat();
      } catch (e) {
        if (signal?.aborted) throw cancelled();
        throw e;
      }
    },

    async downloadFile(fileId, signal) {
      const { res } = await exchange(
        { key: 'files.download', method: 'GET', path: `/open-apis/attendance/v1/files/${seg(fileId)}/download`, expect: 'file' },
        signal,
        true,
      );
      const file: DownloadedFile = {
        bytes: res.bytes,
        contentType: headerValue(res.headers, 'content-type') ?? 'application/octet-stream',
      };
      const fileName = fileNameFromDisposition(headerValue(res.headers, 'content-disposition'));
      if (fileName) file.fileName = fileName;
      return file;
    },

    stats() {
      return {
        requests: { ...counters.requests },
        rateLimited: { ...counters.rateLimited },
        retries: { ...counters.retries },
        tokenFetches: counters.tokenFetches,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      limiter.close();
      tokens.clear();
      if (ownDispatcher) await ownDispatcher.close();
    },
  };
  return client;
}

export type { HeaderBag };
