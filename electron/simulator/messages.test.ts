// The bot's message endpoints over loopback: delivery counted per recipient, the scope and bot switches with
// Feishu's codes, invalid ids in a batch, the 200-recipient cap, the per-user limit and uuid de-duplication.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_BATCH_USERS, SCOPE_MESSAGE, SCOPE_MESSAGE_FULL, startSimulator, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

let sim: Simulator;
let token: string;
const SEND = '/open-apis/im/v1/messages?receive_id_type=user_id';
const BATCH = '/open-apis/message/v4/batch_send/';

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, employees: 60, rateLimitPerSecond: 100_000 });
  token = await tokenFor(sim);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.switches.missingScopes = [];
  sim.switches.botEnabled = true;
  sim.switches.botUnavailableUserIds.clear();
  sim.resetStats();
});

const current = () => sim.tenant.users.filter((u) => !u.status.is_resigned).map((u) => u.user_id);
const send = (userId: string, text = 'hi', extra: Record<string, unknown> = {}) =>
  call(sim, 'POST', SEND, { token, body: { receive_id: userId, msg_type: 'text', content: JSON.stringify({ text }), ...extra } });

describe('simulator: bot messages', () => {
  it('delivers a text to one user and counts it', async () => {
    const [a] = current();
    const r = await send(a!, '请录入人脸');
    expect(r.json?.code).toBe(0);
    expect(r.json?.data?.message_id).toMatch(/^om_/);
    expect(sim.messages().delivered).toEqual({ [a!]: 1 });
    expect(sim.messages().texts[a!]).toEqual(['请录入人脸']);
  });

  it('needs a token, a message scope and the bot capability', async () => {
    const [a] = current();
    expect((await call(sim, 'POST', SEND, { body: { receive_id: a, msg_type: 'text', content: '{"text":"x"}' } })).json?.code).toBe(99991661);
    sim.switches.missingScopes = [SCOPE_MESSAGE];
    expect((await send(a!)).json?.code).toBe(0); // im:message alone is enough
    sim.switches.missingScopes = [SCOPE_MESSAGE, SCOPE_MESSAGE_FULL];
    const refused = await send(a!);
    expect(refused.status).toBe(400);
    expect(refused.json?.code).toBe(99991672);
    expect(JSON.stringify(refused.json?.error)).toContain(SCOPE_MESSAGE);
    sim.switches.missingScopes = [];
    sim.switches.botEnabled = false;
    expect((await send(a!)).json?.code).toBe(230006);
    expect(sim.messages().delivered).toEqual({ [a!]: 1 });
  });

  it('answers 230013 for a user outside the bot availability, 230001 for an unknown one', async () => {
    const [a] = current();
    sim.switches.botUnavailableUserIds.add(a!);
    expect((await send(a!)).json?.code).toBe(230013);
    expect((await send('nobody-here')).json?.code).toBe(230001);
    expect(sim.messages().delivered).toEqual({});
  });

  it('refuses a sixth message to one user within a second with 230020, and delivers a repeated uuid once', async () => {
    const [a, b] = current();
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await send(a!, `n${i}`)).json?.code);
    expect(codes).toEqual([0, 0, 0, 0, 0, 230020]);
    expect(sim.messages().perUserOver).toBe(1);
    const first = await send(b!, 'once', { uuid: 'u-1' });
    const again = await send(b!, 'once', { uuid: 'u-1' });
    expect(again.json?.data?.message_id).toBe(first.json?.data?.message_id);
    expect(sim.messages().delivered[b!]).toBe(1);
  });

  it('batch_send: delivers to valid ids, lists invalid ones, needs the batch scope, caps at 200', async () => {
    const ids = current().slice(0, 3);
    sim.switches.botUnavailableUserIds.add(ids[2]!);
    const r = await call(sim, 'POST', BATCH, { token, body: { user_ids: [...ids, 'ghost'], msg_type: 'text', content: { text: 'hello' } } });
    expect(r.json?.code).toBe(0);
    expect(r.json?.data?.invalid_user_ids).toEqual([ids[2], 'ghost']);
    expect(sim.messages().delivered).toEqual({ [ids[0]!]: 1, [ids[1]!]: 1 });
    const tooMany = await call(sim, 'POST', BATCH, { token, body: { user_ids: Array.from({ length: 201 }, (_, i) => `u${i}`), msg_type: 'text', content: { text: 'x' } } });
    expect(tooMany.json?.code).toBe(10003);
    expect(sim.messages().largestBatch).toBe(201);
    sim.switches.missingScopes = [SCOPE_BATCH_USERS];
    const noScope = await call(sim, 'POST', BATCH, { token, body: { user_ids: ids, msg_type: 'text', content: { text: 'x' } } });
    expect(noScope.json?.code).toBe(99991672);
    expect(JSON.stringify(noScope.json?.error)).toContain(SCOPE_BATCH_USERS);
  });

  it('limits message calls per app per minute, both endpoints together, with 429 / 99991400', async () => {
    // A simulator of its own: the minute window of the shared one already holds the calls above.
    const own = await startSimulator({ seed: 6, employees: 20 });
    try {
      own.switches.messagePerMinute = 3;
      const t = await tokenFor(own);
      const [a, b] = own.tenant.users.filter((u) => !u.status.is_resigned).map((u) => u.user_id);
      const one = (u: string) => call(own, 'POST', SEND, { token: t, body: { receive_id: u, msg_type: 'text', content: '{"text":"x"}' } });
      const codes = [(await one(a!)).json?.code, (await one(b!)).json?.code];
      codes.push((await call(own, 'POST', BATCH, { token: t, body: { user_ids: [a], msg_type: 'text', content: { text: 'x' } } })).json?.code);
      const limited = await one(b!);
      expect([...codes, limited.json?.code]).toEqual([0, 0, 0, 99991400]);
      expect(limited.status).toBe(429);
      expect(limited.headers['x-ogw-ratelimit-reset']).toBeDefined();
    } finally {
      await own.close();
    }
  });
});
