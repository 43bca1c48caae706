// Reminders in core, over loopback against the simulator: the plan (who, grouped by manager), sending each
// recipient once, failures per recipient with Feishu's code, retry of the failed ones only, a repeated single
// send delivered once (uuid), and the per-user pacing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Employee } from '../../../shared/model';
import { startRig, type CoreRig } from '../core.testkit';
import type { CoverageRow } from '../coverage';
import { failedRecipients, perUserPacer, planReminders, remindPlan, sendReminders, PER_USER_GAP_MS } from './index';

let rig: CoreRig;
beforeAll(async () => {
  rig = await startRig({ seed: 3, employees: 120, enrolledShare: 0.6 });
});
afterAll(() => rig.close());
beforeEach(() => {
  rig.sim.resetStats();
  rig.sim.switches.botUnavailableUserIds.clear();
});

const emp = (userId: string, managerId?: string, resigned = false): Employee => ({
  userId, name: `N${userId}`, enName: '', employeeNo: `E${userId}`, email: '', mobile: '', departmentIds: [], departmentNames: [], groupNames: [], resigned, jobTitle: '',
  ...(managerId ? { managerId } : {}),
});
const row = (userId: string, status: CoverageRow['status']): CoverageRow => ({
  userId, name: `N${userId}`, employeeNo: `E${userId}`, departmentPath: '', manager: '', email: '', mobile: '', groups: '', status, updatedAt: null,
});

describe('remind plan', () => {
  it('asks only the not enrolled; managers get one message each listing their reports; a resigned or unknown manager leaves them without one', () => {
    const everyone = [emp('m1'), emp('m2', undefined, true), emp('a', 'm1'), emp('b', 'm1'), emp('c', 'm2'), emp('d'), emp('e', 'm1')];
    const rows = [row('a', 'not_enrolled'), row('b', 'not_enrolled'), row('c', 'not_enrolled'), row('d', 'not_enrolled'), row('e', 'enrolled'), row('m1', 'not_visible')];
    expect(planReminders(rows, everyone, 'employees')).toMatchObject({ recipients: [{ userId: 'a' }, { userId: 'b' }, { userId: 'c' }, { userId: 'd' }], skipped: 2 });
    const managers = planReminders(rows, everyone, 'managers');
    expect(managers.recipients).toEqual([{ userId: 'm1', name: 'Nm1', employeeNo: 'Em1', reports: [{ userId: 'a', name: 'Na', employeeNo: 'Ea' }, { userId: 'b', name: 'Nb', employeeNo: 'Eb' }] }]);
    expect(managers.withoutManager.map((p) => p.userId)).toEqual(['c', 'd']);
  });
});

describe('remind send', () => {
  it('reports a failure per recipient with Feishu code; retrying the failed ones with the same run sends each recipient once in all', async () => {
    const plan = await remindPlan(rig.core, { scope: { kind: 'all' } }, 'managers');
    expect(plan.recipients.length).toBeGreaterThan(3);
    const unlucky = plan.recipients.slice(0, 2).map((r) => r.userId);
    for (const id of unlucky) rig.sim.switches.botUnavailableUserIds.add(id);
    const first = await sendReminders(rig.core.client, plan.recipients, 'text', { runId: 'run-1' });
    expect(first.map((o) => o.userId)).toEqual(plan.recipients.map((r) => r.userId));
    expect(first.filter((o) => o.status === 'failed').map((o) => [o.userId, o.status === 'failed' && o.error.feishuCode])).toEqual(unlucky.map((id) => [id, 230013]));

    rig.sim.switches.botUnavailableUserIds.clear();
    const retry = failedRecipients(plan.recipients, first);
    expect(retry.map((r) => r.userId)).toEqual(unlucky);
    const second = await sendReminders(rig.core.client, retry, 'text', { runId: 'run-1' });
    expect(second.every((o) => o.status === 'sent')).toBe(true);
    expect(rig.sim.messages().delivered).toEqual(Object.fromEntries(plan.recipients.map((r) => [r.userId, 1])));
    expect(rig.sim.messages().perUserOver).toBe(0);
  });

  it('a single send repeated in the same run (an answer lost on the way) is delivered once', async () => {
    const plan = await remindPlan(rig.core, { scope: { kind: 'all' } }, 'managers');
    const one = plan.recipients.slice(0, 1);
    await sendReminders(rig.core.client, one, 'text', { runId: 'run-2' });
    await sendReminders(rig.core.client, one, 'text', { runId: 'run-2' });
    expect(rig.sim.messages().delivered).toEqual({ [one[0]!.userId]: 1 });
  });

  it('employees named by id: batch_send; an id Feishu lists as invalid fails alone', async () => {
    const plan = await remindPlan(rig.core, { scope: { kind: 'all' } }, 'employees');
    const [bad, ...good] = plan.recipients.slice(0, 4);
    rig.sim.switches.botUnavailableUserIds.add(bad!.userId);
    const out = await sendReminders(rig.core.client, [bad!, ...good], 'hello', { runId: 'run-3' });
    expect(out.map((o) => o.status)).toEqual(['failed', 'sent', 'sent', 'sent']);
    expect(rig.calls('message.batch_send')).toBe(1);
    expect(rig.calls('im.messages')).toBe(0);
  });

  it('paces two messages to the same user at least 200 ms apart', async () => {
    const pace = perUserPacer();
    const t0 = Date.now();
    await pace('u1');
    await pace('u2');
    expect(Date.now() - t0).toBeLessThan(PER_USER_GAP_MS / 2);
    await pace('u1');
    await pace('u1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * PER_USER_GAP_MS - 5);
  });
});
