import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import { type Page, expect, test } from '@playwright/test';
import { sql } from 'kysely';
import { formatNumber } from '../lib/format';
import type { ErrorGroups, InvocationLog } from '../server/schemas/activity';
import type { RouteList } from '../server/schemas/routes';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

// The Routes tab and a route's page (CONTRACT §8 `/stats/routes`, "Pages"):
// the table is the REST answer in the order the URL's sort names, its CSV the
// rows on screen; a route's page draws its chart with p50/p95/p99, lists its
// own calls only and its error groups, each leading to the filtered log; a
// viewer gets the lock and "no access".

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const routesTable = (page: Page) => page.getByRole('table', { name: /grouped by method and route/ });
const tabPath = () => `/apps/${world.app.naturalId}/routes`;

/** Each row of the table as "METHOD route calls". */
async function shownRoutes(page: Page): Promise<string[]> {
  return routesTable(page)
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => {
        const method = row.querySelector('td')?.textContent ?? '';
        const route = row.querySelector('th a')?.firstChild?.textContent ?? '';
        const calls = row.querySelectorAll('td')[1]?.textContent ?? '';
        return `${method} ${route} ${calls}`;
      }),
    );
}

const keyOf = (list: RouteList) => list.routes.map((r) => `${r.method} ${r.route} ${formatNumber(r.calls)}`);
const routesOf = (query: string) => rest<RouteList>(`/api/apps/${world.app.id}/stats/routes?limit=100&${query}`, world.owner);

/** A downloaded CSV's records, parsed back with a real RFC 4180 parser. */
function csvOf(file: string | null): string[][] {
  return parse(readFileSync(file ?? '', 'utf8')) as string[][];
}

test('sorting by a header changes the URL and the order, each the REST answer for the same sort', async ({ page }) => {
  await signIn(page, world.owner, tabPath());
  await expect(page.getByText('All days and times in UTC')).toBeVisible();
  await expect.poll(() => shownRoutes(page)).toEqual(keyOf(await routesOf('')));
  await expect(routesTable(page).getByRole('columnheader', { name: /Calls/ })).toHaveAttribute('aria-sort', 'descending');

  for (const [label, sort] of [
    ['Failed', 'failed'],
    ['p95', 'p95DurationMs'],
    ['Compute', 'computeMs'],
  ] as const) {
    await routesTable(page)
      .getByRole('link', { name: `Sort by ${label}, largest first` })
      .click();
    await expect(page).toHaveURL((url) => url.searchParams.get('sort') === sort);
    await expect(routesTable(page).getByRole('columnheader', { name: new RegExp(`^${label}`) })).toHaveAttribute('aria-sort', 'descending');
    await expect(routesTable(page).getByRole('columnheader', { name: /Calls/ })).not.toHaveAttribute('aria-sort', /./);
    await expect.poll(() => shownRoutes(page)).toEqual(keyOf(await routesOf(`sort=${sort}`)));
  }
  const byFailed = await routesOf('sort=failed');
  const byCalls = await routesOf('');
  expect(byFailed.routes.map((r) => r.failed)).toEqual([...byFailed.routes.map((r) => r.failed)].sort((a, b) => b - a));
  expect(byCalls.routes.map((r) => r.calls)).toEqual([...byCalls.routes.map((r) => r.calls)].sort((a, b) => b - a));

  await routesTable(page).getByRole('link', { name: 'Sort by Calls, largest first' }).click();
  await expect(page).toHaveURL((url) => url.pathname === tabPath() && !url.searchParams.has('sort'));
  await expect.poll(() => shownRoutes(page)).toEqual(keyOf(byCalls));
});

test('Download CSV of the table gives the rows on screen, in their order', async ({ page }) => {
  await signIn(page, world.owner, `${tabPath()}?sort=failed`);
  const answer = await routesOf('sort=failed');
  await expect.poll(() => shownRoutes(page)).toEqual(keyOf(answer));
  const link = page.getByRole('region', { name: 'Routes' }).getByRole('link', { name: 'Download CSV' });
  await expect(link).toHaveAttribute('href', /\/stats\/routes\?from=.*sort=failed&limit=100&format=csv/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^${world.app.naturalId}-routes-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}-UTC\\.csv$`),
  );
  const [header, ...records] = csvOf(await download.path());
  expect(header?.slice(0, 3)).toEqual(['method', 'route', 'calls']);
  const column = (name: string) => header?.indexOf(name) ?? -1;
  const fromFile = records.map((r) => `${r[column('method')]} ${r[column('route')]} ${formatNumber(Number(r[column('calls')]))}`);
  expect(fromFile).toEqual(await shownRoutes(page));
  expect(records.map((r) => Number(r[column('failed')]))).toEqual(answer.routes.map((r) => r.failed));
});

test("a route's page: its chart with p50, p95 and p99, its own calls only, an error group leading to the filtered log", async ({
  page,
}) => {
  const { groups } = await rest<ErrorGroups>(`/api/apps/${world.app.id}/stats/errors?limit=100`, world.owner);
  const group = groups[0];
  if (!group) throw new Error('the world has no failed invocations');
  await signIn(page, world.owner, tabPath());
  await routesTable(page)
    .getByRole('link', { name: `${group.route} (${group.method})`, exact: true })
    .click();
  const pagePath = `/apps/${world.app.naturalId}/routes/${group.method}${group.route}`;
  await expect(page).toHaveURL((url) => decodeURIComponent(url.pathname) === pagePath);
  await expect(page.getByRole('heading', { name: `${group.method} ${group.route}` })).toBeVisible();

  const percentiles = page.getByRole('group', { name: /^Duration percentiles by (day|hour)/ });
  await expect(percentiles.locator('svg.recharts-surface')).toBeVisible();
  await expect(percentiles.getByRole('listitem')).toHaveText(['p50', 'p95', 'p99']);
  await expect(page.getByRole('group', { name: /^Invocations by (day|hour)/ }).locator('svg.recharts-surface')).toBeVisible();

  const filter = `method=${group.method}&route=${encodeURIComponent(group.route)}`;
  const calls = await rest<InvocationLog>(`/api/apps/${world.app.id}/stats/invocations?${filter}`, world.owner);
  expect(calls.items.length).toBeGreaterThan(0);
  const log = page.getByRole('table', { name: /Recent invocations/ });
  await expect
    .poll(() => log.locator('tbody tr td:nth-of-type(1) time').evaluateAll((n) => n.map((t) => t.getAttribute('datetime'))))
    .toEqual(calls.items.map((r) => r.startedAt));
  expect(new Set(await log.locator('tbody tr td:nth-of-type(2)').allInnerTexts())).toEqual(new Set([group.method]));
  await expect(page.getByRole('search', { name: 'Filter the log' })).toHaveCount(0);

  const own = await rest<ErrorGroups>(`/api/apps/${world.app.id}/stats/errors?limit=100&${filter}`, world.owner);
  const errors = page.getByRole('region', { name: 'Error groups' }).first();
  await expect(page.getByRole('table', { name: /Failed invocations grouped/ }).locator('tbody tr')).toHaveCount(own.groups.length);
  expect(own.groups.every((g) => g.method === group.method && g.route === group.route)).toBe(true);
  await expect(errors.getByRole('link', { name: 'Download CSV' }).first()).toBeVisible();
  await page
    .getByRole('link', { name: `Open in log the failed ${group.method} ${group.route} invocations` })
    .filter({ visible: true })
    .first()
    .click();
  await expect(page).toHaveURL((url) => url.pathname === `/apps/${world.app.naturalId}/api`);
  const search = new URL(page.url()).searchParams;
  expect([search.get('status'), search.get('method'), search.get('route')]).toEqual(['failed', group.method, group.route]);
  await expect(page.getByRole('combobox', { name: 'Route', exact: true })).toHaveValue(group.route);
});

test("the chart's Download CSV is its series; the address takes :id encoded or not, a trailing slash, an unknown route", async ({
  page,
}) => {
  const db = serverDb();
  const now = new Date();
  await sql`insert into route_invocations (app_id, method, path, started_at, duration_ms, status_code)
    select ${world.app.id}::uuid, 'PUT', '/api/slash/' || g || '/', ${now}::timestamptz - make_interval(mins => g), 20 + g, 200
    from generate_series(1, 5) as g`.execute(db);
  await signIn(page, world.owner, `${tabPath()}?sort=failed`);
  const link = routesTable(page).getByRole('link', { name: '/api/slash/:id/ (PUT)', exact: true });
  await expect(link).toHaveAttribute('href', `/apps/${world.app.naturalId}/routes/PUT/api/slash/:id%2F`);
  await link.click();
  await expect(page.getByRole('heading', { name: 'PUT /api/slash/:id/' })).toBeVisible();
  const log = page.getByRole('table', { name: /Recent invocations/ });
  await expect(log.locator('tbody tr')).toHaveCount(5);
  await expect(page.getByRole('group', { name: /^Duration percentiles/ }).getByRole('listitem')).toHaveText(['p50', 'p95', 'p99']);

  const chartLink = page.getByRole('region', { name: /^Calls by/ }).getByRole('link', { name: 'Download CSV' });
  const [download] = await Promise.all([page.waitForEvent('download'), chartLink.click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${world.app.naturalId}-route-PUT-api_slash_id-.*-UTC\\.csv$`));
  const [header, ...records] = csvOf(await download.path());
  expect(header?.slice(0, 3)).toEqual(['start', 'local', 'invocations']);
  expect(records.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(5);

  await page.goto(`/apps/${world.app.naturalId}/routes/GET/api/items/%3Aid`);
  await expect(page.getByRole('heading', { name: 'GET /api/items/:id' })).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: /Recent invocations/ })
      .locator('tbody tr')
      .first(),
  ).toBeVisible();
  await page.goto(`/apps/${world.app.naturalId}/routes/GET/never/called`);
  await expect(page.getByText('No calls of this route in this range')).toBeVisible();
  // An address whose encoding is broken names nothing at all: the 404 page.
  const broken = await page.goto(`/apps/${world.app.naturalId}/routes/GET/bad%E0%A4`);
  expect(broken?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('an app without calls says so; a viewer sees the lock and "no access"', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}/routes`);
  await expect(page.getByText('No calls in this range')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, world.viewer, tabPath());
  await expect(page.getByRole('heading', { name: "No access to this app's routes" })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'App sections' });
  await expect(tabs.getByRole('link', { name: /^Routes/ })).toHaveAccessibleName('Routes (needs member access)');
  await page.goto(`${tabPath()}/GET/api/items/:id`);
  await expect(page.getByRole('heading', { name: "No access to this app's routes" })).toBeVisible();
});

test('screenshots of the Routes tab and a route page, light and dark, desktop and phone; axe finds nothing serious', async ({ page }) => {
  test.slow();
  const dir = '/tmp/shots-routes';
  mkdirSync(dir, { recursive: true });
  await signIn(page, world.owner, tabPath());
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    for (const [size, width, height] of [
      ['desktop', 1280, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [name, path] of [
        ['routes', `${tabPath()}?sort=failed`],
        ['route', `${tabPath()}/GET/api/items/:id`],
      ] as const) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
        if (name === 'route') await expect(page.locator('svg.recharts-surface').first()).toBeVisible();
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(serious, `${name} ${scheme} ${size}`).toEqual([]);
        await page.screenshot({ path: `${dir}/${name}-${scheme}-${size}.png`, fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name} ${size} scrolls sideways`).toBeLessThanOrEqual(0);
      }
    }
  }
});
