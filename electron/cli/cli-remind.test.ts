// `remind` as an admin runs it, against the simulator over loopback: the dry run sends nothing, a real send reaches
// exactly the confirmed recipients once, under the limits (≤ 200 a batch, no user > 5 a second), failures are
// listed per recipient and sent again on their own, a missing bot or scope stops with exit 2 naming what to enable.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCOPE_BATCH_USERS, SCOPE_MESSAGE, SCOPE_MESSAGE_FULL } from '../simulator/index';
import { cliTenant, ndjson, runCli } from './cli.testkit';

// Many employees without a photo, so that the employees' message needs more than one batch of 200.
const tenant = cliTenant({ seed: 14, employees: 520, enrolledShare: 0.35, rateLimitPerSecond: 100_000 });

const sim = () => tenant.sim;
const current = () => sim().tenant.users.filter((u) => !u.status.is_resigned);
const missing = () => current().filter((u) => !sim().tenant.faces.has(u.user_id));
const sentCalls = () => (sim().stats().requests['im.messages'] ?? 0) + (sim().stats().requests['message.batch_send'] ?? 0);
const lines = (stdout: string) => ndjson(stdout);
const last = (stdout: string, type: string) => lines(stdout).filter((l) => l.type === type).at(-1)!;

describe('cli remind', { timeout: 300_000 }, () => {
  it('--dry-run lists the recipients and the message and sends nothing', async () => {
    const run = await runCli(['remind', '--dry-run', '--lang', 'zh-CN', '--json'], { env: tenant.env() });
    expect(run.code).toBe(0);
    const plan = last(run.stdout, 'plan') as { recipients: { userId: string }[]; message: string };
    expect(plan.recipients.map((r) => r.userId).sort()).toEqual(missing().map((u) => u.user_id).sort());
    expect(plan.message).toContain('人脸录入');
    expect(sentCalls()).toBe(0);
    expect(sim().messages().delivered).toEqual({});
  });

  it('refuses a real send without --yes when stdin is not a terminal (exit 2, nothing sent)', async () => {
    const run = await runCli(['remind'], { env: tenant.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(sentCalls()).toBe(0);
  });

  it('sends each employee without a photo exactly one message, in batches of at most 200, none over 5/s per user', async () => {
    const run = await runCli(['remind', '--yes', '--lang', 'en-US', '--json'], { env: tenant.env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = Object.fromEntries(missing().map((u) => [u.user_id, 1]));
    expect(missing().length).toBeGreaterThan(200);
    expect(sim().messages().delivered).toEqual(expected);
    expect(sim().messages().largestBatch).toBeLessThanOrEqual(200);
    expect(sim().stats().requests['message.batch_send']).toBe(Math.ceil(missing().length / 200));
    expect(sim().messages().perUserOver).toBe(0);
    expect(Object.values(sim().messages().texts)[0]![0]).toContain('Attendance → Settings → Face enrolment');
    expect(last(run.stdout, 'summary')).toMatchObject({ sent: missing().length, failed: 0 });
  });

  it("--to managers: one message per manager naming the reports; a failed one is listed, exit 1, and its retry sends only it", async () => {
    const dept = sim().tenant.departments[0]!;
    const plan = last((await runCli(['remind', '--department', dept.open_department_id, '--to', 'managers', '--dry-run', '--json'], { env: tenant.env() })).stdout, 'plan') as {
      recipients: { userId: string; reports: { userId: string; name: string }[] }[];
    };
    expect(plan.recipients.length).toBeGreaterThan(1);
    const [unlucky, ...rest] = plan.recipients;
    sim().switches.botUnavailableUserIds.add(unlucky!.userId);
    const message = join(tenant.work, 'msg.txt');
    await writeFile(message, '\uFEFF请尽快提醒以下同事录入人脸。\n');
    const run = await runCli(['remind', '--department', dept.open_department_id, '--to', 'managers', '--message', message, '--yes', '--json'], { env: tenant.env() });
    expect(run.code).toBe(1);
    const summary = last(run.stdout, 'summary') as { outcomes: { userId: string; status: string; error?: { feishuCode?: number } }[]; retryUsers: string[] };
    expect(summary.outcomes.find((o) => o.userId === unlucky!.userId)).toMatchObject({ status: 'failed', error: { feishuCode: 230013 } });
    expect(sim().messages().delivered).toEqual(Object.fromEntries(rest.map((m) => [m.userId, 1])));
    const text = sim().messages().texts[rest[0]!.userId]![0]!;
    expect(text.startsWith('请尽快提醒以下同事录入人脸。')).toBe(true);
    for (const r of rest[0]!.reports) expect(text).toContain(r.name);
    expect(sim().messages().perUserOver).toBe(0);

    // The admin fixes the bot's availability and retries only the failed one with the ids the summary gave.
    sim().switches.botUnavailableUserIds.clear();
    expect(summary.retryUsers.sort()).toEqual(unlucky!.reports.map((r) => r.userId).sort());
    const again = await runCli(['remind', '--users', summary.retryUsers.join(','), '--to', 'managers', '--yes', '--json'], { env: tenant.env() });
    expect(again.code).toBe(0);
    expect(sim().messages().delivered).toEqual(Object.fromEntries(plan.recipients.map((m) => [m.userId, 1])));
  });

  it('without the batch scope every employee still gets one message, sent one by one, and the admin is told why it is slower', async () => {
    sim().switches.missingScopes = [SCOPE_BATCH_USERS];
    const dept = sim().tenant.departments[0]!;
    const plan = last((await runCli(['remind', '--department', dept.open_department_id, '--dry-run', '--json'], { env: tenant.env() })).stdout, 'plan') as {
      recipients: { userId: string }[];
    };
    expect(plan.recipients.length).toBeGreaterThan(3);
    const run = await runCli(['remind', '--department', dept.open_department_id, '--yes'], { env: tenant.env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(SCOPE_BATCH_USERS);
    expect(sim().messages().delivered).toEqual(Object.fromEntries(plan.recipients.map((m) => [m.userId, 1])));
    expect(sim().messages().largestBatch).toBe(0);
  });

  it('a missing message scope stops with exit 2 naming it; a missing bot capability names the bot; nothing is sent', async () => {
    sim().switches.missingScopes = [SCOPE_MESSAGE, SCOPE_MESSAGE_FULL];
    const noScope = await runCli(['remind', '--to', 'managers', '--yes'], { env: tenant.env() });
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toContain(SCOPE_MESSAGE);
    sim().switches.missingScopes = [];
    sim().switches.botEnabled = false;
    const noBot = await runCli(['remind', '--yes'], { env: tenant.env() });
    expect(noBot.code).toBe(2);
    expect(noBot.stderr).toMatch(/bot capability is off/);
    expect(sim().messages().delivered).toEqual({});
  });
});
