import { type Page, expect, test } from '@playwright/test';
import { addDays, todayIn } from '../lib/range';
import type { InvocationLog } from '../server/schemas/activity';
import { createWorld, rest, signIn, type World } from './fixtures';

// The API page's log (CONTRACT §8 `/stats/invocations`, "Pages"): `Load more`
// appends the next page, and each filter (`Status`, `Method`, `Route`, `User`)
// lands in the URL beside the range, the rows on screen the REST answer for
// the same query.

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
});

const rowsOf = (page: Page) => page.getByRole('table', { name: /Recent invocations/ }).locator('tbody tr');

/** Each row as its instant, method and path: what tells two invocations apart on screen. */
async function shown(page: Page): Promise<string[]> {
  return rowsOf(page).evaluateAll((rows) =>
    rows.map((row) => {
      const cells = row.querySelectorAll('td');
      return `${row.querySelector('time')?.getAttribute('datetime')} ${cells[1]?.textContent} ${cells[2]?.textContent}`;
    }),
  );
}

const keyOf = (log: InvocationLog) => log.items.map((r) => `${r.startedAt} ${r.method} ${r.path}`);

async function log(query: string): Promise<InvocationLog> {
  return rest<InvocationLog>(`/api/apps/${world.app.id}/stats/invocations?${query}`, world.owner);
}

/** The rows on screen come to be the REST answer's first page for `query`. */
async function expectRows(page: Page, query: string): Promise<void> {
  const answer = await log(query);
  await expect.poll(() => shown(page), { timeout: 10_000 }).toEqual(keyOf(answer));
}

test('Load more appends the next page: no duplicates, the REST pages in order', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/api`);
  const first = await log('');
  expect(first.items).toHaveLength(100);
  expect(first.nextCursor).not.toBeNull();
  const second = await log(`cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
  await expectRows(page, '');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rowsOf(page)).toHaveCount(200);
  const rows = await shown(page);
  expect(rows).toEqual([...keyOf(first), ...keyOf(second)]);
  expect(new Set(rows).size).toBe(rows.length);
});

test('each filter changes the URL, and the rows are the REST answer for the same query', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/api`);
  await expectRows(page, '');
  const url = () => new URL(page.url()).searchParams;

  // The rows are server-rendered: a choice made before the page hydrated is lost, so it is made again until it holds.
  await expect(async () => {
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'Failed only' });
    await expect(page).toHaveURL(/status=failed/, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expectRows(page, 'status=failed');

  await page.getByRole('combobox', { name: 'Method', exact: true }).selectOption('GET');
  await expect(page).toHaveURL(/method=GET/);
  await expectRows(page, 'status=failed&method=GET');

  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('2xx');
  await page.getByRole('combobox', { name: 'Route', exact: true }).fill('/api/items/:id');
  await expect.poll(() => url().get('route')).toBe('/api/items/:id');
  expect(url().get('status')).toBe('2xx');
  await expectRows(page, 'status=2xx&method=GET&route=%2Fapi%2Fitems%2F%3Aid');

  await page.getByRole('combobox', { name: 'Method', exact: true }).selectOption({ label: 'All methods' });
  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'All statuses' });
  await page.getByRole('combobox', { name: 'User', exact: true }).fill(world.member.username);
  await expect.poll(() => url().get('user')).toBe(world.member.username);
  expect([url().get('status'), url().get('method')]).toEqual([null, null]);
  await expectRows(page, `route=%2Fapi%2Fitems%2F%3Aid&user=${world.member.username}`);
  await expect(rowsOf(page).locator('td:nth-of-type(4)').first()).toHaveText(world.member.username);

  await page.getByRole('combobox', { name: 'User', exact: true }).fill('anonymous');
  await expect.poll(() => url().get('user')).toBe('anonymous');
  await expectRows(page, 'route=%2Fapi%2Fitems%2F%3Aid&user=anonymous');
  await expect(rowsOf(page).locator('td:nth-of-type(4)').first()).toHaveText('anonymous');

  await page.getByRole('combobox', { name: 'Route', exact: true }).fill('/nothing/like/this');
  await expect(page.getByText('No invocation matches these filters')).toBeVisible();
});

test('the filters stay when the range changes, and the log follows the range', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}/api?status=failed`);
  await expectRows(page, 'status=failed');
  const today = todayIn('UTC', new Date());
  await page.getByRole('combobox', { name: 'Range' }).selectOption('7d');
  await expect(page).toHaveURL(new RegExp(`from=${addDays(today, -6)}&to=${today}&status=failed`));
  await expectRows(page, `from=${addDays(today, -6)}&to=${today}&status=failed`);
  await page.getByLabel('Time zone').selectOption('Asia/Kathmandu');
  await expect(page).toHaveURL(/tz=Asia%2FKathmandu&status=failed/);
  await expectRows(page, new URL(page.url()).searchParams.toString());
});
