import { expect, type Page, test } from '@playwright/test';
import { DEMO_LOGINS } from '../server/seed/logins';
import type { TestUser } from '../test/helpers/fixtures';
import { createWorld, ensureDemoSeed, signIn, type World } from './fixtures';

// Issue 19: honest empty states, roles that read right, a keyboard that is not
// swallowed by the charts, no console error anywhere (the favicon included),
// and a phone on which no figure is cut. Needs the demo seed (e2e/serve.ts or npm test).

let world: World;
test.beforeAll(async () => {
  await ensureDemoSeed();
  world = await createWorld();
});

const demo = (username: string): TestUser => {
  const login = DEMO_LOGINS.find((l) => l.username === username);
  if (!login) throw new Error(`no demo login ${username}`);
  return { id: '', username: login.username, password: login.password, token: '' };
};

test('an empty app says "—" and "No data yet" rather than zeros, and shows how events arrive', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.bare.naturalId}`);
  for (const label of ['Avg duration', 'Error rate', 'Peak memory', 'Compute time', 'Unique viewers', 'Last viewed']) {
    const card = page.getByRole('group', { name: label, exact: true });
    await expect(card.locator('p').nth(1)).toHaveText('—none');
    await expect(card).not.toContainText(/0 ms|0 %|0 B/);
  }
  await expect(page.getByRole('group', { name: 'Avg duration' })).toContainText('No data yet');
  const onboarding = page.getByRole('region', { name: 'No events yet: how they arrive' });
  await expect(onboarding).toContainText('view_events');
  await expect(onboarding).toContainText('route_invocations');
  await expect(onboarding).toContainText(`curl -X POST ${new URL(page.url()).origin}/api/apps/${world.bare.naturalId}/views`);
  await expect(onboarding.getByRole('link', { name: 'Account' })).toHaveAttribute('href', '/account');
  // An app with events has no onboarding card.
  await page.goto(`/apps/${world.app.naturalId}`);
  await expect(page.getByRole('group', { name: 'Avg duration' })).not.toContainText('—');
  await expect(page.getByRole('region', { name: 'No events yet: how they arrive' })).toHaveCount(0);
});

// What each demo login is called on each app it can read, on the card and on the app's page alike.
const ROLES: Record<string, { heading: string; apps: Record<string, string> }> = {
  olivia: { heading: 'Your apps', apps: { storefront: 'owner', 'status-page': 'owner', sandbox: 'owner', 'team-wiki': 'member' } },
  adam: { heading: 'Your apps', apps: { storefront: 'admin', 'team-wiki': 'owner', 'status-page': 'public reader' } },
  maya: { heading: 'Your apps', apps: { storefront: 'member', sandbox: 'member', 'team-wiki': 'admin', 'status-page': 'public reader' } },
  victor: { heading: 'Your apps', apps: { storefront: 'viewer', 'team-wiki': 'viewer', 'status-page': 'public reader' } },
  otto: { heading: 'Apps you can read', apps: { 'status-page': 'public reader' } },
  root: {
    heading: 'All apps',
    apps: { storefront: 'platform admin', 'status-page': 'platform admin', sandbox: 'platform admin', 'team-wiki': 'platform admin' },
  },
};

for (const [username, expected] of Object.entries(ROLES)) {
  test(`the role labels of ${username} read the same on /apps and on each app`, async ({ page }) => {
    await signIn(page, demo(username));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(expected.heading);
    for (const [app, role] of Object.entries(expected.apps)) {
      const card = page.getByRole('listitem').filter({ has: page.getByText(app, { exact: true }) });
      await expect(card).toContainText(`Role: ${role}`);
    }
    for (const [app, role] of Object.entries(expected.apps)) {
      await page.goto(`/apps/${app}`);
      await expect(page.getByText('Your role:')).toHaveText(`Your role: ${role}`);
      const tabs = page.getByRole('navigation', { name: 'App sections' });
      const reads = role === 'viewer' || role === 'public reader';
      await expect(tabs.getByRole('link', { name: /^API/ })).toHaveAccessibleName(reads ? 'API (needs member access)' : 'API');
      const noWorkspace = app === 'status-page';
      const tables = reads ? 'Tables (needs member access)' : noWorkspace ? 'Tables (this app has no workspace)' : 'Tables';
      await expect(tabs.getByRole('link', { name: /^Tables/ })).toHaveAccessibleName(tables);
    }
  });
}

/** Tab stops of the page, in order, from the top: what each one is. */
async function tabStops(page: Page, max = 80): Promise<string[]> {
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const what = await page.evaluate((step) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // An element seen before means the walk went round (two controls may share a name, e.g. "Download CSV");
      // the one just left means Tab moved inside it (the day, month and year of a date input).
      if (el instanceof HTMLElement || el instanceof SVGElement) {
        const seenAt = el.dataset.tabStopSeen;
        el.dataset.tabStopSeen = String(step);
        if (seenAt !== undefined) return Number(seenAt) === step - 1 ? 'inside' : 'again';
      }
      const figure = el.closest('figure');
      return figure
        ? `chart: ${figure.getAttribute('aria-label') ?? ''}`
        : `${el.tagName.toLowerCase()}: ${(el.textContent ?? '').trim().slice(0, 30)}`;
    }, i);
    if (what === null || what === 'again') break;
    if (what === 'inside') continue;
    seen.push(what);
    if (seen.length > 3 && seen.at(-1) === seen[0]) break;
  }
  return seen;
}

test('each overview chart is one tab stop, with the arrow keys inside it', async ({ page }) => {
  await signIn(page, world.owner, `/apps/${world.app.naturalId}`);
  await expect(page.locator('[data-chart-ready="true"]')).toHaveCount(2);
  const stops = await tabStops(page);
  const charts = stops.filter((s) => s.startsWith('chart'));
  expect(charts, stops.join(' | ')).toEqual(['chart: Views by day', 'chart: Invocations by day, succeeded and failed']);
  expect(stops.length).toBeLessThan(20);
  // Inside the views chart the arrow keys move the tooltip from day to day.
  const views = page.getByRole('group', { name: 'Views by day', exact: true });
  await views.locator('[tabindex="0"]').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(views.locator('.recharts-tooltip-wrapper')).toContainText('Views');
  await page.keyboard.press('ArrowRight');
  await expect(views.locator('.recharts-tooltip-wrapper')).toBeVisible();
});

test('no console error and no failed request on any page, the favicon included', async ({ page, request }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toMatch(/icon/);
  await signIn(page, world.owner);
  const a = world.app.naturalId;
  for (const path of [
    '/apps',
    `/apps/${a}`,
    `/apps/${a}/tables`,
    `/apps/${a}/tables/items`,
    `/apps/${a}/api`,
    `/apps/${a}/settings`,
    '/account',
    `/apps/${world.bare.naturalId}`,
  ]) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  expect(problems).toEqual([]);
});

test('on a phone no figure is cut and every invocation shows its status', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, demo('olivia'), '/apps/storefront');
  const values = page.locator('[role="group"][aria-label] > p:nth-child(2)');
  await expect(values).toHaveCount(8);
  const cut = await values.evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent));
  expect(cut).toEqual([]);
  await page.goto('/apps/storefront/api');
  const calls = page.getByRole('list', { name: 'Recent invocations' }).getByRole('listitem');
  await expect(calls).toHaveCount(100);
  for (const i of [0, 50, 99]) await expect(calls.nth(i).getByTitle(/^\d{3}: /)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
