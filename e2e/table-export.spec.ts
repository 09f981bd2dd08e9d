import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { createWorld, signIn, type World } from './fixtures';

// `Download` on a workspace table's page (CONTRACT §8 "Export"): the file it
// saves holds the rows the table shows, in the same order, as CSV or NDJSON.

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

/** The text of one column of the rows on screen, by the column's position among the data cells. */
function columnValues(page: Page, index: number): Promise<string[]> {
  return page
    .getByRole('region', { name: 'Rows of items' })
    .locator('tbody tr')
    .locator(`td:nth-of-type(${index + 1})`)
    .allInnerTexts();
}

async function download(page: Page, format: 'CSV' | 'NDJSON'): Promise<{ name: string; text: string }> {
  await page.getByLabel('Download format').selectOption({ label: format });
  const saving = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  const file = await saving;
  return { name: file.suggestedFilename(), text: await readFile((await file.path()) ?? '', 'utf8') };
}

test('Download saves the rows on screen, as CSV and as NDJSON', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/items?size=100`);
  const footer = page.getByRole('status').filter({ hasText: /^Rows|^No rows/ });
  await expect(footer).toHaveText('Rows 1–61 of 61');
  const ids = await columnValues(page, 0);
  const labels = await columnValues(page, 1);
  expect(ids).toHaveLength(61);

  const csv = await download(page, 'CSV');
  expect(csv.name).toBe(`${world.app.naturalId}-items.csv`);
  const [header, ...records] = parse(csv.text) as string[][];
  expect(header?.slice(0, 2)).toEqual(['id', 'label']);
  expect(records.map((r) => r[0])).toEqual(ids);
  expect(records.map((r) => r[1])).toEqual(labels);

  const ndjson = await download(page, 'NDJSON');
  expect(ndjson.name).toBe(`${world.app.naturalId}-items.ndjson`);
  const rows = ndjson.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: number; label: string });
  expect(rows.map((r) => String(r.id))).toEqual(ids);
  expect(rows.map((r) => r.label)).toEqual(labels);
});
