// A message call refused because the app cannot send at all: the bot capability is off (230006, mapped to
// remind.bot_disabled) or a message scope is missing (scope.missing, naming it). Either stops the whole run.
import { appError, isAppFailure, type AppFailure } from '../../../shared/errors';

/** Feishu: "Bot ability is not activated." */
export const BOT_NOT_ACTIVATED = 230006;

/** The failure that stops a run, for one that means the app cannot send; undefined for any other. */
export function notEnabledFailure(e: unknown): AppFailure | undefined {
  if (!isAppFailure(e)) return undefined;
  const { info } = e;
  if (info.feishuCode === BOT_NOT_ACTIVATED) {
    return appError('remind.bot_disabled', "The app's bot capability is not enabled", { feishuCode: info.feishuCode, ...(info.logId ? { logId: info.logId } : {}) });
  }
  return info.code === 'scope.missing' ? e : undefined;
}
