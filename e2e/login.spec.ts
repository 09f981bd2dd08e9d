import { expect, test } from '@playwright/test';
import { baseUrl, createWorld, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

test('an unsigned visitor is sent to /login and comes back to the page asked for', async ({ page }) => {
  const asked = `/apps/${world.app.naturalId}/api`;
  await page.goto(asked);
  await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('next') === asked);
  await page.getByLabel('Username').fill(world.member.username);
  await page.getByLabel('Password').fill(world.member.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((url) => url.pathname === asked);
  await expect(page.getByRole('heading', { name: 'Recent invocations' })).toBeVisible();
});

test('a wrong password shows a clear error and stays on the form', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill(world.owner.username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL((url) => url.pathname === '/login');
});

test('?next= only leads to paths of this site', async ({ page }) => {
  for (const next of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Username').fill(world.owner.username);
    await page.getByLabel('Password').fill(world.owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL((url) => url.origin === new URL(baseUrl()).origin && url.pathname === '/apps');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/login');
  }
});

test('sign out ends the session: the pages send the visitor back to /login', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}`);
  await expect(page.getByRole('banner')).toContainText(world.owner.username);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  await page.goto(`/apps/${world.app.naturalId}`);
  await expect(page).toHaveURL((url) => url.pathname === '/login');
});

test('a signed-in user who opens /login goes on to the page asked for', async ({ page }) => {
  await signIn(page, world.owner);
  await page.goto(`/login?next=${encodeURIComponent(`/apps/${world.app.naturalId}/tables`)}`);
  await expect(page).toHaveURL((url) => url.pathname === `/apps/${world.app.naturalId}/tables`);
});

test('a submit before the script runs never puts the password in a URL', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  await page.goto('/login');
  await page.getByLabel('Username').fill(world.owner.username);
  await page.getByLabel('Password').fill(world.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
  expect(urls.filter((url) => url.includes(encodeURIComponent(world.owner.password)) || url.includes('password='))).toEqual([]);
  await context.close();
});
