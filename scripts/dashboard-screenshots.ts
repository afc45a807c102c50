import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { dashboardFixture } from './dashboard-fixture.ts';

// `npm run screenshots:dashboard`: every dashboard page at desktop (1366×900) and tablet (820×1180)
// widths → /tmp/vkyc-shots/<page>-<width>.png (not committed). For people to look at.

const OUT = process.argv[2] ?? '/tmp/vkyc-shots';
const VIEWPORTS = { desktop: { width: 1366, height: 900 }, tablet: { width: 820, height: 1180 } };

const f = await dashboardFixture();
try {
  await mkdir(OUT, { recursive: true });
  const pages: Array<[string, string, string]> = [
    ['queue', '#/queue', '#queue-title'],
    ['sessions', '#/sessions', '#rows tr'],
    ['detail', `#/sessions/${f.processedId}`, '#h-reasons'],
    ['overview', '#/overview', '#overview-title'],
    ['settings-users', '#/settings/users', '#users tbody tr'],
    ['settings-api-keys', '#/settings/api-keys', '#settings-title'],
    ['settings-webhooks', '#/settings/webhooks', '#settings-title'],
    ['settings-project', '#/settings/project', '#settings-title'],
  ];
  for (const [name, vp] of Object.entries(VIEWPORTS)) {
    const anon = await f.browser.newContext({ viewport: vp });
    const p0 = await anon.newPage();
    await p0.goto(`${f.server.baseUrl}/dashboard`);
    await p0.waitForSelector('#login-form');
    await p0.screenshot({ path: path.join(OUT, `sign-in-${name}.png`) });
    await anon.close();
    const ctx = await f.signedIn(vp);
    const page = await ctx.newPage();
    for (const [id, hash, ready] of pages) {
      await page.goto(`${f.server.baseUrl}/dashboard${hash}`);
      await page.waitForSelector(ready);
      if (id === 'settings-webhooks') await page.click('.endpoints button:has-text("Delivery log")').catch(() => undefined);
      await page.waitForTimeout(600); // charts and images settle
      await page.screenshot({ path: path.join(OUT, `${id}-${name}.png`), fullPage: true });
    }
    await page.goto(`${f.server.baseUrl}/dashboard#/sessions/${f.processedId}`);
    await page.waitForSelector('button.thumb[data-doc="front"]');
    await page.click('button.thumb[data-doc="front"]');
    await page.keyboard.press('+');
    await page.screenshot({ path: path.join(OUT, `lightbox-${name}.png`) });
    await ctx.close();
  }
  console.log(`screenshots → ${OUT}`);
} finally {
  await f.close();
}
