// Sending the reminders under Feishu's limits: the same text to many employees goes by batch_send, 200 user ids a
// call; a manager's message (different for each) goes one by one, paced so that no user ever gets more than one
// message per 200 ms (Feishu allows 5 a second to one user), and the client's limiter keeps the calls under
// 50/s and 1000/min. Every recipient ends up with one outcome; a failed one can be sent again on its own.
import { createHash } from 'node:crypto';
import { appError, isAppFailure, toAppError, type AppError } from '../../../shared/errors';
import type { RemindOutcome, RemindRecipient } from '../../../shared/remind';
import type { FeishuClient } from '../feishu/types';
import { sleep } from '../../util/sleep';
import { messageFor } from './message';
import { notEnabledFailure } from './not-enabled';

export const BATCH_SIZE = 200;
/** batch_send's own scope, on top of a message scope (docs/feishu-api.md §3.11). */
export const BATCH_USERS_SCOPE = 'im:message:send_multi_users';
/** Least time between two messages to the same user (Feishu: at most 5 a second to one user). */
export const PER_USER_GAP_MS = 200;
/** Single sends in flight at once; the client's limiter paces them further. */
const CONCURRENCY = 4;

export interface SendOptions {
  /** Ties the uuids of a run and its retries, so a repeated single send is delivered once. */
  runId: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Batch the same text where every recipient gets the same message (default true). */
  batch?: boolean;
  /** Told once when batch_send is refused for want of its own scope and the rest goes one by one. */
  onSingleFallback?: () => void;
  now?: () => number;
}

type Sender = Pick<FeishuClient, 'sendText' | 'batchSendText'>;

const sent = (r: RemindRecipient, messageId: string): RemindOutcome => ({ status: 'sent', userId: r.userId, name: r.name, messageId });
const failed = (r: RemindRecipient, error: AppError): RemindOutcome => ({ status: 'failed', userId: r.userId, name: r.name, error });

/** Feishu's uuid for one recipient of one run (≤ 50 characters). */
function uuidFor(runId: string, userId: string): string {
  return createHash('sha256').update(`${runId}\u0000${userId}`).digest('hex').slice(0, 32);
}

/** A failure that stops the whole run (the bot or a scope is missing) is thrown; any other is this recipient's. */
function ownFailure(e: unknown): AppError {
  const stop = notEnabledFailure(e);
  if (stop) throw stop;
  if (isAppFailure(e) && e.info.code === 'export.cancelled') throw e;
  return toAppError(e);
}

const INVALID_USER: AppError = {
  code: 'feishu.error',
  message: "Feishu will not deliver to this user: unknown, or outside the bot's availability",
  feishuMsg: 'invalid_user_ids',
};

async function sendBatches(client: Sender, recipients: readonly RemindRecipient[], text: string, o: SendOptions, out: RemindOutcome[]): Promise<void> {
  for (let i = 0; i < recipients.length; i += BATCH_SIZE) {
    if (o.signal?.aborted) throw appError('export.cancelled', 'Cancelled');
    const chunk = recipients.slice(i, i + BATCH_SIZE);
    try {
      const answer = await client.batchSendText(chunk.map((r) => r.userId), text, o.signal);
      const invalid = new Set(answer.invalidUserIds);
      for (const r of chunk) out.push(invalid.has(r.userId) ? failed(r, INVALID_USER) : sent(r, answer.messageId));
    } catch (e) {
      const error = ownFailure(e);
      for (const r of chunk) out.push(failed(r, error));
    }
    o.onProgress?.(out.length, recipients.length);
  }
}

/** True for batch_send's refusal when only its own scope is missing: single sends still work. */
function onlyBatchScopeMissing(e: unknown): boolean {
  if (!isAppFailure(e) || e.info.code !== 'scope.missing') return false;
  const scopes = e.info.scopes ?? [];
  return scopes.length > 0 && scopes.every((s) => s === BATCH_USERS_SCOPE);
}

/**
 * Batches, and when batch_send's own scope is missing, the rest one by one: slower (950 a minute), but every employee
 * still gets the reminder the admin confirmed. Each single send has its uuid, so nothing arrives twice.
 */
async function sendBatchesOrSingles(client: Sender, recipients: readonly RemindRecipient[], text: string, o: SendOptions, out: RemindOutcome[]): Promise<void> {
  try {
    await sendBatches(client, recipients, text, o, out);
  } catch (e) {
    if (!onlyBatchScopeMissing(e)) throw e;
    o.onSingleFallback?.();
    const done = new Set(out.map((r) => r.userId));
    const rest = recipients.filter((r) => !done.has(r.userId));
    // sendSingles counts `out`, which already holds the batches' outcomes; the total stays the whole run.
    const onProgress = o.onProgress && ((n: number) => o.onProgress!(n, recipients.length));
    await sendSingles(client, rest, text, { ...o, ...(onProgress ? { onProgress } : {}) }, out);
  }
}

/** Keeps PER_USER_GAP_MS between two messages to one user, within this process. */
export function perUserPacer(now: () => number = Date.now): (userId: string, signal?: AbortSignal) => Promise<void> {
  const last = new Map<string, number>();
  return async (userId, signal) => {
    const prev = last.get(userId);
    const wait = prev === undefined ? 0 : prev + PER_USER_GAP_MS - now();
    last.set(userId, Math.max(now(), (prev ?? 0) + PER_USER_GAP_MS));
    if (wait > 0) await sleep(wait, signal);
  };
}

const pacers = new WeakMap<Sender, ReturnType<typeof perUserPacer>>();

async function sendSingles(client: Sender, recipients: readonly RemindRecipient[], text: string, o: SendOptions, out: RemindOutcome[]): Promise<void> {
  const pace = pacers.get(client) ?? perUserPacer(o.now);
  pacers.set(client, pace);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < recipients.length) {
      if (o.signal?.aborted) throw appError('export.cancelled', 'Cancelled');
      const r = recipients[next++]!;
      await pace(r.userId, o.signal);
      try {
        out.push(sent(r, await client.sendText(r.userId, messageFor(text, r), uuidFor(o.runId, r.userId), o.signal)));
      } catch (e) {
        out.push(failed(r, ownFailure(e)));
      }
      o.onProgress?.(out.length, recipients.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, recipients.length) }, worker));
}

/**
 * Sends `text` to each recipient once; the outcomes come back in the recipients' order. Throws remind.not_enabled
 * (nothing more is sent) when the bot capability or a message scope is missing, export.cancelled on abort.
 */
export async function sendReminders(client: Sender, recipients: readonly RemindRecipient[], text: string, o: SendOptions): Promise<RemindOutcome[]> {
  const out: RemindOutcome[] = [];
  const unique = [...new Map(recipients.map((r) => [r.userId, r])).values()];
  const sameForAll = unique.every((r) => !r.reports?.length);
  if (sameForAll && o.batch !== false) await sendBatchesOrSingles(client, unique, text, o, out);
  else await sendSingles(client, unique, text, o, out);
  const order = new Map(unique.map((r, i) => [r.userId, i]));
  return out.sort((a, b) => order.get(a.userId)! - order.get(b.userId)!);
}

/** The recipients whose message failed, to send again (same run id: a single send that did arrive is not repeated). */
export function failedRecipients(recipients: readonly RemindRecipient[], outcomes: readonly RemindOutcome[]): RemindRecipient[] {
  const failedIds = new Set(outcomes.filter((o) => o.status === 'failed').map((o) => o.userId));
  return recipients.filter((r) => failedIds.has(r.userId));
}
