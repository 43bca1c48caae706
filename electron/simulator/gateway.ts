// The gateway in front of every endpoint, in Feishu's order: resets and hangs, per-endpoint rate windows
// (50/s, plus the contact API's per-minute quota), IP allow-list, bearer token, scope, echoed-credential
// errors, injected 500s; after the handler, damaged downloads.
import { SlidingWindow } from '../util/sliding-window';
import type { Chaos, Faults } from './faults';
import { ApiError, type Reply, type RouteRequest } from './reply';
import type { TokenBook } from './tokens';
import type { SimStats, SimulatorSwitches } from './types';

export const SCOPE_ATTENDANCE = 'attendance:rule:readonly';
export const SCOPE_CONTACT = 'contact:contact.base:readonly';
/** The write scope: photo upload and user_settings/modify need it, reads do not. */
export const SCOPE_ATTENDANCE_WRITE = 'attendance:rule';
const WRITE_KEYS: ReadonlySet<string> = new Set(['files.upload', 'user_settings.modify']);

const isLimit = (n: number): boolean => n > 0 && Number.isFinite(n);

/** Per-endpoint rate windows: a 429 reply when one is full, else undefined (and the request is counted). */
function rateWindows(switches: SimulatorSwitches): (req: RouteRequest) => Reply | undefined {
  const secondWindows = new Map<string, SlidingWindow>();
  const minuteWindows = new Map<string, SlidingWindow>();
  const windowOf = (map: Map<string, SlidingWindow>, key: string, ms: number): SlidingWindow => {
    const w = map.get(key) ?? new SlidingWindow(ms);
    map.set(key, w);
    return w;
  };
  return (req) => {
    // Wall clock, not the tenant clock: rate windows are about real request bursts.
    const t = Date.now();
    const limitedBy = (w: SlidingWindow, max: number): Reply => ({
      status: 429,
      json: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': String(max), 'x-ogw-ratelimit-reset': String(w.resetSeconds(t)) },
    });
    const perSecond = switches.rateLimitPerSecond;
    const perMinute = switches.contactPerMinute;
    const second = isLimit(perSecond) ? windowOf(secondWindows, req.key, 1000) : undefined;
    if (second && second.count(t) >= perSecond) return limitedBy(second, perSecond);
    // Message calls share one per-app minute budget across both endpoints.
    const perMinuteHere = req.kind === 'im' ? switches.messagePerMinute : perMinute;
    const minuteKey = req.kind === 'im' ? 'im' : req.key;
    const minute = (req.kind === 'contact' || req.kind === 'im') && isLimit(perMinuteHere) ? windowOf(minuteWindows, minuteKey, 60_000) : undefined;
    if (minute && minute.count(t) >= perMinuteHere) return limitedBy(minute, perMinuteHere);
    second?.add(t);
    minute?.add(t);
    return undefined;
  };
}

/** IP allow-list, bearer token and scope checks for the contact and attendance APIs. */
function checkAccess(req: RouteRequest, switches: SimulatorSwitches, tokens: TokenBook): void {
  if (switches.ipDenied) throw new ApiError(400, 99991401, 'ip 127.0.0.1 is denied by app setting');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new ApiError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
  const token = m[1] as string;
  const invalidStatus = switches.tokenInvalidHttp200 ? 200 : 400;
  // Tenant tokens start with "t-"; anything else is refused before it is looked up.
  if (!token.startsWith('t-')) throw new ApiError(invalidStatus, 99991671, 'Invalid access token format. Token must start with "t-" or "u-".');
  if (!tokens.valid(token)) {
    if (req.kind === 'attendance' && switches.attendanceTokenInvalidCode === 1220002) throw new ApiError(400, 1220002, 'tenant_id is empty');
    throw new ApiError(invalidStatus, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
  }
  // The message endpoints check their own scopes (any one of two, plus the batch scope): messages.ts.
  if (req.kind === 'im') return;
  // Checked before the handler reads the body: a write with an invalid body still says the scope is missing.
  const scope = WRITE_KEYS.has(req.key) ? SCOPE_ATTENDANCE_WRITE : req.kind === 'attendance' ? SCOPE_ATTENDANCE : SCOPE_CONTACT;
  if (switches.missingScopes.includes(scope)) {
    throw new ApiError(400, 99991672, `Access denied. One of the following scopes is required: [${scope}].`, {
      permission_violations: [{ type: 'action_privilege_required', subject: scope, description: scope }],
    });
  }
}

/** A validation error whose msg echoes the request's credentials, as some gateways and Feishu answers do. */
const echoError = (req: RouteRequest, tokens: TokenBook): ApiError =>
  new ApiError(
    400,
    99992402,
    `field validation failed: header Authorization=${req.headers.authorization ?? ''}; app_id=${tokens.appId}; app_secret=${tokens.appSecret}; body=${req.body.toString('utf8').slice(0, 300)}`,
  );

export interface GatewayDeps {
  switches: SimulatorSwitches;
  stats: SimStats;
  tokens: TokenBook;
  faults: Faults;
}

export interface Gateway {
  /** Before the handler: a reply to send instead (reset, hang, 429), undefined to go on; throws ApiError. */
  screen(req: RouteRequest, chaos: Chaos): Reply | undefined;
  /** After the handler: the reply as sent (downloads may be cut short or damaged). */
  pass(reply: Reply, chaos: Chaos): Reply;
}

export function createGateway({ switches, stats, tokens, faults }: GatewayDeps): Gateway {
  const rateLimited = rateWindows(switches);
  return {
    screen(req, chaos) {
      stats.requests[req.key] = (stats.requests[req.key] ?? 0) + 1;
      const dropped = faults.dropped(chaos);
      if (dropped) return dropped;
      if (req.kind !== 'token') {
        const limited = rateLimited(req);
        if (limited) {
          stats.rateLimited[req.key] = (stats.rateLimited[req.key] ?? 0) + 1;
          return limited;
        }
        checkAccess(req, switches, tokens);
      }
      if (switches.echoCredentialsOn.has(req.key)) throw echoError(req, tokens);
      faults.maybeFail(req, chaos);
      return undefined;
    },
    pass: (reply, chaos) => faults.damageDownload(reply, chaos),
  };
}
