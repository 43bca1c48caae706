// Signing in: a wrong secret is explained in the admin's language, the right one opens the directory.
import type { Page } from '@playwright/test';
import { expect, test, type TestEnv } from './fixtures';

interface SimCredentials {
  simUrl: string;
  appId: string;
  appSecret: string;
}

const simCredentials = async (env: TestEnv) => (await (await env.testFetch('/__test/info')).json()) as SimCredentials;

/** Fills the connect form for the simulator's custom URL with the given secret and submits it. */
async function submitConnectForm(page: Page, info: SimCredentials, secret: string): Promise<void> {
  await page.getByTestId('connect-base-url-custom').click();
  await page.getByTestId('connect-custom-url').fill(info.simUrl);
  await page.getByTestId('connect-app-id').fill(info.appId);
  await page.getByTestId('connect-app-secret').fill(secret);
  await page.getByTestId('connect-submit').click();
}

test('a wrong secret shows what to do; the right one signs in', async ({ page, env }) => {
  const info = await simCredentials(env);
  await page.goto(env.harness.url);
  await submitConnectForm(page, info, `${info.appSecret}-wrong`);

  const error = page.getByTestId('connect-error');
  await expect(error).toContainText('App ID 或 App Secret 不正确');
  await expect(error.locator('[data-error-code]')).toHaveAttribute('data-error-code', 'auth.bad_secret');
  // Still on the connect form, nothing lost: the admin only fixes the secret.
  await expect(page.getByTestId('connect-app-id')).toHaveValue(info.appId);

  await page.getByTestId('connect-app-secret').fill(info.appSecret);
  await page.getByTestId('connect-test').click();
  await expect(page.getByTestId('connect-test-ok')).toBeVisible();
  await expect(error).toHaveCount(0);

  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('employee-row').first()).toBeVisible();
  await expect(page.getByTestId('coverage')).toContainText('已录入');

  // The secret never comes back to the page.
  expect(await page.content()).not.toContain(info.appSecret);
});

test('a missing scope names the scope and offers the developer console', async ({ page, env }) => {
  const info = await simCredentials(env);
  await env.simPatch({ missingScopes: ['attendance:rule:readonly'] });
  await page.goto(env.harness.url);
  await submitConnectForm(page, info, info.appSecret);
  // Either sign-in itself fails with the scope, or the directory does: both must name it.
  await expect(page.getByText('attendance:rule:readonly').first()).toBeVisible();
});

test.describe('without a keyring', () => {
  test.use({ encryption: 'basic_text' });

  test('says the secret is kept for this session only, and why', async ({ page, env }) => {
    const info = await simCredentials(env);
    await page.goto(env.harness.url);
    await submitConnectForm(page, info, info.appSecret);
    const notice = page.getByTestId('session-only');
    await expect(notice).toContainText('仅在本次运行中保留');
    await expect(notice).toContainText('系统钥匙串不可用');
  });
});
