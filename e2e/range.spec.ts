import { type Page, expect, test } from '@playwright/test';
import { sql } from 'kysely';
import { addDays, todayIn } from '../lib/range';
import { formatNumber } from '../lib/format';
import { formatInZone } from '../components/errors/zoned-time';
import { changeOf } from '../components/stats/stat-cards';
import type { RangeStats } from '../server/schemas/range';
import type { StatsOverview } from '../server/schemas/stats';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';
import { SCHEMES, lookAt } from './look';

// The range control of the API page (CONTRACT §8 "Pages"): each preset and a
// custom range, the zone, all kept in the URL, and the figures on screen the
// REST answer for the same query; a DST day by the hour.

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const summaryOf = (range: RangeStats) =>
  range.totals.invocations === 0
    ? 'No invocations in this range'
    : `${formatNumber(range.totals.invocations)} invocation${range.totals.invocations === 1 ? '' : 's'}, ${formatNumber(range.totals.failed)} failed`;

async function expectFigures(page: Page, query: string): Promise<RangeStats> {
  const range = await rest<RangeStats>(`/api/apps/${world.app.id}/stats/range?${query}`, world.member);
  await expect(page.getByText(`All days and times in ${range.tz}`)).toBeVisible();
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(range.from);
  await expect(page.getByLabel('To', { exact: true })).toHaveValue(range.to);
  const chart =
    range.totals.invocations === 0 ? page.getByText('No invocations in this range') : page.getByRole('group', { name: /^Invocations by / });
  await expect(chart).toContainText(summaryOf(range));
  return range;
}

test('each preset and a custom range show the figures of the REST answer, kept in the URL', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  await expect(page.getByLabel('Range', { exact: true })).toHaveValue('30d');
  await expectFigures(page, '');
  const today = todayIn('UTC', new Date());
  for (const [preset, from] of [
    ['today', today],
    ['7d', addDays(today, -6)],
    ['90d', addDays(today, -89)],
    ['month', `${today.slice(0, 8)}01`],
    ['30d', addDays(today, -29)],
  ] as const) {
    await expect(async () => {
      await page.getByLabel('Range', { exact: true }).selectOption(preset);
      await expect(page).toHaveURL(new RegExp(`from=${from}&to=${today}`), { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expectFigures(page, `from=${from}&to=${today}`);
  }
  // Four days back, or five when four is the 1st (on the 4th of a month that range is the `month` preset).
  const from = addDays(today, -3).endsWith('-01') ? addDays(today, -4) : addDays(today, -3);
  await page.getByLabel('From', { exact: true }).fill(from);
  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${today}`));
  await expect(page.getByLabel('Range', { exact: true })).toHaveValue('custom');
  const range = await expectFigures(page, `from=${from}&to=${today}`);
  expect(range.interval).toBe('day');
});

test('switching the zone changes the URL and the figures, and a link shows the same view', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  await expect(page.getByLabel('Time zone', { exact: true })).toHaveValue('UTC');
  // A choice made before the page hydrated is lost, so it is made again until it holds.
  await expect(async () => {
    await page.getByLabel('Time zone', { exact: true }).selectOption('Asia/Kathmandu');
    await expect(page).toHaveURL(/tz=Asia%2FKathmandu/, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const url = new URL(page.url());
  await expectFigures(page, url.searchParams.toString());
  await page.goto(url.toString());
  await expect(page.getByLabel('Time zone', { exact: true })).toHaveValue('Asia/Kathmandu');
  await expectFigures(page, url.searchParams.toString());
});

test('a DST day in Berlin reads by the hour: 25 of them, named in that zone', async ({ page }) => {
  const query = 'from=2024-10-27&to=2024-10-27&tz=Europe%2FBerlin';
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api?${query}`);
  const range = await rest<RangeStats>(`/api/apps/${world.app.id}/stats/range?${query}`, world.member);
  expect([range.interval, range.series.length]).toEqual(['hour', 25]);
  await expect(page.getByText('All days and times in Europe/Berlin')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Invocations by hour' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download CSV' }).first()).toHaveAttribute('href', /format=csv/);
});

test('the overview in a zone: each card the REST figure with its change against the previous period, and Last viewed on that clock', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const today = todayIn('Asia/Kathmandu', new Date());
  const query = `from=${addDays(today, -6)}&to=${today}&tz=Asia%2FKathmandu`;
  await signIn(page, world.member, `/apps/${world.app.naturalId}?${query}`);
  const range = await rest<RangeStats>(`/api/apps/${world.app.id}/stats/range?${query}`, world.member);
  const stats = await rest<StatsOverview>(`/api/apps/${world.app.id}/stats`, world.member);
  const card = (name: string) => page.getByRole('group', { name, exact: true });
  await expect(page.getByText('All days and times in Asia/Kathmandu')).toBeVisible();
  await expect(card('Views')).toContainText(formatNumber(range.totals.views));
  await expect(card('Views')).toContainText(changeOf(range.totals.views, range.previous.views).text);
  await expect(card('Invocations')).toContainText(changeOf(range.totals.invocations, range.previous.invocations).text);
  expect(stats.lastViewedAt).not.toBeNull();
  await expect(card('Last viewed')).toContainText(`${formatInZone(stats.lastViewedAt ?? '', 'Asia/Kathmandu')} Asia/Kathmandu`);
  for (const scheme of SCHEMES) await lookAt(page, 'range-overview-kathmandu', scheme);
});

test('the API page over a DST day by the hour and over 90 days, as they look', async ({ page }) => {
  // Eight axe runs and screenshots: slow on a shared 2-core machine.
  test.setTimeout(240_000);
  // Calls through the 25 hours of the day Berlin leaves summer time, every 10 minutes, a slower and a failing one now and then.
  await sql`
    insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code, error)
    select ${world.app.id}::uuid, 'GET', '/api/items/' || n, timestamptz '2024-10-26 22:00:00+00' + n * interval '10 minutes',
           20 + (n * 37) % 400, case when n % 17 = 0 then 500 else 200 end, null
    from generate_series(0, 149) n`.execute(serverDb());
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api?from=2024-10-27&to=2024-10-27&tz=Europe%2FBerlin`);
  await expect(page.getByRole('heading', { name: 'Invocations by hour' })).toBeVisible();
  await expect(page.getByRole('group', { name: /^Invocations by hour/ })).toContainText('150 invocations');
  for (const scheme of SCHEMES) await lookAt(page, 'range-api-dst-day', scheme);
  const today = todayIn('UTC', new Date());
  await page.goto(`/apps/${world.app.naturalId}/api?from=${addDays(today, -89)}&to=${today}`);
  await expect(page.getByLabel('Range', { exact: true })).toHaveValue('90d');
  for (const scheme of SCHEMES) await lookAt(page, 'range-api-90-days', scheme);
});
