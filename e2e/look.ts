import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Page, expect } from '@playwright/test';

// Axe and screenshots for the admin pages (account, settings), as
// a11y-screens.spec.ts does them for the others: light and dark, phone and desktop.

const SHOTS = path.join(import.meta.dirname, 'screenshots');
export const SCHEMES = ['light', 'dark'] as const;
const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

/** No serious or critical axe finding, no sideways scroll on a phone, and a full-page screenshot per width. */
export async function lookAt(page: Page, name: string, scheme: (typeof SCHEMES)[number], prepare?: () => Promise<void>): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.waitForLoadState('networkidle');
    await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
    if (prepare) await prepare();
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
    expect(serious, `${name} ${scheme} ${size.name}`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}-${size.name}.png`), fullPage: true });
    if (size.name === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
    }
  }
}
