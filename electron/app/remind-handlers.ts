// The coverage view's "Remind" dialog (提醒录入): the plan (who would get a message, the default text) and the
// send after the admin confirmed. The plan stays here behind a token, so the renderer can only send what it
// showed; "retry failed" sends again, with the same run id, to the recipients whose message failed.
import { randomUUID } from 'node:crypto';
import { appError } from '../../shared/errors';
import type { Handlers } from '../../shared/ipc';
import type { RemindOutcome, RemindPlan } from '../../shared/remind';
import { defaultRemindText, failedRecipients, remindPlan, sendReminders } from '../core/remind/index';
import type { Core } from '../core/types';
import type { AuditTrail } from './audit-trail';
import type { AppHost } from './host';

type RemindKeys = 'remindPlan' | 'remindSend';

interface Planned {
  core: Core;
  plan: RemindPlan;
  runId: string;
  /** Each recipient's latest outcome. */
  outcomes: Map<string, RemindOutcome>;
  sending: boolean;
}

/** Plans kept at once: a dialog needs one; a few cover dialogs opened and abandoned. */
const KEEP = 8;

/** Progress events at most this often: a batch of 200 is one step, single sends many small ones. */
const PROGRESS_EVERY_MS = 200;

export function remindHandlers(requireCore: () => Promise<Core>, audit: Pick<AuditTrail, 'record'>, emit: AppHost['emit']): Pick<Handlers, RemindKeys> {
  const plans = new Map<string, Planned>();
  return {
    async remindPlan({ selection, to, lang }) {
      const core = await requireCore();
      const plan = await remindPlan(core, selection, to);
      const token = randomUUID();
      plans.set(token, { core, plan, runId: token, outcomes: new Map(), sending: false });
      while (plans.size > KEEP) plans.delete(plans.keys().next().value!);
      return { token, plan, text: defaultRemindText(lang, to) };
    },

    async remindSend({ token, text, only }) {
      const p = plans.get(token);
      // A plan of another session (signed out, switched tenant) or an unknown token is never sent.
      if (!p || p.core !== (await requireCore())) throw appError('input.invalid', 'This reminder is no longer known: open the dialog again');
      if (p.sending) throw appError('input.invalid', 'This reminder is being sent already');
      const recipients = only === 'failed' ? failedRecipients(p.plan.recipients, [...p.outcomes.values()]) : p.plan.recipients;
      // Sent once: a second "send" of the same plan only retries the failed ones.
      if (only === 'all' && p.outcomes.size > 0) throw appError('input.invalid', 'This reminder was sent already: retry the failed ones instead');
      p.sending = true;
      try {
        let last = 0;
        const onProgress = (done: number, total: number) => {
          const now = Date.now();
          if (done < total && now - last < PROGRESS_EVERY_MS) return;
          last = now;
          emit('remindProgress', { token, done, total });
        };
        emit('remindProgress', { token, done: 0, total: recipients.length });
        const outcomes = await sendReminders(p.core.client, recipients, text, { runId: p.runId, onProgress });
        for (const o of outcomes) p.outcomes.set(o.userId, o);
        const failed = outcomes.filter((o) => o.status === 'failed').length;
        await audit.record('remind.send', { to: p.plan.to, recipients: recipients.length, sent: outcomes.length - failed, failed, retry: only === 'failed', via: 'app' });
        return { outcomes: p.plan.recipients.map((r) => p.outcomes.get(r.userId)).filter((o): o is RemindOutcome => o !== undefined) };
      } finally {
        p.sending = false;
      }
    },
  };
}
