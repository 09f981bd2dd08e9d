import { expect, test } from '@playwright/test';
import { formatDuration, formatMiB, formatNumber, formatUtc } from '../lib/format';
import type { ApiStats } from '../server/schemas/stats';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const COLUMNS = ['Time (UTC)', 'Method', 'Path', 'User', 'Duration', 'Status', 'Memory', 'Error'];

test('the API page shows GET /stats/api: the 30-day chart and the last 100 invocations', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  const api = await rest<ApiStats>(`/api/apps/${world.app.id}/stats/api`, world.member);
  expect(api.recent).toHaveLength(100);

  const total = api.daily.reduce((sum, d) => sum + d.count, 0);
  const failed = api.daily.reduce((sum, d) => sum + d.errorCount, 0);
  await expect(page.getByRole('group', { name: /^Invocations by day/ })).toContainText(
    `${formatNumber(total)} invocations in the last 30 days, ${formatNumber(failed)} failed`,
  );
  await expect(page.getByRole('group', { name: 'Average duration by day, last 30 days' })).toContainText('All times UTC.');

  const table = page.getByRole('table', { name: /Recent invocations/ });
  await expect(table.getByRole('columnheader')).toHaveText(COLUMNS);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(100);
  const column = (index: number) => rows.locator(`td:nth-of-type(${index + 1})`).allInnerTexts();
  expect(await rows.locator('td:nth-of-type(1) time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')))).toEqual(
    api.recent.map((r) => r.startedAt),
  );
  expect(await rows.locator('td:nth-of-type(1) time').first().getAttribute('title')).toBe(formatUtc(api.recent[0]?.startedAt ?? '', true));
  expect(await column(1)).toEqual(api.recent.map((r) => r.method));
  expect(await column(2)).toEqual(api.recent.map((r) => r.path));
  expect(await column(3)).toEqual(api.recent.map((r) => r.username ?? 'anonymous'));
  expect(await column(4)).toEqual(api.recent.map((r) => formatDuration(r.durationMs)));
  expect((await column(5)).map((text) => text.match(/\d{3}/)?.[0])).toEqual(api.recent.map((r) => String(r.statusCode)));
  // A missing figure is a dash on screen and "none" for screen readers.
  const spaced = (text: string) => text.replace(/\s+/g, ' ');
  expect((await column(6)).map(spaced)).toEqual(
    api.recent.map((r) => (r.memoryPeakBytes === null ? '— none' : spaced(formatMiB(r.memoryPeakBytes)))),
  );
});

test('filters by status class, method and path', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/api`);
  const api = await rest<ApiStats>(`/api/apps/${world.app.id}/stats/api`, world.owner);
  const rows = page.getByRole('table', { name: /Recent invocations/ }).locator('tbody tr');
  await expect(rows).toHaveCount(api.recent.length);

  const ok = api.recent.filter((r) => r.statusCode >= 200 && r.statusCode < 300).length;
  // The rows are server-rendered: a choice made before the page hydrated is lost, so it is made again until it holds.
  await expect(async () => {
    await page.getByLabel('Status').selectOption('2xx');
    await expect(rows).toHaveCount(ok, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText(`${formatNumber(ok)} of the last 100 invocations match.`)).toBeVisible();

  await page.getByLabel('Status').selectOption('all');
  const posts = api.recent.filter((r) => r.method === 'POST').length;
  await page.getByLabel('Method').selectOption('POST');
  await expect(rows).toHaveCount(posts);

  await page.getByLabel('Method').selectOption('all');
  const first = api.recent.find((r) => r.path.startsWith('/api/items/'));
  expect(first).toBeDefined();
  await page.getByLabel('Search path').fill(first?.path ?? '');
  await expect(rows).toHaveCount(api.recent.filter((r) => r.path.includes(first?.path ?? '')).length);

  await page.getByLabel('Search path').fill('/nothing/like/this');
  await expect(page.getByText('No invocation matches these filters')).toBeVisible();
});

test('a failed invocation shows its status with words and its error expands', async ({ page }) => {
  const db = serverDb();
  const now = new Date();
  await db
    .insertInto('route_invocations')
    .values({
      app_id: world.bare.id,
      method: 'PATCH',
      path: '/api/broken',
      user_id: world.owner.id,
      started_at: now,
      duration_ms: 1234,
      status_code: 503,
      memory_peak_bytes: 12_582_912,
      error: `Error: first line\n${'stack frame\n'.repeat(20)}`,
    })
    .execute();
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}/api`);
  const row = page
    .getByRole('table', { name: /Recent invocations/ })
    .locator('tbody tr')
    .first();
  await expect(row).toContainText('PATCH');
  await expect(row).toContainText('1.2 s');
  await expect(row).toContainText('12.0 MiB');
  await expect(row.getByText('503')).toBeVisible();
  await expect(row).toContainText('server error');
  await row.getByRole('button', { name: /Show all/ }).click();
  await expect(row.locator('pre')).toContainText('stack frame');
});

test('a viewer sees the "no access" state where a member sees the history', async ({ page }) => {
  await signIn(page, world.viewer, `/apps/${world.app.naturalId}/api`);
  await expect(page.getByRole('heading', { name: "No access to this app's API history" })).toBeVisible();
  await expect(page.getByText('Ask an admin of this app for member access')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  await expect(page.getByRole('heading', { name: 'Recent invocations' })).toBeVisible();
});
