import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createUser, grantRole } from '../../src/accounts/users.ts';
import { DashClient, makeUser, totpCode } from '../helpers/dashboard-client.ts';
import { startServer } from '../helpers/server.ts';

// The dashboard in real Chromium: the sign-in page alone (no session table behind the form), a
// password + TOTP sign-in, the session list of the user's project, sign-out. Screens go to
// test-artifacts/screens/dashboard-*.png.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENS = path.join(root, 'test-artifacts/screens');
type Server = Awaited<ReturnType<typeof startServer>>;

describe('dashboard sign-in in Chromium', { timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  before(async () => {
    await mkdir(SCREENS, { recursive: true });
    server = await startServer({ workers: false });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('sign in with password and TOTP, see the project\'s sessions, sign out', async () => {
    const deps = server.runtime.deps;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    for (const ext of ['order-1001', 'order-1002']) {
      const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'self_record' }, external_id: ext }) });
      assert.equal(res.status, 201);
    }
    // A reviewer enrolled in TOTP (through the API, as the page would).
    const u = await makeUser(deps, { login: 'rosa', projectId, roles: ['reviewer'] });
    const api = new DashClient(server.baseUrl);
    await api.login('rosa', u.password);
    const { secret } = (await (await api.req('POST', '/me/totp')).json()) as { secret: string };
    assert.equal((await api.req('POST', '/me/totp/confirm', { code: totpCode(secret, server.clock.now()) })).status, 200);
    await api.req('POST', '/logout');
    server.clock.advance(30); // the enrolment's code is spent

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.waitForSelector('#login:not([hidden])');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-01-sign-in.png') });
    // The sign-in page is the form alone: no table, filters or account bar behind it.
    assert.equal(await page.isVisible('table'), false);
    assert.equal(await page.isVisible('#filters'), false);
    assert.equal(await page.isVisible('#logout'), false);
    assert.equal(await page.isVisible('#totp-field'), false);

    await page.fill('#login-name', 'rosa');
    await page.fill('#login-password', u.password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#totp-field:not([hidden])');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-02-totp.png') });
    await page.fill('#login-totp', totpCode(secret, server.clock.now()));
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#app:not([hidden]) #rows tr[data-id]');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-03-sessions.png') });
    const externals = await page.locator('#rows tr[data-id] td:first-child .muted').allTextContents();
    assert.deepEqual(externals.sort(), ['order-1001', 'order-1002']);
    assert.equal(await page.isVisible('#login'), false);
    assert.match((await page.textContent('#who')) ?? '', /ROSA · reviewer/);
    assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly: the page cannot read it');
    assert.equal(await page.evaluate(() => Object.keys(sessionStorage).length + Object.keys(localStorage).length), 0, 'no credential kept in storage');

    // Open a session: the detail loads through the cookie.
    await page.click('#rows tr[data-id]');
    await page.waitForSelector('#detail h2');
    assert.match((await page.textContent('#detail h2')) ?? '', /Session ses_/);

    // A reload keeps the session (cookie), sign-out ends it.
    await page.reload();
    await page.waitForSelector('#app:not([hidden]) #rows tr[data-id]');
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    assert.equal(await page.isVisible('table'), false);
    await page.reload();
    await page.waitForSelector('#login:not([hidden])');
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  test('a one-time password leads to choosing a new one; two-factor enrolment from the page', async () => {
    const deps = server.runtime.deps;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    const { user, password } = await createUser(deps.db, deps.clock, { login: 'boss', displayName: 'The Boss' });
    await grantRole(deps.db, deps.clock, user.id, projectId, 'admin');
    server.clock.advance(61);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.fill('#login-name', 'boss');
    await page.fill('#login-password', password);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#password:not([hidden])');
    assert.equal(await page.isVisible('table'), false, 'nothing of the sessions before the password is chosen');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-04-new-password.png') });
    await page.fill('#pw-current', password);
    await page.fill('#pw-new', 'a-better-passphrase');
    await page.fill('#pw-again', 'a-better-passphrase-typo');
    await page.click('#password-form button[type="submit"]');
    assert.match((await page.textContent('#password-error')) ?? '', /differ/);
    await page.fill('#pw-again', 'a-better-passphrase');
    await page.click('#password-form button[type="submit"]');
    await page.waitForSelector('#app:not([hidden])');

    await page.click('#totp-start');
    await page.waitForSelector('#totp:not([hidden])');
    await page.screenshot({ path: path.join(SCREENS, 'dashboard-05-totp-enrol.png') });
    const uri = (await page.getAttribute('#totp-uri', 'href')) ?? '';
    const secret = new URL(uri).searchParams.get('secret') ?? '';
    assert.equal((await page.textContent('#totp-secret'))?.replace(/ /g, ''), secret);
    await page.fill('#totp-code', totpCode(secret, server.clock.now()));
    await page.click('#totp-form button[type="submit"]');
    await page.waitForSelector('#app:not([hidden])');
    assert.equal(await page.isVisible('#totp-start'), false, 'enrolled: the offer is gone');
    const row = await deps.db.selectFrom('users').select(['must_change_password', 'totp_secret']).where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.must_change_password, 0);
    assert.ok(row.totp_secret);
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});
