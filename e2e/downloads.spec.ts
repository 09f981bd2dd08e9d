import { readFileSync } from 'node:fs';
import { type Download, type Page, expect, test } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { formatNumber } from '../lib/format';
import type { ErrorGroups } from '../server/schemas/activity';
import type { WorkspaceTable } from '../server/schemas/stats';
import { createWorld, rest, signIn, type World } from './fixtures';

// Each `Download CSV` of the pages (CONTRACT §8 "Export") saves a file whose
// records are what its table or chart shows: parsed back with a real CSV
// parser and compared with the screen (the routes' links: e2e/routes.spec.ts).

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

/** Clicks the link and parses the saved file: its header and records. */
async function downloaded(
  page: Page,
  link: ReturnType<Page['getByRole']>,
): Promise<{ name: string; header: string[]; records: string[][] }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const [header = [], ...records] = parse(readFileSync((await download.path()) ?? '', 'utf8')) as string[][];
  return { name: download.suggestedFilename(), header, records };
}

const column = (file: { header: string[]; records: string[][] }, name: string) => {
  const index = file.header.indexOf(name);
  expect(index, `column ${name}`).toBeGreaterThanOrEqual(0);
  return file.records.map((record) => record[index] ?? '');
};

test('the tables list: one record per table on screen, in its order, with its row count', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables`);
  const body = page.getByRole('table', { name: 'Tables of the workspace' }).locator('tbody > tr');
  await expect(body.first()).toBeVisible();
  const file = await downloaded(page, page.getByRole('link', { name: 'Download CSV' }));
  expect(file.name).toBe(`${world.app.naturalId}-tables.csv`);
  expect(column(file, 'name')).toEqual(await body.getByRole('rowheader').allInnerTexts());
  expect(column(file, 'rowCount').map((n) => formatNumber(Number(n)))).toEqual(await body.locator('td:nth-of-type(1)').allInnerTexts());
  const tables = await rest<WorkspaceTable[]>(`/api/apps/${world.app.id}/stats/tables`, world.member);
  expect(column(file, 'sizeBytes')).toEqual(tables.map((t) => String(t.sizeBytes)));
});

test("the overview's chart: its series, summing to the Views card", async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}`);
  const views = page.getByRole('group', { name: 'Views', exact: true });
  await expect(views).toContainText(/\d/);
  const chart = page.getByRole('region', { name: /^Views by (day|hour)/ });
  const file = await downloaded(page, chart.getByRole('link', { name: 'Download CSV' }));
  expect(file.name).toMatch(new RegExp(`^${world.app.naturalId}-range-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}-UTC\\.csv$`));
  expect(file.records).toHaveLength(30);
  const total = column(file, 'views').reduce((sum, n) => sum + Number(n), 0);
  await expect(views).toContainText(formatNumber(total));
});

test("the API page's log: the calls on screen are the file's first records, newest first", async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/api`);
  const log = page.getByRole('table', { name: /Recent invocations/ });
  const times = log.locator('tbody tr td:nth-of-type(1) time');
  await expect(times.first()).toBeVisible();
  const shown = await times.evaluateAll((nodes) => nodes.map((t) => t.getAttribute('datetime')));
  const file = await downloaded(page, page.getByRole('region', { name: /Recent invocations/ }).getByRole('link', { name: 'Download CSV' }));
  expect(file.records.length).toBeGreaterThanOrEqual(shown.length);
  expect(column(file, 'startedAt').slice(0, shown.length)).toEqual(shown);
  expect(column(file, 'method').slice(0, shown.length)).toEqual(await log.locator('tbody tr td:nth-of-type(2)').allInnerTexts());
});

test('the Errors tab: one record per group on screen, in its order', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/errors`);
  const rows = page.getByRole('table', { name: /Failed invocations grouped/ }).locator('tbody tr');
  const { groups } = await rest<ErrorGroups>(`/api/apps/${world.app.id}/stats/errors?limit=100`, world.owner);
  await expect(rows).toHaveCount(groups.length);
  const file = await downloaded(page, page.getByRole('link', { name: 'Download CSV' }));
  expect(column(file, 'message')).toEqual(await rows.locator('td:nth-of-type(3)').allInnerTexts());
  expect(column(file, 'count').map((n) => formatNumber(Number(n)))).toEqual(await rows.locator('td:nth-of-type(4)').allInnerTexts());
  expect(file.header).not.toContain('sample.id');
});
