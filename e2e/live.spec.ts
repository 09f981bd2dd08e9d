import { expect, test } from '@playwright/test';
import { makeApp } from '../test/helpers/fixtures';
import { createWorld, serverDb, signIn, type World } from './fixtures';

// The overview's figures follow GET /stats/live (CONTRACT §8 "Live"): a row
// written straight into the database shows within 3 s, with no reload and
// long before the 30 s refresh.

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

test('the overview total changes within 3 s of a row inserted through the database, without a reload', async ({ page }) => {
  const db = serverDb();
  const fresh = await makeApp(db, world.owner);
  await signIn(page, world.owner, `/apps/${fresh.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText('0');
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  const before = (await views.textContent()) ?? '';
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  await db.insertInto('view_events').values({ app_id: fresh.id, viewer_id: null }).execute();
  await expect(views).not.toHaveText(before, { timeout: 3000 });
  await expect(views).toContainText('1');
  expect(navigations).toBe(0);
});

test('a viewer sees the live badge too, and an app the stream refuses falls back to polling', async ({ page }) => {
  await signIn(page, world.viewer, `/apps/${world.app.id}`);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await page.route('**/stats/live', (route) => route.fulfill({ status: 503, body: '{}', contentType: 'application/json' }));
  await page.reload();
  await expect(page.getByRole('status', { name: 'Live updates: Polling' })).toBeVisible();
});
