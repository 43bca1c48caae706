// Tenant access tokens: issue, reuse until less than 30 minutes are left, expiry, churn, and the
// token endpoint itself (auth/v3/tenant_access_token/internal).
import { createRng } from './rng';
import { ApiError, parseJson, type HandlerContext, type Reply } from './reply';
import type { SimStats, SimulatorSwitches } from './types';

const RENEW_BELOW_MS = 30 * 60 * 1000;

interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenBookOptions {
  seed: number;
  appId: string;
  appSecret: string;
  tokenTtlMs: number;
  now: () => number;
  switches: SimulatorSwitches;
  stats: SimStats;
}

export interface TokenBook {
  readonly appId: string;
  readonly appSecret: string;
  /** The token to hand out now: the longest-lived live one, or a new one when it has under 30 minutes left. */
  current(): { token: string; expiresInMs: number };
  /** Is this a live token the tenant issued (and not refused by refuseAllTokens)? */
  valid(value: string): boolean;
  /** Expire every issued token now. */
  expireAll(): void;
  /** Every token issued since start. */
  everIssued(): string[];
}

export function createTokenBook(o: TokenBookOptions): TokenBook {
  const rng = createRng(o.seed ^ 0x7f4a7c15);
  const tokens: IssuedToken[] = [];
  const issued: string[] = [];
  const issue = (): IssuedToken => {
    const t0 = o.now();
    const t: IssuedToken = { token: `t-g${rng.hex(6)}${rng.hex(32).toUpperCase()}`, issuedAt: t0, expiresAt: t0 + o.tokenTtlMs };
    tokens.push(t);
    issued.push(t.token);
    o.stats.tokensIssued++;
    // Keep the list short: expired tokens can never be valid again.
    for (let i = tokens.length - 1; i >= 0; i--) if ((tokens[i] as IssuedToken).expiresAt <= t0 && tokens[i] !== t) tokens.splice(i, 1);
    return t;
  };
  /** Not expired, and (under token churn) issued since the last churn tick; a churned token stays dead. */
  const alive = (t: IssuedToken, t0: number): boolean => {
    const every = o.switches.tokenChurnMs;
    if (every > 0 && Math.floor(t.issuedAt / every) !== Math.floor(t0 / every)) t.expiresAt = Math.min(t.expiresAt, t0);
    return t.expiresAt > t0;
  };
  return {
    appId: o.appId,
    appSecret: o.appSecret,
    current() {
      const t0 = o.now();
      let best = tokens.filter((t) => alive(t, t0)).sort((a, b) => b.expiresAt - a.expiresAt)[0];
      if (!best || best.expiresAt - t0 < RENEW_BELOW_MS) best = issue();
      return { token: best.token, expiresInMs: best.expiresAt - t0 };
    },
    valid(value) {
      const t0 = o.now();
      return !o.switches.refuseAllTokens && tokens.some((t) => t.token === value && alive(t, t0));
    },
    expireAll() {
      const t0 = o.now();
      for (const t of tokens) t.expiresAt = Math.min(t.expiresAt, t0);
    },
    everIssued: () => [...issued],
  };
}

/** POST auth/v3/tenant_access_token/internal with { app_id, app_secret }. */
export function handleToken(ctx: HandlerContext, req: { body: Buffer }): Reply {
  const parsed = parseJson(req.body) as { app_id?: unknown; app_secret?: unknown } | null | undefined;
  if (!parsed || typeof parsed !== 'object' || typeof parsed.app_id !== 'string' || typeof parsed.app_secret !== 'string' || !parsed.app_id) {
    throw new ApiError(400, 10003, 'invalid param');
  }
  const { switches, tokens } = ctx;
  if (switches.appNotInstalled) throw new ApiError(400, 99991662, 'app is not installed in this tenant or has been disabled');
  if (switches.badSecret || parsed.app_id !== tokens.appId || parsed.app_secret !== tokens.appSecret) throw new ApiError(400, 10014, 'app secret invalid');
  const t = tokens.current();
  return { status: 200, json: { code: 0, msg: 'ok', tenant_access_token: t.token, expire: Math.floor(t.expiresInMs / 1000) } };
}
