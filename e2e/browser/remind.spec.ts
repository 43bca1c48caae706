// 提醒录入 / Remind: in the demo tenant, open the coverage view, remind the three employees without a photo of one
// department, confirm, and see three sent — and the simulator counted exactly one message for each of the three. Also
// what the admin sees when the bot is off, and the one-by-one fallback when only the batch scope is missing.
import { applyDemoRange, demoSimulatorOptions } from '../../electron/simulator/demo';
import type { Simulator } from '../../electron/simulator/types';
import { expect, openDemo, test } from './fixtures';

/** Current staff without a photo of a department and the ones below it, from the simulator's own data. */
function missingUnder(sim: Simulator, openId: string) {
  const parent = new Map(sim.tenant.departments.map((d) => [d.open_department_id, d.parent_department_id]));
  const under = (d: string) => {
    for (let cur: string | undefined = d; cur; cur = parent.get(cur)) if (cur === openId) return true;
    return false;
  };
  return sim.tenant.users.filter(
    (u) => !u.status.is_resigned && u.department_ids.some(under) && !sim.tenant.faces.has(u.user_id) && !sim.switches.outOfRangeUserIds.has(u.user_id),
  );
}

test.use({ locale: 'zh-CN', simOptions: { ...demoSimulatorOptions(), latencyMs: 0, latencyJitterMs: 0 } });

test('remind three employees of a department from the coverage view: confirm, three sent, each counted once', async ({ page, env }) => {
  test.setTimeout(120_000);
  const sim = env.harness.sim;
  applyDemoRange(sim);
  // A top-level department (a row shown without expanding) with exactly three employees not enrolled.
  const dept = sim.tenant.departments.find((d) => d.parent_department_id === '0' && missingUnder(sim, d.open_department_id).length === 3)!;
  expect(dept).toBeDefined();
  const three = missingUnder(sim, dept.open_department_id);

  await openDemo(page, env);
  await page.getByTestId('screen-coverage').click();
  const row = page.locator(`[data-testid="coverage-row"][data-id="${dept.open_department_id}"]`);
  await row.getByTestId('coverage-remind-row').click();
  await expect(page.getByTestId('remind-count')).toHaveAttribute('data-count', '3');
  await expect(page.getByTestId('remind-text')).toContainText('人脸录入');
  sim.resetStats();

  // The preview sends nothing yet.
  await page.getByTestId('remind-next').click();
  await expect(page.getByTestId('remind-preview')).toContainText('工作台 → 考勤 → 设置 → 人脸录入');
  expect(sim.messages().delivered).toEqual({});

  await page.getByTestId('remind-confirm').click();
  const result = page.getByTestId('remind-result');
  await expect(result).toHaveAttribute('data-sent', '3', { timeout: 30_000 });
  await expect(result).toHaveAttribute('data-failed', '0');
  await expect(page.getByTestId('remind-outcome')).toHaveCount(3);
  expect(sim.messages().delivered).toEqual(Object.fromEntries(three.map((u) => [u.user_id, 1])));
  expect(sim.messages().perUserOver).toBe(0);
  await page.getByTestId('remind-close').click();
  await expect(page.getByTestId('remind-dialog')).toHaveCount(0);
});

test('remind from a browse selection: only the selected without a photo are planned', async ({ page, env }) => {
  test.setTimeout(120_000);
  const sim = env.harness.sim;
  applyDemoRange(sim);
  await openDemo(page, env);
  // Two employees without a photo and one with: the reminder is for the two.
  const rows = await page.getByTestId('employee-row').evaluateAll((els) => els.map((r) => r.getAttribute('data-user-id')!));
  const active = new Set(sim.tenant.users.filter((u) => !u.status.is_resigned && !sim.switches.outOfRangeUserIds.has(u.user_id)).map((u) => u.user_id));
  const without = rows.filter((id) => active.has(id) && !sim.tenant.faces.has(id)).slice(0, 2);
  const withPhoto = rows.find((id) => active.has(id) && sim.tenant.faces.has(id))!;
  expect(without).toHaveLength(2);
  for (const id of [...without, withPhoto]) await page.locator(`[data-testid="employee-row"][data-user-id="${id}"]`).getByTestId('row-select').click();
  await page.getByTestId('selection-remind').click();
  await expect(page.getByTestId('remind-count')).toHaveAttribute('data-count', '2');
  await page.getByTestId('remind-next').click();
  await page.getByTestId('remind-confirm').click();
  await expect(page.getByTestId('remind-result')).toHaveAttribute('data-sent', '2', { timeout: 30_000 });
  expect(sim.messages().delivered).toEqual(Object.fromEntries(without.map((id) => [id, 1])));
});

test("the bot capability off: the admin reads what to enable, nothing is sent; without only the batch scope, each still gets one", async ({ page, env }) => {
  test.setTimeout(120_000);
  const sim = env.harness.sim;
  applyDemoRange(sim);
  const dept = sim.tenant.departments.find((d) => d.parent_department_id === '0' && missingUnder(sim, d.open_department_id).length >= 2)!;
  const missing = missingUnder(sim, dept.open_department_id);
  await openDemo(page, env);
  await page.getByTestId('screen-coverage').click();
  const row = page.locator(`[data-testid="coverage-row"][data-id="${dept.open_department_id}"]`);

  sim.switches.botEnabled = false;
  await row.getByTestId('coverage-remind-row').click();
  await page.getByTestId('remind-next').click();
  await page.getByTestId('remind-confirm').click();
  await expect(page.getByTestId('remind-error')).toContainText('尚未启用机器人能力');
  expect(sim.messages().delivered).toEqual({});
  await page.locator('.ant-modal-close').click();
  await expect(page.getByTestId('remind-dialog')).toHaveCount(0);

  sim.switches.botEnabled = true;
  sim.switches.missingScopes = ['im:message:send_multi_users'];
  await row.getByTestId('coverage-remind-row').click();
  await page.getByTestId('remind-next').click();
  // Slow answers, so the admin sees how far the send has got while it runs.
  sim.switches.latencyMs = 1500;
  await page.getByTestId('remind-confirm').click();
  await expect(page.getByTestId('remind-progress')).toContainText(new RegExp(`已发送 \\d+ / ${missing.length}`));
  sim.switches.latencyMs = 0;
  await expect(page.getByTestId('remind-result')).toHaveAttribute('data-sent', String(missing.length), { timeout: 30_000 });
  expect(sim.messages().delivered).toEqual(Object.fromEntries(missing.map((u) => [u.user_id, 1])));
  expect(sim.messages().largestBatch).toBe(0);
});
