// The bot's message endpoints (docs/feishu-api.md §3.11): one message to one user (im/v1/messages) and the same
// message to up to 200 users (message/v4/batch_send). The gateway has checked the token; scopes and the bot
// capability are checked here because the message scope is "any one of two" and the batch needs a third.
// Every message delivered is counted per recipient, so tests can assert exactly-once delivery and the limits.
import { SlidingWindow } from '../util/sliding-window';
import { ApiError, ok, parseJson, type HandlerContext, type Reply, type RouteRequest } from './reply';
import type { SimMessages } from './types';

/** Either one lets an app's bot send (Feishu accepts any one of them). */
export const SCOPE_MESSAGE = 'im:message:send_as_bot';
export const SCOPE_MESSAGE_FULL = 'im:message';
/** Needed on top of a message scope for batch_send to users. */
export const SCOPE_BATCH_USERS = 'im:message:send_multi_users';
/** Recipients one batch_send call may name. */
export const BATCH_MAX_USERS = 200;
/** Messages one user may receive from the app in a sliding second. */
export const PER_USER_PER_SECOND = 5;

interface MessageStore {
  delivered: Map<string, number>;
  texts: Map<string, string[]>;
  windows: Map<string, SlidingWindow>;
  largestBatch: number;
  perUserOver: number;
  seq: number;
  /** uuid → message_id: a repeated request with the same uuid is answered again, not delivered again. */
  byUuid: Map<string, string>;
}

const stores = new WeakMap<HandlerContext, MessageStore>();

function storeOf(ctx: HandlerContext): MessageStore {
  let s = stores.get(ctx);
  if (!s) {
    s = { delivered: new Map(), texts: new Map(), windows: new Map(), largestBatch: 0, perUserOver: 0, seq: 0, byUuid: new Map() };
    stores.set(ctx, s);
  }
  return s;
}

/** What the bot delivered so far (a copy). */
export function messageLog(ctx: HandlerContext): SimMessages {
  const s = storeOf(ctx);
  return {
    delivered: Object.fromEntries(s.delivered),
    texts: Object.fromEntries([...s.texts].map(([k, v]) => [k, [...v]])),
    largestBatch: s.largestBatch,
    perUserOver: s.perUserOver,
  };
}

export function resetMessageLog(ctx: HandlerContext): void {
  stores.delete(ctx);
}

function missingScope(subjects: string[]): ApiError {
  return new ApiError(400, 99991672, `Access denied. One of the following scopes is required: [${subjects.join(', ')}].`, {
    permission_violations: subjects.map((subject) => ({ type: 'action_privilege_required', subject, description: subject })),
  });
}

/** Scope and bot checks, in Feishu's order: the scope first (gateway), then the bot capability (the IM service). */
function checkSender(ctx: HandlerContext, batch: boolean): void {
  const missing = new Set(ctx.switches.missingScopes);
  if (missing.has(SCOPE_MESSAGE) && missing.has(SCOPE_MESSAGE_FULL)) throw missingScope([SCOPE_MESSAGE_FULL, SCOPE_MESSAGE]);
  if (batch && missing.has(SCOPE_BATCH_USERS)) throw missingScope([SCOPE_BATCH_USERS]);
  if (!ctx.switches.botEnabled) throw new ApiError(400, 230006, 'Bot ability is not activated.');
}

/** Text of a text or post message, for the log; undefined when the content does not fit the type. */
function textOf(msgType: unknown, content: unknown): string | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const c = content as { text?: unknown; post?: unknown };
  if (msgType === 'text') return typeof c.text === 'string' && c.text.trim() !== '' ? c.text : undefined;
  if (msgType === 'post') return c.post && typeof c.post === 'object' ? JSON.stringify(c.post) : undefined;
  return undefined;
}

type Fate = 'deliver' | 'unknown' | 'unavailable';

function fateOf(ctx: HandlerContext, userId: string): Fate {
  const u = ctx.index.usersById.get(userId);
  if (!u) return 'unknown';
  // [U] A resigned employee is outside every bot's availability.
  if (u.status.is_resigned || ctx.switches.botUnavailableUserIds.has(userId)) return 'unavailable';
  return 'deliver';
}

/** Counts one message to a user against the per-user window; false when it would be over the limit. */
function withinUserLimit(s: MessageStore, userId: string, t: number): boolean {
  const w = s.windows.get(userId) ?? new SlidingWindow(1000);
  s.windows.set(userId, w);
  if (w.count(t) >= PER_USER_PER_SECOND) {
    s.perUserOver++;
    return false;
  }
  w.add(t);
  return true;
}

function deliver(s: MessageStore, userId: string, text: string): string {
  s.delivered.set(userId, (s.delivered.get(userId) ?? 0) + 1);
  s.texts.set(userId, [...(s.texts.get(userId) ?? []), text]);
  s.seq++;
  return `om_sim${s.seq.toString(16).padStart(12, '0')}`;
}

/** POST im/v1/messages?receive_id_type=user_id: content is a JSON string, as Feishu wants it. */
export function handleSendMessage(ctx: HandlerContext, req: RouteRequest): Reply {
  checkSender(ctx, false);
  const idType = req.query.get('receive_id_type');
  if (idType !== 'user_id') throw new ApiError(400, 230001, 'Your request contains an invalid request parameter: receive_id_type must be user_id here.');
  const body = parseJson(req.body) as { receive_id?: unknown; msg_type?: unknown; content?: unknown; uuid?: unknown } | null | undefined;
  if (!body || typeof body.receive_id !== 'string' || body.receive_id === '') throw new ApiError(400, 230001, 'Your request contains an invalid request parameter: receive_id is required.');
  let content: unknown;
  try {
    content = typeof body.content === 'string' ? JSON.parse(body.content) : undefined;
  } catch {
    content = undefined;
  }
  const text = textOf(body.msg_type, content);
  if (text === undefined) throw new ApiError(400, 230001, 'Your request contains an invalid request parameter: content does not match msg_type.');
  const userId = body.receive_id;
  const fate = fateOf(ctx, userId);
  if (fate === 'unknown') throw new ApiError(400, 230001, `Your request contains an invalid request parameter: invalid receive_id ${userId}.`);
  if (fate === 'unavailable') throw new ApiError(400, 230013, 'Bot has NO availability to this user.');
  const s = storeOf(ctx);
  const uuid = typeof body.uuid === 'string' && body.uuid !== '' ? body.uuid : undefined;
  const earlier = uuid === undefined ? undefined : s.byUuid.get(uuid);
  if (earlier) return ok({ message_id: earlier, msg_type: body.msg_type });
  if (!withinUserLimit(s, userId, Date.now())) throw new ApiError(400, 230020, 'This operation triggers the frequency limit.');
  const messageId = deliver(s, userId, text);
  if (uuid !== undefined) s.byUuid.set(uuid, messageId);
  return ok({ message_id: messageId, msg_type: body.msg_type, create_time: String(Date.now()), sender: { sender_type: 'app' } });
}

/**
 * POST message/v4/batch_send/: the same message to up to 200 user_ids. Asynchronous at Feishu; here it is
 * delivered at once. Unknown or unavailable ids come back in invalid_user_ids and receive nothing.
 */
export function handleBatchSend(ctx: HandlerContext, req: RouteRequest): Reply {
  checkSender(ctx, true);
  const body = parseJson(req.body) as { user_ids?: unknown; msg_type?: unknown; content?: unknown } | null | undefined;
  const ids = body && Array.isArray(body.user_ids) ? body.user_ids : undefined;
  if (!ids || ids.length === 0 || !ids.every((x): x is string => typeof x === 'string' && x !== '')) throw new ApiError(400, 10003, 'Invalid parameter: user_ids is required.');
  const s = storeOf(ctx);
  s.largestBatch = Math.max(s.largestBatch, ids.length);
  if (ids.length > BATCH_MAX_USERS) throw new ApiError(400, 10003, `Invalid parameter: at most ${BATCH_MAX_USERS} user_ids a call.`);
  const text = textOf(body!.msg_type, body!.content);
  if (text === undefined) throw new ApiError(400, 10003, 'Invalid parameter: content does not match msg_type.');
  const invalid: string[] = [];
  const t = Date.now();
  for (const id of new Set(ids)) {
    if (fateOf(ctx, id) !== 'deliver') invalid.push(id);
    // [U] Feishu queues a batch; the simulator delivers it now and only records a breach of the per-user limit.
    else {
      withinUserLimit(s, id, t);
      deliver(s, id, text);
    }
  }
  s.seq++;
  return ok({ message_id: `bm_sim${s.seq.toString(16).padStart(12, '0')}`, invalid_department_ids: [], invalid_open_ids: [], invalid_user_ids: invalid });
}
