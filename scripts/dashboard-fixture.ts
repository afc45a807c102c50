import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { makeUser } from '../test/helpers/dashboard-client.ts';
import { CHROMIUM_ARGS } from '../test/helpers/chromium.ts';
import { createSession, submitExpiredPassportSession, waitForStatus } from '../test/helpers/dashboard-seed.ts';
import { startReceiver } from '../test/helpers/receiver.ts';
import { startServer } from '../test/helpers/server.ts';

// A dashboard with something to look at, for the screenshot and measurement scripts: a real server
// (temp data dir), one session processed by the real pipeline (expired passport → declined), a
// few open sessions, an admin account, and Chromium signed in as that admin.

export interface Fixture { server: Awaited<ReturnType<typeof startServer>>; browser: Browser; processedId: string; signedIn: (viewport: { width: number; height: number }) => Promise<BrowserContext>; close: () => Promise<void> }

export async function dashboardFixture(): Promise<Fixture> {
  const server = await startServer({ workers: false });
  const srv = { baseUrl: server.baseUrl, apiKey: server.apiKey };
  // A webhook endpoint (a local receiver) so the delivery log and the evidence's webhook list have rows.
  const recv = await startReceiver();
  await fetch(`${server.baseUrl}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: recv.url, description: 'the bank\'s case system' }) });
  const projectId = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  const processedId = await submitExpiredPassportSession(srv, 'order-7');
  for (let i = 0; i < 12; i++) await createSession(srv, { profile: { steps: i % 3 ? ['document', 'selfie', 'video'] : ['selfie', 'video'], video_mode: 'self_record', video_language: (['en', 'de', 'fr'] as const)[i % 3] }, external_id: `order-${100 + i}`, account_id: `acct-${i % 4}` });
  server.startWorkers();
  await waitForStatus(srv, processedId, 'completed');
  const admin = await makeUser(server.runtime.deps, { login: 'ana', projectId, roles: ['admin', 'reviewer'] });
  await makeUser(server.runtime.deps, { login: 'rosa', projectId, roles: ['reviewer'] });
  await makeUser(server.runtime.deps, { login: 'otto', projectId, roles: ['auditor'] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    server, browser, processedId,
    async signedIn(viewport) {
      const ctx = await browser.newContext({ viewport });
      const page = await ctx.newPage();
      await page.goto(`${server.baseUrl}/dashboard`);
      await page.fill('#login-name', 'ana');
      await page.fill('#login-password', admin.password);
      await page.click('#login-form button[type="submit"]');
      await page.waitForSelector('#main h2');
      await page.close();
      return ctx;
    },
    async close() {
      await browser.close();
      await server.stop();
      await recv.close();
    },
  };
}
