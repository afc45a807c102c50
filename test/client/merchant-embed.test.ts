import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser } from 'playwright-core';
import { launchWithFakeMedia } from '../helpers/chromium.ts';
import { startMerchant } from '../../clients/ts/example/merchant.ts';
import { fakeCamera, fakeMicrophone } from '../helpers/fake-media.ts';
import { startServer } from '../helpers/server.ts';

// The example merchant in real Chromium: its checkout embeds vkyc's capture page with the
// <vkyc-capture> element (allowed because the example added its origin to allowed_origins at
// start), the customer takes the document photo inside the frame, and the element's events drive
// the shop page and reach the shop's server in order; `completed` takes the customer to the
// shop's return page. (The webhook half of the example: test/client/client.test.ts.)

const SHOTS = '/tmp/vkyc-shots/embed';

describe('example merchant embeds the capture page (Chromium)', { timeout: 240_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let merchant: Awaited<ReturnType<typeof startMerchant>>;
  let browser: Browser;
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [video, audio] = await Promise.all([fakeCamera(), fakeMicrophone()]);
    server = await startServer({ workers: false });
    merchant = await startMerchant({ vkycUrl: server.baseUrl, apiKey: server.apiKey, steps: ['document'] });
    browser = await launchWithFakeMedia({ video, audio });
  });
  after(async () => {
    await browser?.close();
    await merchant?.close();
    await server?.stop();
  });

  test('checkout → element → document in the frame → events on the order → return page', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, permissions: ['camera', 'microphone'] });
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('[merchant pageerror]', e));
      await page.goto(merchant.url);
      await Promise.all([page.waitForURL(`${merchant.url}/verify`), page.click('[data-action="verify"]')]);
      const order = [...merchant.orders.values()].at(-1)!;
      const frame = page.frameLocator('vkyc-capture iframe');
      await frame.locator('[data-screen="consent"]').waitFor({ timeout: 30_000 });
      await frame.locator('#agree').check();
      await frame.locator('[data-action="start"]').click();
      await page.locator('[data-testid="kyc-status"]', { hasText: 'Verification started.' }).waitFor();
      await frame.locator('[data-screen="document-front"] video').waitFor();
      await page.waitForTimeout(800);
      await frame.locator('[data-action="capture"]').click();
      await frame.locator('[data-action="use"]').click();
      await page.screenshot({ path: `${SHOTS}/13-merchant-embedded.png` });
      // `completed` sends the customer to the shop's return page (the frame does not redirect).
      await page.waitForURL(`${merchant.url}/done?session_id=${order.sessionId}`, { timeout: 60_000 });
      assert.match(await page.locator('h1').innerText(), /checking your documents/);
      assert.deepEqual(order.pageEvents.map((e) => e.type), ['started', 'step_completed', 'completed']);
      assert.deepEqual(order.pageEvents[0]!.detail, { session_id: order.sessionId });
      assert.deepEqual(order.pageEvents[1]!.detail, { step: 'document_front' });
      assert.equal(order.pageEvents[2]!.detail.session_id, order.sessionId);
      // A UI signal only: the outcome still waits for the signed webhook.
      assert.equal(order.status, 'started');
    } finally {
      await ctx.close();
    }
  });
});
