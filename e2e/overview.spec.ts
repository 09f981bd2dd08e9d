import { expect, test } from '@playwright/test';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatUtc } from '../lib/format';
import type { RangeStats } from '../server/schemas/range';
import type { StatsOverview } from '../server/schemas/stats';
import { makeApp } from '../test/helpers/fixtures';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

test('the overview shows the range figures of GET /stats/range beside the all-time ones, the charts and storage', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}`);
  const stats = await rest<StatsOverview>(`/api/apps/${world.app.id}/stats`, world.owner);
  const range = await rest<RangeStats>(`/api/apps/${world.app.id}/stats/range`, world.owner);
  const { totals } = range;
  const card = (name: string) => page.getByRole('group', { name, exact: true });

  await expect(card('Views')).toContainText(formatNumber(totals.views));
  await expect(card('Views')).toContainText(`${formatNumber(stats.totalViews)} all time`);
  await expect(card('Views')).toContainText(/[↑↓±n].* vs previous period/);
  await expect(card('Unique viewers')).toContainText(formatNumber(stats.uniqueViewers));
  await expect(card('Last viewed').locator('time')).toHaveAttribute('datetime', stats.lastViewedAt ?? '');
  await expect(card('Last viewed')).toContainText(formatUtc(stats.lastViewedAt ?? ''));
  await expect(card('Invocations')).toContainText(formatNumber(totals.invocations));
  await expect(card('Invocations')).toContainText(`${formatNumber(stats.api.totalInvocations)} all time`);
  await expect(card('Avg duration')).toContainText(formatDuration(totals.avgDurationMs));
  await expect(card('Error rate')).toContainText(formatPercent(totals.errorRate));
  await expect(card('Error rate')).toContainText(`${formatNumber(totals.failed)} failed`);
  await expect(card('Peak memory')).toContainText(formatBytes(totals.peakMemoryBytes));
  await expect(card('Compute time')).toContainText(formatDuration(totals.computeMs));
  await expect(page.getByText('All days and times in UTC')).toBeVisible();

  const views = page.getByRole('group', { name: 'Views by day' });
  await expect(views).toContainText(`${formatNumber(totals.views)} views in this range`);
  await expect(views).toContainText('All times UTC.');
  await expect(views.locator('svg.recharts-surface')).toBeVisible();

  const calls = page.getByRole('group', { name: /^Invocations by day/ });
  await expect(calls).toContainText(`${formatNumber(totals.invocations)} invocations, ${formatNumber(totals.failed)} failed`);

  const storage = `${formatBytes(stats.storage.schemaSize)} of ${formatBytes(stats.storage.quotaBytes)} (${formatPercent(stats.storage.quotaPercent)})`;
  await expect(page.getByRole('meter', { name: 'Workspace storage used' })).toHaveAttribute('aria-valuetext', storage);
  await expect(page.getByText(storage)).toBeVisible();
  await expect(page.getByText('Updated', { exact: false }).first()).toBeVisible();
});

test('the cards show the change against the previous period, in words for screen readers', async ({ page }) => {
  const db = serverDb();
  const fresh = await makeApp(db, world.owner);
  const day = 86_400_000;
  const now = Date.now();
  // 4 views in the range, 2 in the 30 days before it: up 100 %.
  await db
    .insertInto('view_events')
    .values(
      [1, 2, 3, 4]
        .map((i) => ({ app_id: fresh.id, viewed_at: new Date(now - i * 3_600_000) }))
        .concat([40, 41].map((d) => ({ app_id: fresh.id, viewed_at: new Date(now - d * day) }))),
    )
    .execute();
  await signIn(page, world.owner, `/apps/${fresh.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText('↑ 100 % vs previous period');
  await expect(views.getByText('up 100 percent against the previous period')).toBeAttached();
});

test('an app without a workspace says so instead of a storage bar; no events read as empty', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}`);
  await expect(page.getByText('This app has no workspace, so')).toBeVisible();
  await expect(page.getByRole('meter')).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Views', exact: true })).toContainText('0');
  await expect(page.getByRole('group', { name: 'Last viewed' })).toContainText('no views yet');
  await expect(page.getByText('No invocations in this range')).toBeVisible();
});

test('a view inserted into view_events shows after a refresh', async ({ page }) => {
  const db = serverDb();
  const fresh = await makeApp(db, world.owner);
  await signIn(page, world.owner, `/apps/${fresh.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText('0 all time');
  await db.insertInto('view_events').values({ app_id: fresh.id, viewer_id: world.member.id }).execute();
  await page.reload();
  await expect(views).toContainText('1 all time');
  await expect(page.getByRole('group', { name: 'Unique viewers' })).toContainText('1');
  await expect(page.getByRole('group', { name: 'Last viewed' })).toContainText(/just now|\d+ s ago/);
});

test('a viewer reads the overview with the same figures; the header names the role', async ({ page }) => {
  await signIn(page, world.viewer, `/apps/${world.app.id}`);
  const stats = await rest<StatsOverview>(`/api/apps/${world.app.id}/stats`, world.viewer);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Test app');
  await expect(page.getByText(world.app.naturalId, { exact: true }).first()).toBeVisible();
  await expect(page.getByText('Your role: viewer')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Views', exact: true })).toContainText(formatNumber(stats.totalViews));
  await expect(page.getByRole('group', { name: /^Invocations by day/ })).toBeVisible();
});

test('an outsider gets the 404 page with status 404, as for an app that does not exist', async ({ page }) => {
  await signIn(page, world.outsider);
  for (const path of ['', '/tables', '/tables/items', '/api']) {
    for (const id of [world.app.naturalId, world.app.id, 'no-such-app']) {
      const response = await page.goto(`/apps/${id}${path}`);
      expect(response?.status(), `/apps/${id}${path}`).toBe(404);
      await expect(page.getByRole('heading', { name: 'App not found' })).toBeVisible();
    }
  }
});

test('the figures refresh by themselves every 30 s', async ({ page }) => {
  const db = serverDb();
  const fresh = await makeApp(db, world.owner);
  await page.clock.install();
  await signIn(page, world.owner, `/apps/${fresh.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText('0 all time');
  await db
    .insertInto('view_events')
    .values([
      { app_id: fresh.id, viewer_id: null },
      { app_id: fresh.id, viewer_id: null },
    ])
    .execute();
  await page.clock.fastForward('00:31');
  await expect(views).toContainText('2 all time');
  await expect(page.getByText(/Updated \d+ s ago/).first()).toBeVisible();
});
