// Transport policy for the Feishu Open API, whatever the endpoint: send one request through the
// per-endpoint limiter, judge the answer (HTTP status, envelope, Feishu code), retry within bounds
// (backoff with jitter, 429 with x-ogw-ratelimit-reset, token refresh), redact every failure at the
// source, and honour timeouts, cancellation and close(). The endpoints (./endpoints/*) say what to ask.
import { Agent, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { appError, isAppFailure, type AppFailure } from '../../../shared/errors';
import { imageDamage } from '../image-check';
import { tokenSpec, TokenAnswerSchema } from './endpoints/auth';
import {
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
  type FailureKind,
  type FeishuEnvelope,
} from './errors';
import { sleep } from '../../util/sleep';
import { DEFAULT_MAX_RESPONSE_BYTES, HttpCancelled, sendOnce, type HttpResponse } from './http';
import { EndpointLimiter, LimiterClosed } from './limiter';
import { parseAnswer } from './schemas';
import { TokenCache, type IssuedToken } from './token';
import type { ClientStats, FeishuClientOptions } from './types';

/** Endpoint keys: one rate-limit budget and one set of counters each. */
export type EndpointKey =
  | 'token'
  | 'departments.children'
  | 'users.find_by_department'
  | 'users.get'
  | 'users.batch_get_id'
  | 'directory.employees_filter'
  | 'groups.list'
  | 'groups.search'
  | 'groups.list_user'
  | 'user_settings.query'
  | 'files.download'
  | 'files.upload'
  | 'user_settings.modify'
  | 'im.messages'
  | 'message.batch_send';

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallSpec {
  key: EndpointKey;
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
  /** A body sent as these bytes with this Content-Type instead of JSON (the multipart photo upload). */
  raw?: { bytes: Uint8Array; contentType: string };
  /** 'file' = success is 2xx with a non-JSON content type. */
  expect: 'json' | 'file';
  /** Not idempotent: never sent twice, except after a 429 (refused before anything happened). */
  once?: boolean;
}

/** A successful answer, with its JSON envelope parsed once (undefined for a photo). */
export interface Answer {
  res: HttpResponse;
  env: FeishuEnvelope | undefined;
}

export type LogFn = NonNullable<FeishuClientOptions['log']>;

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/**
 * Default requests per second per endpoint. Requests are paced evenly at 48/s, under Feishu's
 * 50/s; retries of faults count against the same budget, so useful throughput tops out just under 48/s.
 */
export const DEFAULT_RATE_PER_SECOND = 48;
/** How long the rest of an endpoint holds after a lone jitter 429 (see onRateLimited). */
const JITTER_HOLD_MS = 150;
/** Contact endpoints also allow 1000/min (docs/feishu-api.md §2); kept a little under. */
export const DEFAULT_CONTACT_PER_MINUTE = 950;
// The directory API's per-minute limit is not documented [U]: it is kept like a contact endpoint's.
const CONTACT_KEYS: ReadonlySet<EndpointKey> = new Set(['departments.children', 'users.find_by_department', 'users.get', 'users.batch_get_id', 'directory.employees_filter']);
/**
 * The bot's message endpoints also allow 1000 calls a minute (docs/feishu-api.md §3.11). Whether that is per endpoint
 * or for both together is not documented [U]: they share one budget, the stricter reading.
 */
const MESSAGE_KEYS: ReadonlySet<EndpointKey> = new Set(['im.messages', 'message.batch_send']);
/**
 * Tokens fetched for one request and refused anyway before it ends in auth.token_invalid. Under token churn
 * a token just fetched is refused only when the server replaces it within one round trip, so three in a row
 * means the server refuses this app's tokens.
 */
const MAX_FRESH_REFUSALS = 3;

/** One request's way through its attempts. */
interface Attempt {
  spec: CallSpec;
  url: string;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
  /** false only for the token endpoint itself. */
  auth: boolean;
  attempt: number;
  tokenRefusals: number;
  freshRefusals: number;
  refused: Set<string>;
}

/** What one send gave: the answer, the token it carried, and when it left the queue. */
interface Sent {
  res: HttpResponse;
  token: string | undefined;
  /** The token was fetched while this request asked for it (not an older cached one). */
  fresh: boolean;
  sentAt: number;
}

/** A failed answer, judged. */
interface Failed {
  sent: Sent;
  kind: FailureKind;
  /** The failure to throw when it is final. */
  mapped: () => AppFailure;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, signal, () => cancelled());

function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = new URL(baseUrl + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /json/i.test(contentType);
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

/** The transport one client uses: limiter, token cache, counters and the dispatcher it may own. */
export class FeishuTransport {
  readonly baseUrl: string;
  readonly log: LogFn;
  readonly tokens: TokenCache;
  private readonly opts: FeishuClientOptions;
  private readonly timeoutMs: number;
  private readonly ratePerSecond: number;
  private readonly maxResponseBytes: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly ownDispatcher: Agent | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly limiter: EndpointLimiter;
  private readonly counters: ClientStats = { requests: {}, rateLimited: {}, retries: {}, tokenFetches: 0 };
  /** close() also ends retry waits, so no timer outlives the client (a CLI can exit at once). */
  private readonly closing = new AbortController();
  /** When each endpoint last got a 429 back: tells arrival jitter from a storm. */
  private readonly lastRateLimited = new Map<string, number>();
  private closed = false;

  constructor(opts: FeishuClientOptions) {
    this.opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.ratePerSecond = Math.max(1, opts.ratePerSecond ?? DEFAULT_RATE_PER_SECOND);
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 5));
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.log = opts.log ?? (() => undefined);
    this.ownDispatcher = opts.dispatcher ? undefined : new Agent({ connections: 64, keepAliveTimeout: 30_000 });
    this.dispatcher = opts.dispatcher ?? this.ownDispatcher!;
    this.limiter = this.makeLimiter();
    this.tokens = new TokenCache(() => this.fetchToken(), this.now);
  }

  private makeLimiter(): EndpointLimiter {
    const rate = this.ratePerSecond;
    // Raised above the documented rate (simulator, benchmarks), the minute budget keeps its ratio.
    const contactPerMinute = Math.max(
      1,
      this.opts.contactPerMinute ?? Math.max(DEFAULT_CONTACT_PER_MINUTE, Math.round((rate * DEFAULT_CONTACT_PER_MINUTE) / DEFAULT_RATE_PER_SECOND)),
    );
    return new EndpointLimiter({
      ratePerSecond: rate,
      concurrency: Math.min(64, Math.ceil(rate)),
      sleep: this.sleep,
      ...(this.opts.rateClock ? { clock: this.opts.rateClock } : {}),
      windowsFor: (key) =>
        CONTACT_KEYS.has(key as EndpointKey) ? [{ limit: contactPerMinute, spanMs: 60_000 }] : MESSAGE_KEYS.has(key as EndpointKey) ? [{ limit: DEFAULT_CONTACT_PER_MINUTE, spanMs: 60_000, shared: 'messages' }] : [],
    });
  }

  /**
   * One call with retries; `auth` false only for the token endpoint itself. Every failure leaves with the
   * app secret and the tokens blanked: Feishu or a gateway may echo the request in its msg.
   */
  async exchange(spec: CallSpec, signal: AbortSignal | undefined, auth = true): Promise<Answer> {
    try {
      return await this.attempts(spec, signal, auth);
    } catch (e) {
      throw isAppFailure(e) ? redactFailure(e, [this.opts.appSecret, ...this.tokens.known()]) : e;
    }
  }

  /** A JSON call whose `data` must fit `schema` (a missing or null `data` reads as `{}`). */
  async call<T>(spec: Omit<CallSpec, 'expect'>, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const { res, env } = await this.exchange({ ...spec, expect: 'json' }, signal);
    const logId = headerValue(res.headers, 'x-tt-logid');
    return parseAnswer(schema, env!.data ?? {}, spec.key, 'data', { httpStatus: res.status, ...(logId ? { logId } : {}) });
  }

  private async fetchToken(): Promise<IssuedToken> {
    this.counters.tokenFetches++;
    const { res, env } = await this.exchange(tokenSpec(this.opts.appId, this.opts.appSecret), undefined, false);
    // The token answer has its fields beside `code`, not under `data`.
    const answer = parseAnswer(TokenAnswerSchema, env, 'token', '', { httpStatus: res.status });
    this.log('info', 'feishu token fetched', { endpoint: 'token', expireSeconds: answer.expire });
    return { token: answer.tenant_access_token, expireSeconds: answer.expire };
  }

  private async attempts(spec: CallSpec, signal: AbortSignal | undefined, auth: boolean): Promise<Answer> {
    const body = spec.raw ? spec.raw.bytes : spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const a: Attempt = { spec, url: buildUrl(this.baseUrl, spec.path, spec.query), body, signal, auth, attempt: 0, tokenRefusals: 0, freshRefusals: 0, refused: new Set() };
    for (;;) {
      // A closed client (app shutting down) ends work the same way a cancel does.
      if (signal?.aborted || this.closed) throw cancelled();
      a.attempt++;
      const sent = await this.sendOrWait(a);
      if (!sent) continue;
      const { failure, env } = judge(spec, sent.res);
      if (failure === undefined) {
        this.log('debug', 'feishu request', { endpoint: spec.key, status: sent.res.status, attempt: a.attempt });
        return { res: sent.res, env };
      }
      await this.afterFailure(a, this.failed(a, sent, failure, env));
    }
  }

  /** Sends once; on a network error that is worth another try, waits and gives undefined. */
  private async sendOrWait(a: Attempt): Promise<Sent | undefined> {
    try {
      return await this.limiter.run(a.spec.key, () => this.sendNow(a), a.signal);
    } catch (e) {
      if (e instanceof HttpCancelled || e instanceof LimiterClosed || a.signal?.aborted || this.closed) throw cancelled();
      if (isAppFailure(e)) throw e;
      const kind = classifyNetworkError(e);
      this.log('warn', 'feishu request failed', { endpoint: a.spec.key, network: kind, attempt: a.attempt });
      if (kind === 'unreachable' || a.spec.once || a.attempt >= this.maxAttempts) throw networkFailure(kind, a.spec.key, e);
      this.bump(this.counters.retries, a.spec.key);
      await this.backoff(a.attempt, a.signal);
      return undefined;
    }
  }

  /** Runs when the request leaves the limiter's queue. */
  private async sendNow(a: Attempt): Promise<Sent> {
    const headers: Record<string, string> = {};
    if (a.spec.raw) headers['content-type'] = a.spec.raw.contentType;
    else if (a.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    let token: string | undefined;
    let fresh = false;
    if (a.auth) {
      // The token is taken when the request leaves the queue, not before it waits there: a token
      // the server replaced meanwhile would be refused on arrival, however often it is refreshed.
      const before = this.tokens.generation();
      token = await this.tokens.get(a.signal);
      fresh = this.tokens.generationOf(token) > before;
      headers.authorization = `Bearer ${token}`;
    }
    const sentAt = this.now();
    this.bump(this.counters.requests, a.spec.key);
    const { spec, url, body, signal } = a;
    const res = await sendOnce({ method: spec.method, url, headers, body, timeoutMs: this.timeoutMs, dispatcher: this.dispatcher, signal, maxBytes: this.maxResponseBytes });
    return { res, token, fresh, sentAt };
  }

  private failed(a: Attempt, sent: Sent, failure: AppFailure | null, env: FeishuEnvelope | undefined): Failed {
    const { res } = sent;
    // A damaged photo (cut short or garbled in transit) is worth downloading again, like a server fault.
    const kind = failure?.info.code === 'photo.corrupt' ? 'transient' : classifyAnswer(res.status, env);
    this.log(kind === 'final' ? 'warn' : 'info', 'feishu answer', {
      endpoint: a.spec.key,
      status: res.status,
      feishuCode: env?.code,
      logId: env?.error?.log_id ?? headerValue(res.headers, 'x-tt-logid'),
      attempt: a.attempt,
    });
    const mapped = () => failure ?? (a.auth ? mapFeishuError : mapTokenError)(res.status, env ?? res.bytes, res.headers);
    return { sent, kind, mapped };
  }

  /** Returns when the request should go again; throws when it is over. */
  private async afterFailure(a: Attempt, f: Failed): Promise<void> {
    if (f.kind === 'token' && a.auth && f.sent.token) return this.onTokenRefused(a, f);
    if (f.kind === 'rate') return this.onRateLimited(a, f);
    if (f.kind === 'transient') {
      if (a.spec.once || a.attempt >= this.maxAttempts) throw f.mapped();
      this.bump(this.counters.retries, a.spec.key);
      return this.backoff(a.attempt, a.signal);
    }
    throw f.mapped();
  }

  private onTokenRefused(a: Attempt, f: Failed): void {
    const token = f.sent.token!;
    this.tokens.drop(token);
    a.tokenRefusals++;
    if (f.sent.fresh) a.freshRefusals++;
    const again = a.refused.has(token);
    a.refused.add(token);
    // The refresh handed back the very token just refused, or tokens fetched for this request are refused
    // time after time: the credentials or the clock are wrong. Otherwise the server replaced its tokens
    // (expiry, churn) while this one was on its way: refresh and try again, within the usual bound.
    if (again || a.freshRefusals >= MAX_FRESH_REFUSALS || a.tokenRefusals > this.maxAttempts) throw f.mapped();
    // The refresh is not a transient failure: it does not use up an attempt.
    a.attempt--;
    this.bump(this.counters.retries, a.spec.key);
  }

  private async onRateLimited(a: Attempt, f: Failed): Promise<void> {
    const key = a.spec.key;
    const { res, sentAt } = f.sent;
    this.bump(this.counters.rateLimited, key);
    if (a.attempt >= this.maxAttempts) throw f.mapped();
    const resetMs = rateLimitResetMs(res.headers);
    const wait = resetMs + Math.round(Math.random() * 250);
    const announced = Number(headerValue(res.headers, 'x-ogw-ratelimit-limit') ?? NaN);
    this.limiter.learnLimit(key, Number.isFinite(announced) && announced > 0 ? announced : undefined, resetMs);
    this.bump(this.counters.retries, key);
    // Under a limit we already pace below, a 429 is arrival jitter (a few requests landed in the same
    // window at Feishu's gateway): this request waits the reset, the endpoint only holds briefly.
    // Requests already on their way when the first 429 came back land in that same crowded window,
    // so their 429s are part of the same event. A 429 for a request sent after an earlier 429 was
    // back (within the reset window), or a limit lower than our pace, is a real storm (something
    // else spends the app's budget too): the whole endpoint pauses for the reset, so it does not multiply.
    const t = this.now();
    const last = this.lastRateLimited.get(key);
    this.lastRateLimited.set(key, t);
    // Sent within the reset window after that 429 was back: the window it met was still the crowded one. A 429 a
    // second or more later met a new window: on a loaded machine such lone 429s come every second or two, and
    // taking each for a storm stopped the endpoint for a whole second each time (an import lost 5 % to it).
    const sentAfterEarlier429 = last !== undefined && sentAt > last && sentAt - last <= resetMs;
    const jitter = Number.isFinite(announced) && announced >= this.ratePerSecond && !sentAfterEarlier429;
    if (jitter) {
      this.limiter.pause(key, JITTER_HOLD_MS);
      return this.wait(wait, a.signal);
    }
    // Pause the whole endpoint, then queue again behind the pause.
    this.limiter.pause(key, wait);
  }

  /** Bounded exponential backoff with jitter (half to all of the ceiling). */
  private backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return this.wait(Math.round(ceiling * (0.5 + Math.random() * 0.5)), signal);
  }

  /** A retry wait that the caller's signal and close() both end. */
  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const closing = this.closing.signal;
    try {
      await this.sleep(ms, signal ? AbortSignal.any([signal, closing]) : closing);
    } catch (e) {
      // Whatever an injected sleep throws on abort, callers see one code.
      if (signal?.aborted || closing.aborted) throw cancelled();
      throw e;
    }
    if (closing.aborted) throw cancelled();
  }

  private bump(m: Record<string, number>, key: string): void {
    m[key] = (m[key] ?? 0) + 1;
  }

  stats(): ClientStats {
    const c = this.counters;
    return { requests: { ...c.requests }, rateLimited: { ...c.rateLimited }, retries: { ...c.retries }, tokenFetches: c.tokenFetches };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.limiter.close();
    this.tokens.clear();
    if (this.ownDispatcher) await this.ownDispatcher.close();
  }
}
