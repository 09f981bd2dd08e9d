import { type Browser, type Page, expect, test } from '@playwright/test';
import { type TestApp, type TestUser, makeApp, makeUser } from '../test/helpers/fixtures';
import { serverDb, signIn } from './fixtures';
import { SCHEMES, lookAt } from './look';

// /apps/{id}/settings as its admins use it: add a member, change the role, and
// the member's own view of the app follows; readers get "no access", outsiders 404.

interface Cast {
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  newcomer: TestUser;
  outsider: TestUser;
  app: TestApp;
}

async function cast(): Promise<Cast> {
  const db = serverDb();
  const [owner, admin, member, newcomer, outsider] = await Promise.all(
    ['owner', 'admin', 'member', 'newcomer', 'outsider'].map((prefix) => makeUser(db, { prefix })),
  );
  const app = await makeApp(db, owner as TestUser, {
    members: [
      [admin as TestUser, 'admin'],
      [member as TestUser, 'member'],
    ],
  });
  return { owner, admin, member, newcomer, outsider, app } as Cast;
}

async function pageFor(browser: Browser, user: TestUser, path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, user, path);
  return page;
}

const settingsPath = (c: Cast) => `/apps/${c.app.naturalId}/settings`;

test('add a member, change the role, and the member’s view changes with it', async ({ page, browser }) => {
  const c = await cast();
  await signIn(page, c.owner, `/apps/${c.app.naturalId}`);
  await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();

  await page.getByLabel('Username').fill('nobody-by-this-name');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /Unknown user: nobody-by-this-name\./ })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue('nobody-by-this-name');

  await page.getByLabel('Username').fill(c.newcomer.username);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByText(`${c.newcomer.username} added as viewer.`)).toBeVisible();
  const role = page.getByLabel(`Role of ${c.newcomer.username}`);
  await expect(role).toHaveValue('viewer');

  await page.getByLabel('Username').fill(c.newcomer.username);
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('alert').filter({ hasText: `${c.newcomer.username} is already a member (viewer)` })).toBeVisible();

  const newcomer = await pageFor(browser, c.newcomer, `/apps/${c.app.naturalId}/api`);
  await expect(newcomer.getByRole('heading', { name: "No access to this app's API history" })).toBeVisible();
  await expect(newcomer.getByRole('link', { name: 'Settings' })).toHaveCount(0);

  await role.selectOption('member');
  await expect(page.getByText(`${c.newcomer.username} is now member.`)).toBeVisible();
  await newcomer.reload();
  await expect(newcomer.getByRole('heading', { name: 'Recent invocations' })).toBeVisible();
  await expect(newcomer.getByText('Your role: member')).toBeVisible();

  await role.selectOption('admin');
  await expect(page.getByText(`${c.newcomer.username} is now admin.`)).toBeVisible();
  await newcomer.reload();
  await newcomer.getByRole('link', { name: 'Settings' }).click();
  await expect(newcomer.getByRole('heading', { name: 'Members' })).toBeVisible();
  // An admin sees the owner, but cannot change or remove them.
  const ownerRow = newcomer.getByRole('row', { name: new RegExp(c.owner.username) });
  await expect(ownerRow).toContainText('owner');
  await expect(ownerRow.getByRole('combobox')).toHaveCount(0);
  await expect(ownerRow.getByRole('button')).toHaveCount(0);
  await expect(newcomer.getByLabel('Role', { exact: true }).locator('option')).toHaveText([/^Viewer/, /^Member/, /^Admin/]);

  await page.getByRole('button', { name: `Remove ${c.newcomer.username}` }).click();
  await page.getByRole('button', { name: /Confirm remove/ }).click();
  await expect(page.getByText(`${c.newcomer.username} removed.`)).toBeVisible();
  await expect(page.getByLabel(`Role of ${c.newcomer.username}`)).toHaveCount(0);
  await newcomer.reload();
  await expect(newcomer.getByRole('heading', { name: 'App not found' })).toBeVisible();
  await newcomer.context().close();
});

test('rename and make public: the header follows, an outsider can read the overview', async ({ page, browser }) => {
  const c = await cast();
  await signIn(page, c.admin, settingsPath(c));
  await page.getByLabel('Name', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /The name must not be empty/ })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Renamed shop');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('heading', { name: 'Renamed shop', level: 1 })).toBeVisible();

  const outsider = await pageFor(browser, c.outsider, '/apps');
  await outsider.goto(`/apps/${c.app.naturalId}`);
  await expect(outsider.getByRole('heading', { name: 'App not found' })).toBeVisible();
  await page.getByRole('radio', { name: /Public/ }).check();
  await page.getByRole('button', { name: 'Save visibility' }).click();
  await expect(page.getByText('The app is now public.')).toBeVisible();
  await expect(page.getByText('public', { exact: true })).toBeVisible();
  await outsider.reload();
  await expect(outsider.getByRole('heading', { name: 'Renamed shop', level: 1 })).toBeVisible();
  await outsider.goto(settingsPath(c));
  await expect(outsider.getByRole('heading', { name: "No access to this app's settings" })).toBeVisible();
  await outsider.context().close();
});

test('a member sees "no access" and no Settings tab; an outsider gets the 404 page', async ({ page, browser }) => {
  const c = await cast();
  await signIn(page, c.member, settingsPath(c));
  await expect(page.getByRole('heading', { name: "No access to this app's settings" })).toBeVisible();
  await expect(page.getByText('Ask one of them for admin access')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'App sections' }).getByRole('link')).toHaveText([
    'Overview',
    /^Tables/,
    'API',
    'Routes',
    'Errors',
  ]);
  const outsider = await pageFor(browser, c.outsider, '/apps');
  const answer = await outsider.goto(settingsPath(c));
  expect(answer?.status()).toBe(404);
  await expect(outsider.getByRole('heading', { name: 'App not found' })).toBeVisible();
  await outsider.context().close();
});

for (const scheme of SCHEMES) {
  test(`settings (${scheme}): no serious axe findings, no sideways scroll on a phone`, async ({ page, browser }) => {
    test.slow();
    const c = await cast();
    await signIn(page, c.owner, settingsPath(c));
    await expect(page.getByLabel(`Role of ${c.member.username}`)).toBeVisible();
    await lookAt(page, 'settings', scheme);
    const member = await pageFor(browser, c.member, settingsPath(c));
    await lookAt(member, 'settings-no-access', scheme);
    await member.context().close();
  });
}
