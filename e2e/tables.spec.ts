import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { sql } from 'kysely';
import { formatBytes, formatNumber } from '../lib/format';
import type { PreviewResult, WorkspaceTable } from '../server/schemas/stats';
import { createWorld, rest, serverDb, signIn, type World } from './fixtures';

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

function rowsRegion(page: Page, table: string) {
  return page.getByRole('region', { name: `Rows of ${table}` });
}

/** The text of one column of the rows on screen, by the column's position among the data cells. */
async function columnValues(page: Page, table: string, index: number): Promise<string[]> {
  return rowsRegion(page, table)
    .locator('tbody tr')
    .locator(`td:nth-of-type(${index + 1})`)
    .allInnerTexts();
}

test('the tables list shows what GET /stats/tables gives: rows, size, columns', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables`);
  const tables = await rest<WorkspaceTable[]>(`/api/apps/${world.app.id}/stats/tables`, world.member);
  expect(tables.map((t) => t.name)).toEqual(['audit_log', 'empty_things', 'items']);
  const body = page.getByRole('table', { name: 'Tables of the workspace' }).locator('tbody > tr');
  await expect(body).toHaveCount(tables.length);
  for (const [index, table] of tables.entries()) {
    const row = body.nth(index);
    await expect(row.getByRole('rowheader')).toHaveText(table.name);
    await expect(row.getByRole('cell').nth(0)).toHaveText(formatNumber(table.rowCount));
    await expect(row.getByRole('cell').nth(1)).toHaveText(formatBytes(table.sizeBytes));
    await expect(row.getByRole('cell').nth(2)).toContainText(`${table.columns.length} column`);
  }

  await page.getByRole('button', { name: /columns of items/ }).click();
  const columns = page.getByRole('table', { name: 'Columns of items' });
  const column = (name: string) => columns.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const expected: Array<[string, string, string, string]> = [
    ['id', 'integer', 'no', 'PK'],
    ['label', 'text', 'no', 'IDX'],
    ['note', 'text', 'yes', ''],
    ['tags', 'text[]', 'yes', ''],
  ];
  for (const [name, type, nullable, keys] of expected) {
    const cells = column(name).getByRole('cell');
    await expect(cells.nth(0)).toHaveText(type);
    await expect(cells.nth(1)).toHaveText(nullable);
    await expect(cells.nth(2)).toHaveText(keys);
  }
  await page.getByRole('button', { name: /columns of items/ }).click();
  await expect(columns).toHaveCount(0);

  await page.getByLabel('Filter tables').fill('aud');
  await expect(body).toHaveCount(1);
  await expect(body.first().getByRole('rowheader')).toHaveText('audit_log');
  await page.getByLabel('Filter tables').fill('zzz');
  await expect(page.getByText('No table matches this filter')).toBeVisible();
});

test('paging through a table visits every row once, in the order of GET preview', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/tables/items`);
  const footer = page.getByRole('status').filter({ hasText: /^Rows|^No rows/ });
  await expect(footer).toHaveText('Rows 1–25 of 61');
  const seen: string[] = [];
  for (const expected of ['Rows 1–25 of 61', 'Rows 26–50 of 61', 'Rows 51–61 of 61']) {
    await expect(footer).toHaveText(expected);
    await expect(rowsRegion(page, 'items')).toBeVisible();
    const ids = await columnValues(page, 'items', 0);
    const offset = seen.length;
    const api = await rest<PreviewResult>(`/api/apps/${world.app.id}/stats/tables/items/preview`, world.owner, {
      method: 'POST',
      body: JSON.stringify({ limit: 25, offset }),
    });
    expect(ids).toEqual(api.rows.map((r) => String(r.id)));
    seen.push(...ids);
    if (seen.length < 61) await page.getByRole('button', { name: 'Next' }).click();
  }
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  expect(seen).toHaveLength(61);
  expect(new Set(seen).size).toBe(61);
  expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 61 }, (_, i) => String(i + 1)));

  await page.getByRole('button', { name: 'First page' }).click();
  await expect(footer).toHaveText('Rows 1–25 of 61');
  await page.getByRole('button', { name: 'Last page' }).click();
  await expect(footer).toHaveText('Rows 51–61 of 61');
  await page.getByLabel('Rows per page').selectOption('50');
  await expect(footer).toHaveText('Rows 1–50 of 61');
  await expect(page).toHaveURL(/size=50/);
  await page.reload();
  await expect(footer).toHaveText('Rows 1–50 of 61');
});

test('column headers carry types; NULL, empty text and long values read differently', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/tables/items`);
  const region = rowsRegion(page, 'items');
  await expect(region.getByRole('columnheader', { name: /^Sort by id, ascending integer$/ })).toBeVisible();
  await expect(region.getByRole('columnheader', { name: 'payload jsonb' })).toBeVisible();
  await expect(region.getByRole('columnheader', { name: 'created_at timestamp with time zone' })).toBeVisible();
  const api = await rest<PreviewResult>(`/api/apps/${world.app.id}/stats/tables/items/preview`, world.owner, {
    method: 'POST',
    body: '{"limit": 1}',
  });
  expect(api.rows[0]?.created_at).toBe('2024-02-23T15:30:00.000Z');
  await expect(region.locator('tbody tr').first().locator('td:nth-of-type(7)')).toHaveText('2024-02-23 15:30:00.000 UTC');
  await expect(region.locator('tbody tr').first().locator('td:nth-of-type(6)')).toHaveText('1.25');
  const notes = region.locator('tbody tr').locator('td:nth-of-type(3)');
  await expect(notes.nth(0)).toHaveText('"" (empty text)');
  await expect(notes.nth(2)).toHaveText('NULL');
  const longNote = notes.nth(1);
  await longNote.getByRole('button', { name: /Show all/ }).click();
  await expect(longNote.getByRole('button', { name: /Show less/ })).toHaveAttribute('aria-expanded', 'true');
  await expect(longNote).toContainText('long note long note long note long note long note long note long note long note');
});

test('a table without primary key pages too; an empty table says so, an unknown one is the 404 page', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/audit_log`);
  await expect(page.getByRole('status').filter({ hasText: /^Rows/ })).toHaveText('Rows 1–25 of 30');
  await page.goto(`/apps/${world.app.naturalId}/tables/empty_things`);
  await expect(page.getByText('This table has no rows yet')).toBeVisible();
  // A table that is not there is the 404 page with status 404, as an unknown app is.
  const missing = await page.goto(`/apps/${world.app.naturalId}/tables/nope`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByText('404', { exact: true })).toBeVisible();
});

test('a page that fails to load says so and Retry loads it', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/tables/items`);
  await expect(page.getByRole('status').filter({ hasText: /^Rows/ })).toHaveText('Rows 1–25 of 61');
  await page.route('**/api/trpc/**', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: '[{"error":{"message":"The database cannot be reached; try again shortly","code":-32603,"data":{"code":"SERVICE_UNAVAILABLE","httpStatus":503}}}]',
    }),
  );
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Could not load the rows.')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('The database cannot be reached; try again shortly')).toBeVisible();
  await page.unroute('**/api/trpc/**');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Rows/ })).toHaveText('Rows 26–50 of 61');
});

test('a viewer sees the "no access" state on both table pages', async ({ page }) => {
  await signIn(page, world.viewer, `/apps/${world.app.naturalId}/tables`);
  for (const path of ['/tables', '/tables/items']) {
    const response = await page.goto(`/apps/${world.app.naturalId}${path}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: "No access to this app's tables" })).toBeVisible();
    await expect(page.getByText('Ask an admin of this app for member access')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Tables' })).toHaveAttribute('aria-current', 'page');
  }
});

test('an app without a workspace has no tables to list', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}/tables`);
  await expect(page.getByText('This app has no workspace', { exact: true })).toBeVisible();
});

test('a page whose values would pass 1 MiB says which were cut, and to how much', async ({ page }) => {
  const db = serverDb();
  const schema = world.app.workspaceSchema as string;
  // 100 rows of 100 KB: 100 × 64 KiB would be 6.4 MB of cells, so the page cuts them further.
  await sql`create table ${sql.id(schema, 'bulky')} (id integer primary key, body text not null)`.execute(db);
  await sql`insert into ${sql.id(schema, 'bulky')} select n, repeat('lorem ipsum ', 8500) from generate_series(1, 100) n`.execute(db);
  const api = await rest<PreviewResult & { cellsCut?: number; cellCutBytes?: number }>(
    `/api/apps/${world.app.id}/stats/tables/bulky/preview`,
    world.owner,
    { method: 'POST', body: JSON.stringify({ limit: 100 }) },
  );
  expect(api.cellsCut).toBe(100);
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/tables/bulky?size=100`);
  const note = page.getByRole('note');
  await expect(note).toHaveText(
    `100 large values on this page are cut to ${formatBytes(api.cellCutBytes ?? 0)} each: a value shows at most 64 KiB and a page at most 1 MiB, so fewer rows per page show more of each.`,
  );
  await expect(rowsRegion(page, 'bulky').locator('tbody tr')).toHaveCount(100);
  await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'table-rows-cut-light-desktop.png') });
  // Ten rows fit within 1 MiB: each value keeps its first 64 KiB.
  await page.getByLabel('Rows per page').selectOption('10');
  await expect(note).toContainText(`10 large values on this page are cut to ${formatBytes(64 * 1024)} each`);
});
