import { expect, test } from '@playwright/test';
import { issueApiToken } from '../server/queries/tokens';
import { type TestApp, type TestUser, makeApp, makeUser } from '../test/helpers/fixtures';
import { baseUrl, serverDb, signIn } from './fixtures';
import { SCHEMES, lookAt } from './look';

// /account as a person uses it: a token made here calls REST at once and stops
// when revoked; a password change and "Sign out everywhere" end the other sessions.

let owner: TestUser;
let app: TestApp;
test.beforeAll(async () => {
  owner = await makeUser(serverDb(), { prefix: 'account' });
  app = await makeApp(serverDb(), owner);
});

function stats(token: string): Promise<Response> {
  return fetch(`${baseUrl()}/api/apps/${app.id}/stats`, { headers: { authorization: `Bearer ${token}` } });
}

test('create a token, copy it, call /stats with it, revoke it, and it is refused with 401', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
  await signIn(page, owner);
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  const tokens = page.getByRole('table', { name: /Your API tokens/ });
  await expect(tokens.getByRole('columnheader')).toHaveText(['Name', 'Created', 'Last used', 'Expires', 'Status', 'Actions']);
  await expect(tokens.getByRole('row', { name: /unnamed \(from the CLI\)/ })).toContainText('Active');

  await page.getByLabel('Name', { exact: true }).fill('e2e deploy');
  await page.getByLabel('Expires in days').fill('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('region', { name: 'Token “e2e deploy” created' });
  await expect(shown).toContainText('it will not be shown again');
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown.getByRole('button', { name: 'Copied' })).toBeVisible();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toMatch(/^ast_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByLabel('New API token')).toHaveValue(token);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('');

  const answer = await stats(token);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({ appId: app.id });

  await page.reload();
  await expect(page.getByRole('region', { name: /created/ })).toHaveCount(0);
  const row = tokens.getByRole('row', { name: /e2e deploy/ });
  await expect(row).toContainText('Active');
  await expect(row.locator('td').nth(1)).toHaveText(/just now|s ago|min ago/);
  await row.getByRole('button', { name: 'Revoke e2e deploy' }).click();
  await row.getByRole('button', { name: /Confirm revoke/ }).click();
  await expect(row).toContainText('Revoked');
  await expect(row.getByRole('button')).toHaveCount(0);

  const refused = await stats(token);
  expect(refused.status).toBe(401);
  expect(await refused.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
});

test('a bad expiry and a wrong current password are named, and what was typed stays', async ({ page }) => {
  const user = await makeUser(serverDb(), { prefix: 'typo' });
  await signIn(page, user, '/account');
  await page.getByLabel('Name', { exact: true }).fill('nightly');
  await page.getByLabel('Expires in days').fill('2.5');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Expires in days must be a whole number' })).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('nightly');
  await expect(page.getByLabel('Expires in days')).toHaveValue('2.5');

  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByLabel('New password').fill('a-much-better-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('The current password is wrong.')).toBeVisible();
  await expect(page.getByLabel('Current password')).toHaveValue('not-my-password');
  await expect(page.getByLabel('New password')).toHaveValue('a-much-better-password');
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
});

test('changing the password signs the other browser out and keeps this one', async ({ page, browser }) => {
  const user = await makeUser(serverDb(), { prefix: 'pw' });
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  await signIn(elsewhere, user);
  await signIn(page, user, '/account');
  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password').fill('a-much-better-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed. 1 other session signed out.')).toBeVisible();
  await expect(page.getByLabel('Current password')).toHaveValue('');

  await elsewhere.reload();
  await expect(elsewhere).toHaveURL((url) => url.pathname === '/login');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await signIn(elsewhere, { ...user, password: 'a-much-better-password' });
  await other.close();
});

test('sign out everywhere ends the other session; this one stays', async ({ page, browser }) => {
  const user = await makeUser(serverDb(), { prefix: 'everywhere' });
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  await signIn(elsewhere, user);
  await signIn(page, user, '/account');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page.getByText('Signed out of 1 other session.')).toBeVisible();
  await elsewhere.goto('/apps');
  await expect(elsewhere).toHaveURL((url) => url.pathname === '/login');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await other.close();
});

for (const scheme of SCHEMES) {
  test(`account (${scheme}): no serious axe findings, no sideways scroll on a phone`, async ({ page }) => {
    test.slow();
    const user = await makeUser(serverDb(), { prefix: 'look' });
    const lastWeek = new Date(Date.now() - 7 * 24 * 3600 * 1000);
    await issueApiToken(serverDb(), { userId: user.id, name: 'old report job', expiresInDays: 3, now: lastWeek });
    await signIn(page, user, '/account');
    await expect(page.getByRole('row', { name: /old report job/ })).toContainText('Expired');
    for (const [name, days] of [
      ['revoked one', ''],
      ['ci', '90'],
    ] as const) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Expires in days').fill(days);
      await page.getByRole('button', { name: 'Create token' }).click();
      await expect(page.getByRole('region', { name: `Token “${name}” created` })).toBeVisible();
    }
    const revoked = page.getByRole('row', { name: /revoked one/ });
    await revoked.getByRole('button', { name: 'Revoke revoked one' }).click();
    await revoked.getByRole('button', { name: /Confirm revoke/ }).click();
    await expect(revoked).toContainText('Revoked');
    await lookAt(page, 'account', scheme);
  });
}
