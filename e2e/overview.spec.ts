import { expect, test } from '@playwright/test';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatUtc } from '../lib/format';
import type { ApiStats, StatsOverview } from '../server/schemas/stats';
import { makeApp } from '../test/helpers/fixtures';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

test('the overview shows the figures of GET /stats, the charts and storage', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}`);
  const stats = await rest<StatsOverview>(`/api/apps/${world.app.id}/stats`, world.owner);
  const api = await rest<ApiStats>(`/api/apps/${world.app.id}/stats/api`, world.owner);
  const card = (name: string) => page.getByRole('group', { name, exact: true });

  await expect(card('Views')).toContainText(formatNumber(stats.totalViews));
  await expect(card('Views')).toContainText(`${formatNumber(stats.views7d)} in 7 days · ${formatNumber(stats.views30d)} in 30 days`);
  await expect(card('Unique viewers')).toContainText(formatNumber(stats.uniqueViewers));
  await expect(card('Last viewed').locator('time')).toHaveAttribute('datetime', stats.lastViewedAt ?? '');
  await expect(card('Last viewed')).toContainText(formatUtc(stats.lastViewedAt ?? ''));
  await expect(card('Invocations (30 days)')).toContainText(formatNumber(stats.api.invocations30d));
  await expect(card('Invocations (30 days)')).toContainText(
    `${formatNumber(stats.api.invocations7d)} in 7 days · ${formatNumber(stats.api.totalInvocations)} all time`,
  );
  await expect(card('Avg duration')).toContainText(formatDuration(stats.api.avgDurationMs));
  await expect(card('Error rate')).toContainText(formatPercent(stats.api.errorRate30d));
  await expect(card('Error rate')).toContainText(`${formatNumber(stats.api.errorCount30d)} failed in 30 days`);
  await expect(card('Peak memory')).toContainText(formatBytes(stats.api.peakMemoryBytes));
  await expect(card('Compute time')).toContainText(formatDuration(stats.api.totalComputeMs));

  const views = page.getByRole('group', { name: 'Views by day, last 7 days' });
  await expect(views).toContainText(`${formatNumber(stats.views7d)} views in the last 7 days`);
  await expect(views).toContainText('All times UTC.');
  await expect(views.locator('svg.recharts-surface')).toBeVisible();

  const total = api.daily.reduce((sum, d) => sum + d.count, 0);
  const failed = api.daily.reduce((sum, d) => sum + d.errorCount, 0);
  const calls = page.getByRole('group', { name: /^Invocations by day/ });
  await expect(calls).toContainText(`${formatNumber(total)} invocations in the last 30 days, ${formatNumber(failed)} failed`);

  const storage = `${formatBytes(stats.storage.schemaSize)} of ${formatBytes(stats.storage.quotaBytes)} (${formatPercent(stats.storage.quotaPercent)})`;
  await expect(page.getByRole('meter', { name: 'Workspace storage used' })).toHaveAttribute('aria-valuetext', storage);
  await expect(page.getByText(storage)).toBeVisible();
  await expect(page.getByText('Updated', { exact: false }).first()).toBeVisible();
});

test('an app without a workspace says so instead of a storage bar; no events read as empty', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}`);
  await expect(page.getByText('This app has no workspace')).toBeVisible();
  await expect(page.getByRole('meter')).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Views', exact: true })).toContainText('0');
  await expect(page.getByRole('group', { name: 'Last viewed' })).toContainText('Never');
  await expect(page.getByText('No invocations in the last 30 days')).toBeVisible();
});

test('a view inserted into view_events shows after a refresh', async ({ page }) => {
  const db = serverDb();
  const fresh = await makeApp(db, world.owner);
  await signIn(page, world.owner, `/apps/${fresh.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText('0 in 7 days');
  await db.insertInto('view_events').values({ app_id: fresh.id, viewer_id: world.member.id }).execute();
  await page.reload();
  await expect(views).toContainText('1 in 7 days · 1 in 30 days');
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
  await expect(views).toContainText('0 in 7 days');
  await db
    .insertInto('view_events')
    .values([
      { app_id: fresh.id, viewer_id: null },
      { app_id: fresh.id, viewer_id: null },
    ])
    .execute();
  await page.clock.fastForward('00:31');
  await expect(views).toContainText('2 in 7 days · 2 in 30 days');
  await expect(page.getByText(/Updated \d+ s ago/).first()).toBeVisible();
});
