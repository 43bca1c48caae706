// tenant_access_token cache: refreshed 3 min before expiry (as the official SDKs do), one shared
// fetch for concurrent callers, and a drop that only forgets the token the caller actually used.
import { isAppFailure, isTransient } from '../../../shared/errors';
import { withSignal } from '../../util/abort';
import { cancelled } from './errors';

export interface IssuedToken {
  token: string;
  /** Lifetime in seconds as Feishu reported it. */
  expireSeconds: number;
}

const EARLY_REFRESH_MS = 3 * 60 * 1000;
/** Recently issued tokens remembered for redaction (an error can echo one that was just replaced). */
const KNOWN_TOKENS = 8;
/** After a failed early refresh, the old token is used this long before the next try. */
const REFRESH_RETRY_MS = 15 * 1000;

export class TokenCache {
  private current: { token: string; refreshAt: number; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  /** Counts successful fetches; each recent token remembers the count it was fetched at. */
  private fetches = 0;
  private readonly recent: { token: string; generation: number }[] = [];

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  /**
   * The cached token, or the shared in-flight fetch. The caller's signal only stops its own wait.
   * When an early refresh fails for a transient reason (network, 5xx, rate limit) while the old
   * token has not expired yet, the old token is used until it really expires.
   */
  get(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const cur = this.current;
    if (cur && this.now() < cur.refreshAt) return Promise.resolve(cur.token);
    if (!this.inflight) {
      const started = this.now();
      this.inflight = this.fetchToken()
        .then(({ token, expireSeconds }) => {
          const lifeMs = Math.max(0, expireSeconds) * 1000;
          // Short-lived tokens (tests, odd tenants) would otherwise be refreshed on every call.
          const useFor = lifeMs > 2 * EARLY_REFRESH_MS ? lifeMs - EARLY_REFRESH_MS : lifeMs / 2;
          this.current = { token, refreshAt: started + useFor, expiresAt: started + lifeMs };
          this.remember(token);
          return token;
        })
        .catch((e: unknown) => {
          const old = this.current;
          const t = this.now();
          if (old && t < old.expiresAt && isAppFailure(e) && isTransient(e.info.code)) {
            old.refreshAt = Math.min(old.expiresAt, t + REFRESH_RETRY_MS);
            return old.token;
          }
          throw e;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return withAbort(this.inflight, signal);
  }

  /** How many tokens were fetched so far: compare with generationOf() to tell a token fetched since. */
  generation(): number {
    return this.fetches;
  }

  /** The generation a recent token was fetched at (0 when it is not among the recent ones). */
  generationOf(token: string): number {
    return this.recent.find((r) => r.token === token)?.generation ?? 0;
  }

  /** The recently issued tokens, for redaction. */
  known(): string[] {
    return this.recent.map((r) => r.token);
  }

  private remember(token: string): void {
    this.fetches++;
    const i = this.recent.findIndex((r) => r.token === token);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push({ token, generation: this.fetches });
    if (this.recent.length > KNOWN_TOKENS) this.recent.shift();
  }

  /** Forgets `token` if it is still the cached one; a newer token fetched meanwhile is kept. */
  drop(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  clear(): void {
    this.current = undefined;
  }
}

export function withAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  return withSignal(p, signal, () => cancelled());
}
