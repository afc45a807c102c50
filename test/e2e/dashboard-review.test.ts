import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../helpers/chromium.ts';
import { axeSerious, watch } from '../helpers/dashboard-browser.ts';
import { DashClient, makeUser, totpCode } from '../helpers/dashboard-client.ts';
import { submitExpiredPassportSession, waitForStatus } from '../helpers/dashboard-seed.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { startServer } from '../helpers/server.ts';

// A review from start to end in real Chromium, on a session the real pipeline processed (an
// expired passport: automatically declined). An admin turns four-eyes on in Settings; a reviewer
// signs in with TOTP, claims the session from the queue, plays its video and seeks to a challenge,
// zooms the document, and approves it over the automatic decline (confirmation + written reason);
// the approval waits; the admin confirms it as the second reviewer; the integrator's endpoint gets
// a signed video.reviewed. axe-core checks every page on the way.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENS = path.join(root, 'test-artifacts/screens');
type Server = Awaited<ReturnType<typeof startServer>>;

describe('dashboard review with four-eyes in Chromium', { timeout: 600_000 }, () => {
  let server: Server;
  let browser: Browser;
  let recv: Awaited<ReturnType<typeof startReceiver>>;
  let secret: string | undefined;
  before(async () => {
    await mkdir(SCREENS, { recursive: true });
    recv = await startReceiver({ secret: () => secret });
    server = await startServer({ workers: false });
    const hook = await fetch(`${server.baseUrl}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: recv.url }) });
    secret = ((await hook.json()) as { secret: string }).secret;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await recv?.close();
  });

  async function signIn(ctx: BrowserContext, login: string, password: string, totpSecret?: string): Promise<{ page: Page; problems: string[] }> {
    const page = await ctx.newPage();
    const problems = watch(page);
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.fill('#login-name', login);
    await page.fill('#login-password', password);
    await page.click('#login-form button[type="submit"]');
    if (totpSecret) {
      await page.waitForSelector('#login-totp');
      await page.fill('#login-totp', totpCode(totpSecret, server.clock.now()));
      await page.click('#login-form button[type="submit"]');
    }
    await page.waitForSelector('#main h2');
    return { page, problems };
  }

  test('claim, video and document evidence, override approval, second approval, signed webhook', async () => {
    const deps = server.runtime.deps;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    const id = await submitExpiredPassportSession(server, 'order-7');
    server.startWorkers();
    const processed = await waitForStatus(server, id, 'completed');
    assert.equal(processed.result, 'declined', JSON.stringify(processed.reasons));

    const rosa = await makeUser(deps, { login: 'rosa', projectId, roles: ['reviewer'] });
    const ivan = await makeUser(deps, { login: 'ivan', projectId, roles: ['admin', 'reviewer'] });
    // Rosa has two-factor sign-in (enrolled through the API, as the page does).
    const c = new DashClient(server.baseUrl);
    await c.login('rosa', rosa.password);
    const { secret: totp } = (await (await c.req('POST', '/me/totp')).json()) as { secret: string };
    assert.equal((await c.req('POST', '/me/totp/confirm', { code: totpCode(totp, server.clock.now()) })).status, 200);
    server.clock.advance(30);

    // The admin turns four-eyes on in Settings → Project.
    const adminCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const admin = await signIn(adminCtx, 'ivan', ivan.password);
    await admin.page.goto(`${server.baseUrl}/dashboard#/settings/project`);
    await admin.page.waitForSelector('#four-eyes');
    assert.deepEqual(await axeSerious(admin.page), []);
    await admin.page.check('#four-eyes');
    await admin.page.click('#project-settings button[type="submit"]');
    await admin.page.waitForSelector('.save-bar [role="status"]:has-text("Saved.")');

    // Rosa: the queue, claim, expiry shown.
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const { page, problems } = await signIn(ctx, 'rosa', rosa.password, totp);
    await page.waitForSelector(`#rows tr[data-id="${id}"]`);
    assert.deepEqual(await axeSerious(page), []);
    await page.click(`#rows tr[data-id="${id}"] [data-action="claim"]`);
    await page.waitForSelector(`#rows tr[data-id="${id}"] [data-claim="mine"]`);
    assert.match(await page.locator(`#rows tr[data-id="${id}"] [data-claim="mine"]`).innerText(), /Claimed by you · expires in \d+ min/);
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-10-queue.png') });

    // The evidence viewer: reasons in words, the document, the video.
    await page.click(`#rows tr[data-id="${id}"] a[aria-label="Open ${id}"]`);
    await page.waitForSelector('#reasons li');
    assert.match(await page.locator('#reasons').innerText(), /expired/i);
    assert.deepEqual(await axeSerious(page), []);

    // Play the video, then seek to the first challenge through its button.
    const ch = page.locator('#challenges button').first();
    await ch.waitFor();
    await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).play());
    await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).currentTime > 0.2, undefined, { timeout: 30_000 });
    // The button seeks to the moment the challenge was detected, or to its window's start.
    const target = Number(await ch.getAttribute('data-seek'));
    await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).pause());
    await ch.click();
    const videoState = () => page.evaluate(() => {
      const v = document.getElementById('video') as HTMLVideoElement;
      return { t: v.currentTime, seekable: v.seekable.length ? [v.seekable.start(0), v.seekable.end(0)] : [], duration: v.duration };
    });
    await page.waitForFunction((t) => Math.abs((document.getElementById('video') as HTMLVideoElement).currentTime - t) < 0.5, target).catch(async () => assert.fail(`seek to ${target}: ${JSON.stringify(await videoState())}`));
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-11-detail.png'), fullPage: true });

    // Zoom the document: open the lightbox from the keyboard, zoom with +, close with Esc.
    await page.focus('button.thumb[data-doc="front"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lightbox[open]');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    assert.equal(await page.textContent('#lb-zoom'), '156 %');
    await page.waitForFunction(() => /scale\(1\.56/.test(document.querySelector('#lightbox img')?.getAttribute('style') ?? ''));
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-12-lightbox.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lightbox', { state: 'detached' });

    // Approve over the automatic decline: a reason, a written note, and a confirmation.
    await page.check('input[name="action"][value="approve"]');
    await page.waitForSelector('#override-warn');
    const reasonValue = await page.locator('#decide-reason option').nth(1).getAttribute('value');
    await page.selectOption('#decide-reason', reasonValue ?? '');
    await page.fill('#decide-notes', 'Expired last month; the bank accepts it with the renewal receipt on file.');
    await page.click('#decide-submit');
    await page.waitForSelector('#override-confirm');
    await page.click('#confirm-override');
    await page.waitForSelector('#second-approval, #decide-error:not(:empty), #decided');
    assert.equal(await page.locator('#decide-error').count() ? await page.textContent('#decide-error') : '', '', 'the decision was accepted');
    await page.waitForSelector('#second-approval #own-approval');
    assert.equal(recv.received.filter((r) => (JSON.parse(r.body) as { event: string }).event === 'video.reviewed').length, 0, 'no video.reviewed before the second approval');
    const waiting = (await (await fetch(`${server.baseUrl}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${server.apiKey}` } })).json()) as { result: string; reviewed_at: string | null };
    assert.deepEqual([waiting.result, waiting.reviewed_at], ['declined', null], 'the first approval alone decides nothing');

    // The admin confirms as the second reviewer, from the queue's second-approval tab.
    await admin.page.goto(`${server.baseUrl}/dashboard#/queue`);
    await admin.page.click('#tab-second');
    await admin.page.waitForSelector(`#rows tr[data-id="${id}"]`);
    await admin.page.click(`#rows tr[data-id="${id}"] a[aria-label="Open ${id}"]`);
    await admin.page.waitForSelector('#second-confirm');
    await admin.page.screenshot({ path: path.join(SCREENS, 'dashboard-13-second-approval.png') });
    await admin.page.click('#second-confirm');
    await admin.page.waitForSelector('#decided');

    // video.completed (from the pipeline) may still be on its way: wait for the review's own event.
    const typeOf = (r: { body: string }) => (JSON.parse(r.body) as { event: string }).event;
    const deadline = Date.now() + 60_000;
    while (!recv.received.some((r) => typeOf(r) === 'video.reviewed') && Date.now() < deadline) await recv.waitFor(recv.received.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    const reviewed = recv.received.find((r) => typeOf(r) === 'video.reviewed');
    assert.ok(reviewed, `video.reviewed arrived (got ${recv.received.map(typeOf).join(', ')})`);
    assert.equal(reviewed.verified, true, 'signed with the endpoint secret');
    const body = JSON.parse(reviewed.body) as { data: { session_id: string; result: string; reviewed_by?: { id: string }; confirmed_by?: { id: string } } };
    assert.equal(body.data.session_id, id);
    assert.equal(body.data.result, 'approved');
    // The two people, from their sign-ins: the reviewer who approved and the admin who confirmed.
    assert.equal(body.data.reviewed_by?.id, rosa.id);
    assert.equal(body.data.confirmed_by?.id, ivan.id);

    // The overview draws its charts.
    await admin.page.goto(`${server.baseUrl}/dashboard#/overview`);
    await admin.page.waitForSelector('#chart-daily canvas');
    assert.deepEqual(await axeSerious(admin.page), []);
    assert.deepEqual([...problems, ...admin.problems], []);
    await ctx.close();
    await adminCtx.close();
  });
});
