import { expect, type Page, test } from '@playwright/test';
import { createWorld, ensureDemoSeed, signIn, type World } from './fixtures';

// Issue 19, the workspace grid: sort by the primary key or an indexed column in
// both directions (keyset-paged), a row drawer with every value whole and copy
// buttons, one way to write an estimate, and a page past the end that says so.

let world: World;
test.beforeAll(async () => {
  await ensureDemoSeed();
  world = await createWorld();
});

const grid = (page: Page) => page.getByRole('region', { name: 'Rows of items' });
const footer = (page: Page) => page.getByRole('status').filter({ hasText: /^Rows|^No rows|^Loading/ });
const ids = async (page: Page) => grid(page).locator('tbody tr td:nth-of-type(1)').allInnerTexts();

test('sorts by the primary key and an indexed column, both ways, and pages on by cursor', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/items`);
  await expect(footer(page)).toHaveText('Rows 1–25 of 61');
  // Only the primary key and the indexed column offer a sort.
  await expect(grid(page).getByRole('button', { name: /^Sort by/ })).toHaveCount(2);
  await expect(grid(page).getByRole('button', { name: 'Sort by note, ascending' })).toHaveCount(0);

  await grid(page).getByRole('button', { name: 'Sort by id, ascending' }).click();
  await expect(page).toHaveURL(/sort=id&dir=asc/);
  await grid(page).getByRole('button', { name: 'Sort by id, descending' }).click();
  await expect(page).toHaveURL(/sort=id&dir=desc/);
  await expect(grid(page).getByRole('columnheader', { name: /^Sort by id/ })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => ids(page)).toEqual(Array.from({ length: 25 }, (_, i) => String(61 - i)));
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(footer(page)).toHaveText('Rows 26–50 of 61');
  await expect.poll(async () => (await ids(page))[0]).toBe('36');
  await expect(grid(page).getByRole('rowheader').first()).toHaveText('26');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(footer(page)).toHaveText('Rows 51–61 of 61');
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect.poll(async () => (await ids(page))[0]).toBe('36');

  await grid(page).getByRole('button', { name: 'Sort by label, ascending' }).click();
  await expect(page).toHaveURL(/sort=label&dir=asc/);
  await expect
    .poll(async () => (await grid(page).locator('tbody tr td:nth-of-type(2)').allInnerTexts()).slice(0, 3))
    .toEqual(['item 1', 'item 10', 'item 11']);
  await expect(footer(page)).toHaveText('Rows 1–25 of 61');
  await page.getByRole('link', { name: 'Clear sort' }).click();
  await expect.poll(async () => (await ids(page))[0]).toBe('1');
});

test('a row opens whole in a drawer, with a copy button per value and for the row as JSON', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/items`);
  await grid(page).getByRole('button', { name: 'Open row 2', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'Row 2 of items' });
  await expect(drawer).toBeVisible();
  // Long text and JSON whole: the note repeats 12 times, the payload is pretty-printed.
  await expect(drawer).toContainText('long note '.repeat(12).trim());
  await expect(drawer).toContainText('"nested": {');
  await expect(drawer).toContainText('text[]');
  await drawer.getByRole('button', { name: 'Copy the value of label' }).click();
  await expect(drawer.getByRole('button', { name: 'Copy the value of label' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('item 2');
  await drawer.getByRole('button', { name: /Copy row as JSON/ }).click();
  const row = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<string, unknown>;
  expect(row.id).toBe(2);
  expect(row.tags).toEqual(['a', 'b']);
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(grid(page).getByRole('button', { name: 'Open row 2', exact: true })).toBeFocused();
});

test('a page past the end says where the table ends, with links, and the pager does not claim "Page 999 of 3"', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/items?page=999&size=25`);
  await expect(page.getByText('No rows on this page')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Past the last page (3)');
  await expect(page.getByRole('navigation', { name: 'Pages' })).not.toContainText('Page 999 of');
  await page.getByRole('link', { name: 'Go to the last page' }).click();
  await expect(footer(page)).toHaveText('Rows 51–61 of 61');
  await page.goto(`/apps/${world.app.naturalId}/tables/items?page=999&size=25`);
  await page.getByRole('link', { name: 'go back to the first page' }).click();
  await expect(footer(page)).toHaveText('Rows 1–25 of 61');
});

test('an estimated table reads "≈ 24.0 K" on the list and the rows page, and its page count says it is estimated', async ({ page }) => {
  await signIn(page, { id: '', username: 'olivia', password: 'demo-owner', token: '' }, '/apps/storefront/tables');
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'price_history' }) });
  const listed = (await row.getByRole('cell').first().innerText()).trim();
  expect(listed).toMatch(/^≈ \d+\.\d K$/);
  await row.getByRole('link').click();
  await expect(footer(page)).toHaveText(`Rows 1–25 of ${listed}`);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText(/Page 1 of ≈ [\d,]+ \(estimated\)/);
});

test('the grid scrolls with the page, not in a box of its own', async ({ page }) => {
  await signIn(page, world.member, `/apps/${world.app.naturalId}/tables/items?size=100`);
  await expect(footer(page)).toHaveText('Rows 1–61 of 61');
  const box = await grid(page).evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
});
