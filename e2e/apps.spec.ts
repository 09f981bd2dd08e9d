import { expect, test } from '@playwright/test';
import { formatNumber } from '../lib/format';
import type { StatsOverview } from '../server/schemas/stats';
import { callerFor, makeUser } from '../test/helpers/fixtures';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

test('/apps lists the apps the user can read, with role and 7-day views equal to GET /stats', async ({ page }) => {
  await signIn(page, world.viewer);
  await expect(page.getByRole('heading', { name: 'Your apps' })).toBeVisible();
  const readable = await (await callerFor(serverDb(), world.viewer)).apps.list();
  const cards = page
    .getByRole('list')
    .filter({ has: page.getByRole('link') })
    .first()
    .getByRole('listitem');
  await expect(cards).toHaveCount(readable.length);
  for (const app of [world.app, world.bare]) {
    const card = cards.filter({ hasText: app.naturalId });
    await expect(card.getByRole('link', { name: 'Test app' })).toHaveAttribute('href', `/apps/${app.naturalId}`);
    await expect(card).toContainText('Role: viewer');
    const stats = await rest<StatsOverview>(`/api/apps/${app.id}/stats`, world.viewer);
    await expect(card).toContainText(`${formatNumber(stats.views7d)} ${stats.views7d === 1 ? 'view' : 'views'} in 7 days`);
  }
  await cards.filter({ hasText: world.app.naturalId }).getByRole('link').click();
  await expect(page).toHaveURL((url) => url.pathname === `/apps/${world.app.naturalId}`);
});

test('the app switcher jumps to another app and keeps the tab', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/tables`);
  await page.getByLabel('App', { exact: true }).selectOption(world.bare.naturalId);
  await expect(page).toHaveURL((url) => url.pathname === `/apps/${world.bare.naturalId}/tables`);
  await expect(page.getByRole('link', { name: 'Tables' })).toHaveAttribute('aria-current', 'page');
});

test('a user with no readable app sees the empty state', async ({ page }) => {
  const loner = await makeUser(serverDb(), { prefix: 'loner' });
  // Public apps made by other suites are readable by everyone; then the list shows exactly those.
  const readable = await (await callerFor(serverDb(), loner)).apps.list();
  await signIn(page, loner);
  if (readable.length === 0) {
    await expect(page.getByText('No apps yet')).toBeVisible();
  } else {
    expect(readable.every((app) => app.visibility === 'public' && app.role === null)).toBe(true);
    await expect(page.getByText('Role: public reader')).toHaveCount(readable.length);
  }
});
