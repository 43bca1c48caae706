// The Remind dialog's channels over a real core and the simulated tenant: the plan sends nothing, the confirmed
// send reaches each planned recipient once, a second "send all" is refused, "retry failed" sends only the failed
// ones, each send is audited (counts, not the text), and a plan of another session is never sent.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRig, type CoreRig } from '../core/core.testkit';
import { remindHandlers } from './remind-handlers';

let rig: CoreRig;
const record = vi.fn(async () => {});
const emitted: { event: string; payload: unknown }[] = [];
const emit = (event: string, payload: unknown) => void emitted.push({ event, payload });
let handlers: ReturnType<typeof remindHandlers>;

beforeAll(async () => {
  rig = await startRig({ seed: 9, employees: 90, enrolledShare: 0.7 });
  handlers = remindHandlers(async () => rig.core, { record }, emit);
});
afterAll(() => rig.close());

const missing = () => rig.sim.tenant.users.filter((u) => !u.status.is_resigned && !rig.sim.tenant.faces.has(u.user_id)).map((u) => u.user_id);

describe('remind channels', () => {
  it('plans without sending, sends once on confirmation, retries only the failed, audits each send', async () => {
    const three = missing().slice(0, 3);
    const { token, plan, text } = await handlers.remindPlan({ selection: { userIds: three }, to: 'employees', lang: 'zh-CN' });
    expect(plan.recipients.map((r) => r.userId).sort()).toEqual([...three].sort());
    expect(text).toContain('人脸录入');
    expect(rig.sim.messages().delivered).toEqual({});

    rig.sim.switches.botUnavailableUserIds.add(three[1]!);
    const first = await handlers.remindSend({ token, text: '请录入', only: 'all' });
    expect(first.outcomes.filter((o) => o.status === 'failed').map((o) => o.userId)).toEqual([three[1]]);
    // The dialog's bar: from 0 to all three, for this plan's token.
    const progress = emitted.filter((e) => e.event === 'remindProgress').map((e) => e.payload);
    expect(progress[0]).toEqual({ token, done: 0, total: 3 });
    expect(progress.at(-1)).toEqual({ token, done: 3, total: 3 });
    await expect(handlers.remindSend({ token, text: '请录入', only: 'all' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });

    rig.sim.switches.botUnavailableUserIds.clear();
    const retry = await handlers.remindSend({ token, text: '请录入', only: 'failed' });
    expect(retry.outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rig.sim.messages().delivered).toEqual(Object.fromEntries(three.map((id) => [id, 1])));
    expect(record).toHaveBeenCalledWith('remind.send', expect.objectContaining({ recipients: 3, sent: 2, failed: 1, retry: false }));
    expect(record).toHaveBeenLastCalledWith('remind.send', expect.objectContaining({ recipients: 1, sent: 1, failed: 0, retry: true }));
    expect(JSON.stringify(record.mock.calls)).not.toContain('请录入');
  });

  it('refuses an unknown token, and a plan made under another session', async () => {
    await expect(handlers.remindSend({ token: 'nope', text: 'x', only: 'all' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });
    let core = rig.core;
    const switching = remindHandlers(async () => core, { record }, emit);
    const { token } = await switching.remindPlan({ selection: { scope: { kind: 'all' } }, to: 'managers', lang: 'en-US' });
    core = rig.newCore(); // signed out and in again (another tenant, say)
    rig.sim.resetStats();
    await expect(switching.remindSend({ token, text: 'x', only: 'all' })).rejects.toMatchObject({ info: { code: 'input.invalid' } });
    expect(rig.sim.messages().delivered).toEqual({});
  });
});
