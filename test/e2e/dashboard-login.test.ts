import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createUser, grantRole } from '../../src/accounts/users.ts';
import { CHROMIUM_ARGS } from '../helpers/chromium.ts';
import { axeSerious, watch } from '../helpers/dashboard-browser.ts';
import { DashClient, makeUser, totpCode } from '../helpers/dashboard-client.ts';
import { createSession } from '../helpers/dashboard-seed.ts';
import { startServer } from '../helpers/server.ts';

// The dashboard in real Chromium: the sign-in page alone (no session table behind the form), a
// password + TOTP sign-in, the session list with its filters and live updates, sign-out, and the
// one-time-password and two-factor enrolment screens; axe-core finds no serious or critical
// accessibility problem on each. Screens go to test-artifacts/screens/dashboard-*.png.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENS = path.join(root, 'test-artifacts/screens');
type Server = Awaited<ReturnType<typeof startServer>>;

describe('dashboard sign-in and session list in Chromium', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  before(async () => {
    await mkdir(SCREENS, { recursive: true });
    server = await startServer({ workers: false });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('sign in with password and TOTP, filter the list, a new session appears live, sign out', async () => {
    const deps = server.runtime.deps;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    for (const ext of ['order-1001', 'order-1002']) await createSession(server, { profile: { steps: ['selfie', 'video'], video_mode: 'self_record' }, external_id: ext });
    // A reviewer enrolled in TOTP (through the API, as the page would).
    const u = await makeUser(deps, { login: 'rosa', projectId, roles: ['reviewer'] });
    const api = new DashClient(server.baseUrl);
    await api.login('rosa', u.password);
    const { secret } = (await (await api.req('POST', '/me/totp')).json()) as { secret: string };
    assert.equal((await api.req('POST', '/me/totp/confirm', { code: totpCode(secret, server.clock.now()) })).status, 200);
    await api.req('POST', '/logout');
    server.clock.advance(30); // the enrolment's code is spent

    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    const problems = watch(page);
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.waitForSelector('#login-form');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-01-sign-in.png') });
    // The sign-in page is the form alone: no table, filters or account bar behind it.
    assert.equal(await page.locator('table').count(), 0);
    assert.equal(await page.locator('#filters, #logout, #totp-field').count(), 0);
    assert.deepEqual(await axeSerious(page), []);

    await page.fill('#login-name', 'rosa');
    await page.fill('#login-password', u.password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#totp-field');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-totp', 'focus moves to the code field');
    await page.fill('#login-totp', totpCode(secret, server.clock.now()));
    await page.keyboard.press('Enter');
    // A reviewer lands on the queue; the session list is one link away.
    await page.waitForSelector('#queue-title');
    assert.match((await page.textContent('#who')) ?? '', /ROSA · reviewer/);
    assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly: the page cannot read it');
    assert.equal(await page.evaluate(() => Object.keys(sessionStorage).length + Object.keys(localStorage).length), 0, 'no credential kept in storage');
    await page.click('nav.pages a:has-text("Sessions")');
    await page.waitForSelector('#rows tr[data-id]');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-03-sessions.png') });
    assert.equal(await page.locator('#rows tr[data-id]').count(), 2);
    assert.deepEqual(await axeSerious(page), []);

    // Filter by external id: the URL carries the filter, one row is left.
    await page.fill('#f-ext', 'order-1002');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr[data-id]').length === 1);
    assert.match(await page.locator('#rows tr[data-id] td:first-child .muted').innerText(), /order-1002/);
    assert.match(page.url(), /external_id=order-1002/);
    await page.click('#filters button:has-text("Clear")');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr[data-id]').length === 2);

    // Live: a session created by the integrator appears without a reload, marked new.
    const fresh = await createSession(server, { profile: { steps: ['selfie'] }, external_id: 'order-live' });
    await page.waitForSelector(`#rows tr[data-id="${fresh.id}"].fresh`, { timeout: 30_000 });

    // Open a session: the evidence viewer loads through the cookie.
    await page.click(`#rows tr[data-id="${fresh.id}"] a`);
    await page.waitForSelector('#detail-title');
    assert.match((await page.textContent('#detail-title')) ?? '', new RegExp(fresh.id));

    // A reload keeps the session (cookie) and the page (URL), sign-out ends it.
    await page.reload();
    await page.waitForSelector('#detail-title');
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    assert.equal(await page.locator('table').count(), 0);
    await page.reload();
    await page.waitForSelector('#login-form');
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  test('a one-time password leads to choosing a new one; two-factor enrolment from the page', async () => {
    const deps = server.runtime.deps;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    const { user, password } = await createUser(deps.db, deps.clock, { login: 'boss', displayName: 'The Boss' });
    await grantRole(deps.db, deps.clock, user.id, projectId, 'admin');
    server.clock.advance(61);

    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    const problems = watch(page);
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.fill('#login-name', 'boss');
    await page.fill('#login-password', password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#password-form');
    assert.equal(await page.locator('table').count(), 0, 'nothing of the sessions before the password is chosen');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-04-new-password.png') });
    await page.fill('#pw-current', password);
    await page.fill('#pw-new', 'a-better-passphrase');
    await page.fill('#pw-again', 'a-better-passphrase-typo');
    await page.click('#password-form button[type="submit"]');
    assert.match((await page.textContent('#password-error')) ?? '', /differ/);
    await page.fill('#pw-again', 'a-better-passphrase');
    await page.click('#password-form button[type="submit"]');
    await page.waitForSelector('#main');

    await page.click('#totp-start');
    await page.waitForSelector('#totp-secret');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-05-totp-enrol.png') });
    assert.deepEqual(await axeSerious(page), []);
    const uri = (await page.getAttribute('#totp-uri', 'href')) ?? '';
    const secret = new URL(uri).searchParams.get('secret') ?? '';
    assert.equal((await page.textContent('#totp-secret'))?.replace(/ /g, ''), secret);
    await page.fill('#totp-code', totpCode(secret, server.clock.now()));
    await page.click('#totp-form button[type="submit"]');
    await page.waitForSelector('#main');
    assert.equal(await page.locator('#totp-start').count(), 0, 'enrolled: the offer is gone');
    const row = await deps.db.selectFrom('users').select(['must_change_password', 'totp_secret']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.must_change_password, 0);
    assert.ok(row.totp_secret);
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});
