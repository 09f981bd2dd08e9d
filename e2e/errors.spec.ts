import { mkdirSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { formatNumber } from '../lib/format';
import type { ErrorGroups, InvocationLog } from '../server/schemas/activity';
import { createWorld, rest, signIn, type World } from './fixtures';

// The Errors tab (CONTRACT §8 `/stats/errors`, "Pages"): the range's error
// groups as REST answers them, each opening its sample in place and leading
// to the API page's log filtered to it; the empty state; the reader's lock.

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const groupsTable = (page: Page) => page.getByRole('table', { name: /Failed invocations grouped/ });

test('the groups are the REST answer; one opens its sample and leads to the filtered log', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/errors`);
  const { groups } = await rest<ErrorGroups>(`/api/apps/${world.app.id}/stats/errors?limit=100`, world.owner);
  expect(groups.length).toBeGreaterThan(1);
  await expect(page.getByText('All days and times in UTC')).toBeVisible();
  const rows = groupsTable(page).locator('tbody tr');
  await expect(rows).toHaveCount(groups.length);
  await expect(groupsTable(page).getByRole('columnheader')).toHaveText([
    'Method',
    'Route',
    'Message',
    'Count',
    'First seen (UTC)',
    'Last seen (UTC)',
    'Details',
  ]);
  const cells = (index: number) => rows.locator(`td:nth-of-type(${index + 1})`).allInnerTexts();
  expect(await cells(0)).toEqual(groups.map((g) => g.method));
  expect(await cells(1)).toEqual(groups.map((g) => g.route));
  expect(await cells(2)).toEqual(groups.map((g) => g.message));
  expect(await cells(3)).toEqual(groups.map((g) => formatNumber(g.count)));
  expect(await rows.locator('td:nth-of-type(6) time').evaluateAll((n) => n.map((t) => t.getAttribute('datetime')))).toEqual(
    groups.map((g) => g.lastSeenAt),
  );

  const group = groups[0];
  if (!group) throw new Error('no group');
  await page
    .getByRole('button', { name: new RegExp(`^Show sample of ${group.method} `) })
    .filter({ visible: true })
    .first()
    .click();
  await expect(page.getByText('The newest invocation of this group').filter({ visible: true })).toBeVisible();
  await expect(groupsTable(page)).toContainText(group.sample.path);

  await page
    .getByRole('link', { name: `Open in log the failed ${group.method} ${group.route} invocations` })
    .filter({ visible: true })
    .first()
    .click();
  await expect(page).toHaveURL((url) => url.pathname === `/apps/${world.app.naturalId}/api`);
  const search = new URL(page.url()).searchParams;
  expect([search.get('status'), search.get('method'), search.get('route')]).toEqual(['failed', group.method, group.route]);
  expect(search.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('failed');
  await expect(page.getByRole('combobox', { name: 'Route', exact: true })).toHaveValue(group.route);
  const answer = await rest<InvocationLog>(`/api/apps/${world.app.id}/stats/invocations?${search.toString()}`, world.owner);
  expect(answer.items.length).toBeGreaterThanOrEqual(Math.min(group.count, 100));
  const times = page.getByRole('table', { name: /Recent invocations/ }).locator('tbody tr td:nth-of-type(1) time');
  await expect.poll(() => times.evaluateAll((n) => n.map((t) => t.getAttribute('datetime')))).toEqual(answer.items.map((r) => r.startedAt));
});

test('the CSV link carries the range, and the zone names the times', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/errors?tz=Asia%2FKathmandu`);
  await expect(page.getByText('All days and times in Asia/Kathmandu')).toBeVisible();
  await expect(groupsTable(page).getByRole('columnheader', { name: 'First seen (Asia/Kathmandu)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
    'href',
    /\/stats\/errors\?from=.*&tz=Asia%2FKathmandu&.*format=csv/,
  );
});

test('an app without failures says so; a viewer sees the lock and "no access"', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}/errors`);
  await expect(page.getByText('No errors in this range')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, world.viewer, `/apps/${world.app.naturalId}/errors`);
  await expect(page.getByRole('heading', { name: "No access to this app's errors" })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'App sections' });
  await expect(tabs.getByRole('link', { name: /^Errors/ })).toHaveAccessibleName('Errors (needs member access)');
});

test('screenshots of the Errors tab and the filtered log, light and dark, desktop and phone', async ({ page }) => {
  test.slow();
  const dir = '/tmp/shots-h15p';
  mkdirSync(dir, { recursive: true });
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/errors`);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    for (const [name, width, height] of [
      ['desktop', 1280, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`/apps/${world.app.naturalId}/errors`);
      await page
        .getByRole('button', { name: /^Show sample/ })
        .filter({ visible: true })
        .first()
        .click();
      await page.screenshot({ path: `${dir}/errors-${scheme}-${name}.png`, fullPage: true });
      await page.goto(`/apps/${world.app.naturalId}/api?method=GET`);
      await expect(page.getByRole('button', { name: 'Load more' })).toBeVisible();
      await page.screenshot({ path: `${dir}/log-${scheme}-${name}.png`, fullPage: true });
      // The full page is tall: the log's top and its end, as the eye lands on them.
      await page.evaluate(() => document.getElementById('recent-title')?.scrollIntoView());
      await page.screenshot({ path: `${dir}/log-top-${scheme}-${name}.png` });
      await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${dir}/log-end-${scheme}-${name}.png` });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }
});
