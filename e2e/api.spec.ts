import { expect, test } from '@playwright/test';
import { formatDuration, formatMiB, formatNumber, formatUtc } from '../lib/format';
import type { RangeStats } from '../server/schemas/range';
import type { InvocationLog } from '../server/schemas/activity';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const COLUMNS = ['When', 'Method', 'Path', 'User', 'Duration', 'Status', 'Memory', 'Error'];

test('the API page shows the range chart with its percentiles and the first page of the log', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  const log = await rest<InvocationLog>(`/api/apps/${world.app.id}/stats/invocations`, world.member);
  const api = { recent: log.items };
  expect(api.recent).toHaveLength(100);

  // The range chart: the last 30 UTC days by default (GET /stats/range), with the duration percentiles.
  const range = await rest<RangeStats>(`/api/apps/${world.app.id}/stats/range`, world.member);
  await expect(page.getByRole('group', { name: /^Invocations by day/ })).toContainText(
    `${formatNumber(range.totals.invocations)} invocations, ${formatNumber(range.totals.failed)} failed`,
  );
  const percentiles = page.getByRole('group', { name: 'Duration percentiles by day' });
  await expect(percentiles).toContainText('All times UTC.');
  await expect(percentiles.getByRole('listitem')).toHaveText(['p50', 'p95', 'p99']);

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

test('filters by status, method, route and user, kept in the URL', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/api`);
  const rows = page.getByRole('table', { name: /Recent invocations/ }).locator('tbody tr');
  await expect(rows).toHaveCount(100);
  const count = async (query: string) =>
    (await rest<InvocationLog>(`/api/apps/${world.app.id}/stats/invocations?${query}`, world.owner)).items.length;

  // The rows are server-rendered: a choice made before the page hydrated is lost, so it is made again until it holds.
  await expect(async () => {
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('4xx');
    await expect(page).toHaveURL(/status=4xx/, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(rows).toHaveCount(await count('status=4xx'));

  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'All statuses' });
  await page.getByRole('combobox', { name: 'Method', exact: true }).selectOption('DELETE');
  await expect(page).toHaveURL(/\?method=DELETE$/);
  await expect(rows).toHaveCount(await count('method=DELETE'));

  await page.getByRole('combobox', { name: 'Route', exact: true }).fill('/api/items');
  await expect(page).toHaveURL(/route=%2Fapi%2Fitems/);
  await expect(page.getByText('No invocation matches these filters')).toBeVisible();

  await page.getByRole('combobox', { name: 'Method', exact: true }).selectOption('POST');
  await page.getByRole('combobox', { name: 'User', exact: true }).fill('anonymous');
  await expect(page).toHaveURL(/user=anonymous/);
  await expect(rows).toHaveCount(await count('method=POST&route=%2Fapi%2Fitems&user=anonymous'));
  await expect(rows.locator('td:nth-of-type(4)')).toHaveText(Array(await rows.count()).fill('anonymous'));
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
