// Reminders to enrol a face photo (issue #14): the plan (who gets a message), the words, and the sending.
export { planReminders } from './recipients';
export { defaultRemindText, messageFor } from './message';
export { failedRecipients, perUserPacer, sendReminders, BATCH_SIZE, BATCH_USERS_SCOPE, PER_USER_GAP_MS, type SendOptions } from './send';
export { notEnabledFailure } from './not-enabled';
export { remindPlan, type PlanDeps } from './plan';
