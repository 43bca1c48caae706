// The bot's message endpoints (docs/feishu-api.md §3.11): one text message to one user, and one text message
// to up to 200 users. Both need the app's bot capability and a message scope; the batch also
// im:message:send_multi_users.
//
// Retries: a single send carries a uuid, by which Feishu delivers a repeated request at most once within an hour,
// so the transport may retry it after a reset or a 5xx. A batch has no such key [U]: it is sent once (only a
// 429, which refused it before delivery, is retried), and an uncertain answer is reported as a failure.
import { z } from 'zod';
import type { FeishuTransport } from '../transport';

export const BATCH_MAX_USERS = 200;

const SendAnswerSchema = z.looseObject({ message_id: z.string().min(1) });
const BatchAnswerSchema = z.looseObject({
  message_id: z.string().min(1),
  invalid_user_ids: z.array(z.string()).nullish(),
});

export interface BatchAnswer {
  messageId: string;
  /** Ids Feishu will not deliver to (unknown, or outside the bot's availability). */
  invalidUserIds: string[];
}

/** A text message to one user (user_id); answers Feishu's message_id. `uuid` makes a retried request deliver once. */
export async function sendText(t: FeishuTransport, userId: string, text: string, uuid: string, signal?: AbortSignal): Promise<string> {
  const answer = await t.call(
    {
      key: 'im.messages',
      method: 'POST',
      path: '/open-apis/im/v1/messages',
      query: { receive_id_type: 'user_id' },
      body: { receive_id: userId, msg_type: 'text', content: JSON.stringify({ text }), uuid },
    },
    SendAnswerSchema,
    signal,
  );
  return answer.message_id;
}

/** The same text message to up to 200 users (user_ids); sent once, see above. */
export async function batchSendText(t: FeishuTransport, userIds: readonly string[], text: string, signal?: AbortSignal): Promise<BatchAnswer> {
  if (userIds.length === 0 || userIds.length > BATCH_MAX_USERS) throw new RangeError(`batch_send takes 1 to ${BATCH_MAX_USERS} users, not ${userIds.length}`);
  const answer = await t.call(
    {
      key: 'message.batch_send',
      method: 'POST',
      path: '/open-apis/message/v4/batch_send/',
      body: { user_ids: userIds, msg_type: 'text', content: { text } },
      once: true,
    },
    BatchAnswerSchema,
    signal,
  );
  return { messageId: answer.message_id, invalidUserIds: answer.invalid_user_ids ?? [] };
}
