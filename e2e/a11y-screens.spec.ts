import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { TestUser } from '../test/helpers/fixtures';
import { createWorld, signIn, type World } from './fixtures';

// Every page, light and dark, phone (390 px) and desktop: axe finds nothing
// serious or critical, the page never scrolls sideways on a phone, and a
// screenshot lands in e2e/screenshots/ to be looked at.

const SHOTS = path.join(import.meta.dirname, 'screenshots');
const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

interface Screen {
  name: string;
  path: (w: World) => string;
  user: (w: World) => TestUser | null;
  /** Something to do before the picture, e.g. open a disclosure. */
  prepare?: (page: Page) => Promise<void>;
}

const SCREENS: Screen[] = [
  { name: 'login', path: () => '/login', user: () => null },
  { name: 'apps', path: () => '/apps', user: (w) => w.owner },
  { name: 'overview', path: (w) => `/apps/${w.app.naturalId}`, user: (w) => w.owner },
  { name: 'overview-no-workspace', path: (w) => `/apps/${w.bare.naturalId}`, user: (w) => w.owner },
  {
    name: 'tables',
    path: (w) => `/apps/${w.app.naturalId}/tables`,
    user: (w) => w.member,
    prepare: (page) => page.getByRole('button', { name: /columns of items/ }).click(),
  },
  { name: 'table-rows', path: (w) => `/apps/${w.app.naturalId}/tables/items?page=1&size=25`, user: (w) => w.member },
  { name: 'api', path: (w) => `/apps/${w.app.naturalId}/api`, user: (w) => w.owner },
  {
    name: 'errors',
    path: (w) => `/apps/${w.app.naturalId}/errors`,
    user: (w) => w.owner,
    prepare: (page) =>
      page
        .getByRole('button', { name: /^Show sample/ })
        .filter({ visible: true })
        .first()
        .click(),
  },
  { name: 'no-access', path: (w) => `/apps/${w.app.naturalId}/tables`, user: (w) => w.viewer },
  { name: 'not-found', path: () => '/apps/no-such-app', user: (w) => w.outsider },
];

let world: World;
test.beforeAll(async () => {
  world = await createWorld();
  mkdirSync(SHOTS, { recursive: true });
});

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
  await expect(page.locator('[data-chart-ready="false"]')).toHaveCount(0);
}

for (const screen of SCREENS) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${screen.name} (${scheme}): no serious axe findings, no sideways scroll on a phone`, async ({ page }) => {
      // Two widths, each a full axe run over up to 100 table rows: more than the default minute on a loaded 2-core machine.
      test.slow();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // The 404 page is answered with status 404 on purpose; anything else logged as an error (hydration mismatches included) fails.
        if (message.type() === 'error' && !message.text().includes('status of 404')) problems.push(message.text());
      });
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      const user = screen.user(world);
      if (user) await signIn(page, user);
      for (const size of WIDTHS) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.goto(screen.path(world));
        await settle(page);
        if (screen.prepare) await screen.prepare(page);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.help} → ${v.nodes
                .map((n) => n.target.join(' '))
                .slice(0, 5)
                .join(', ')}`,
          );
        expect(serious, `${screen.name} ${scheme} ${size.name}`).toEqual([]);
        if (size.name === 'phone') {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${screen.name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
        }
        await page.screenshot({ path: path.join(SHOTS, `${screen.name}-${scheme}-${size.name}.png`), fullPage: true });
      }
      expect(problems, 'errors in the browser console').toEqual([]);
    });
  }
}
