import { chromium } from '@playwright/test';

// Screenshots of the retention notice on the API and Errors pages of the seeded storefront app.
const base = process.env.BASE ?? 'http://127.0.0.1:3999';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
for (const scheme of ['light', 'dark'] as const) {
  for (const size of [
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    const page = await browser.newPage({ viewport: size, colorScheme: scheme });
    await page.goto(`${base}/login`);
    await page.waitForLoadState('networkidle');
    await page.getByLabel('Username').fill('olivia');
    await page.getByLabel('Password').fill('demo-owner');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    for (const tab of ['errors', 'api']) {
      await page.goto(`${base}/apps/storefront/${tab}?range=90d`);
      await page.waitForLoadState('networkidle');
      const notice = page.getByText(/were removed by retention/).first();
      await notice.waitFor();
      await notice.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `/work/main/.scratch/retention-${tab}-${scheme}-${size.name}.png`, fullPage: false });
    }
    await page.close();
  }
}
await browser.close();
