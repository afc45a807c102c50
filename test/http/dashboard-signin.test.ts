import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCKOUT } from '../../src/accounts/throttle.ts';
import { DashClient, errorCode, makeUser } from '../helpers/dashboard-client.ts';
import { startServer } from '../helpers/server.ts';

// Dashboard sign-in over a real socket (cookies, Origin, client address are what a browser and
// @hono/node-server really exchange). Time moves with the server's TestClock, never by sleeping;
// each test starts in a fresh minute so the per-address limits of one test do not reach the next.

type Server = Awaited<ReturnType<typeof startServer>>;

describe('dashboard sign-in', { timeout: 300_000 }, () => {
  let server: Server;
  let projectId: string;
  const nextMinute = () => server.clock.advance(61);
  before(async () => {
    server = await startServer({ workers: false });
    projectId = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  });
  after(async () => { await server.stop(); });

  test('sign-in sets an HttpOnly, SameSite=Strict cookie scoped to /dashboard; /me answers with roles and a CSRF token', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'rita', projectId, roles: ['reviewer'] });
    const c = new DashClient(server.baseUrl);
    const res = await c.login('Rita', u.password); // logins are case-insensitive
    assert.equal(res.status, 200, await res.clone().text());
    const cookie = res.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^vkyc_dash=[A-Za-z0-9_-]{43}; Path=\/dashboard; HttpOnly; SameSite=Strict$/);
    assert.doesNotMatch(cookie, /Secure|Max-Age|Domain/i, 'plain HTTP without a trusted proxy: not Secure; a browser-session cookie');
    const me = await c.req('GET', '/me');
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await me.json()) as { user: { login: string }; roles: string[]; project: { id: string }; pending: string[]; csrf_token: string };
    assert.equal(body.user.login, 'rita');
    assert.deepEqual(body.roles, ['reviewer']);
    assert.equal(body.project.id, projectId);
    assert.deepEqual(body.pending, []);
    assert.equal(body.csrf_token, c.csrf);
    // The token is stored hashed: the cookie value is nowhere in the database.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await server.runtime.deps.db.selectFrom('login_sessions').selectAll().execute();
    assert.ok(rows.length >= 1 && rows.every((r) => !Object.values(r).includes(token)));
  });

  test('behind a trusted TLS proxy the cookie is __Secure- and Secure; an untrusted X-Forwarded-Proto changes nothing', async () => {
    nextMinute();
    const untrusted = await makeUser(server.runtime.deps, { login: 'tess', projectId, roles: ['auditor'] });
    const c = new DashClient(server.baseUrl);
    const plain = await c.req('POST', '/login', { login: 'tess', password: untrusted.password }, { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(plain.status, 200);
    assert.match(plain.headers.getSetCookie()[0] ?? '', /^vkyc_dash=/);
    assert.doesNotMatch(plain.headers.getSetCookie()[0] ?? '', /Secure/);

    const tls = await startServer({ workers: false, env: { TRUST_PROXY: '127.0.0.1,::1' } });
    try {
      const pid = (await tls.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
      const u = await makeUser(tls.runtime.deps, { login: 'tess', projectId: pid, roles: ['auditor'] });
      const t = new DashClient(tls.baseUrl);
      const res = await t.req('POST', '/login', { login: 'tess', password: u.password }, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.getSetCookie()[0] ?? '', /^__Secure-vkyc_dash=[A-Za-z0-9_-]{43}; Path=\/dashboard; HttpOnly; Secure; SameSite=Strict$/);
      // Over TLS only the __Secure- cookie is read: a plain one (planted over HTTP) signs nobody in.
      const planted = t.cookie!.replace('__Secure-', '');
      const me = await fetch(`${tls.baseUrl}/dashboard/api/me`, { headers: { cookie: planted, 'x-forwarded-proto': 'https' } });
      assert.equal(me.status, 401);
      const ok = await fetch(`${tls.baseUrl}/dashboard/api/me`, { headers: { cookie: t.cookie!, 'x-forwarded-proto': 'https' } });
      assert.equal(ok.status, 200);
    } finally {
      await tls.stop();
    }
  });

  test('an unknown login, a wrong password and a disabled account get the same answer', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'walt', projectId, roles: ['reviewer'] });
    const d = await makeUser(server.runtime.deps, { login: 'dora', projectId, roles: ['reviewer'] });
    await server.runtime.deps.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', d.id).execute();
    const answers = [];
    for (const [login, password] of [['nobody-here', 'whatever-password'], ['walt', 'wrong-password-123'], ['dora', d.password]] as const) {
      const res = await new DashClient(server.baseUrl).login(login, password);
      answers.push({ status: res.status, body: await res.json(), cookie: res.headers.getSetCookie().length });
    }
    assert.deepEqual(answers[0], { status: 401, body: { error: { code: 'login_failed', message: 'the login or the password is wrong' } }, cookie: 0 });
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0], 'disabled: refused like a wrong password');
    assert.equal((await new DashClient(server.baseUrl).login('walt', u.password)).status, 200);
  });

  test(`${LOCKOUT.maxFailures} failures lock a login (known or not) for ${LOCKOUT.lockSeconds / 60} min; time or an admin unlocks it`, async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'lena', projectId, roles: ['reviewer'] });
    const admin = await makeUser(server.runtime.deps, { login: 'ada', projectId, roles: ['admin'] });
    const fail = async (login: string) => {
      const res = await new DashClient(server.baseUrl).login(login, 'not-the-password');
      return { status: res.status, code: await errorCode(res) };
    };
    const run = async (login: string) => {
      const out = [];
      for (let i = 0; i < LOCKOUT.maxFailures; i++) out.push(await fail(login));
      return out;
    };
    const known = await run('lena');
    assert.deepEqual(known.slice(0, -1).map((r) => r.code), Array(LOCKOUT.maxFailures - 1).fill('login_failed'));
    assert.deepEqual(known.at(-1), { status: 429, code: 'login_locked' });
    // The right password is refused while locked, without saying whether it was right.
    const locked = await new DashClient(server.baseUrl).login('lena', u.password);
    assert.equal(locked.status, 429);
    const lockedBody = (await locked.json()) as { error: { code: string; details: { retry_after: number } } };
    assert.equal(lockedBody.error.code, 'login_locked');
    assert.equal(lockedBody.error.details.retry_after, LOCKOUT.lockSeconds);

    nextMinute(); // the per-address limit (10 a minute) is not what is tested here
    assert.deepEqual(await run('ghost-account'), known, 'an unknown login locks the same way');

    // Unlock by time.
    server.clock.advance(LOCKOUT.lockSeconds);
    assert.equal((await new DashClient(server.baseUrl).login('lena', u.password)).status, 200);

    // Lock again; an admin of the project unlocks.
    nextMinute();
    await run('lena');
    const a = new DashClient(server.baseUrl);
    assert.equal((await a.login('ada', admin.password)).status, 200);
    const list = (await (await a.req('GET', '/users')).json()) as { data: Array<{ login: string; locked_for_seconds: number | null }> };
    assert.ok((list.data.find((x) => x.login === 'lena')?.locked_for_seconds ?? 0) > 0);
    assert.equal((await a.req('POST', `/users/${u.id}/unlock`)).status, 200);
    assert.equal((await new DashClient(server.baseUrl).login('lena', u.password)).status, 200);
  });

  test('more than 10 sign-ins a minute from one address: 429 rate_limited', async () => {
    nextMinute();
    const codes = [];
    for (let i = 0; i < 11; i++) codes.push(await errorCode(await new DashClient(server.baseUrl).login(`spray-${i}`, 'x')));
    assert.deepEqual(codes, [...Array(10).fill('login_failed'), 'rate_limited']);
  });

  test('CSRF: a write without the token, with a wrong one or from another origin is refused with 403 csrf_failed', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'cora', projectId, roles: ['admin'] });
    const c = new DashClient(server.baseUrl);
    assert.equal((await c.login('cora', u.password)).status, 200);
    const body = { login: 'newbie', roles: ['auditor'] };
    const noToken = await c.req('POST', '/users', body, { csrf: false });
    assert.equal(noToken.status, 403);
    assert.equal(await errorCode(noToken), 'csrf_failed');
    const wrong = await c.req('POST', '/users', body, { csrf: false, headers: { 'x-csrf-token': 'A'.repeat(43) } });
    assert.equal(await errorCode(wrong), 'csrf_failed');
    const foreign = await c.req('POST', '/users', body, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(await errorCode(foreign), 'csrf_failed');
    const crossSite = await c.req('POST', '/users', body, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(await errorCode(crossSite), 'csrf_failed');
    // Sign-in from another site is refused too (login CSRF).
    const loginCsrf = await new DashClient(server.baseUrl).req('POST', '/login', { login: 'cora', password: u.password }, { origin: 'https://evil.example' });
    assert.equal(await errorCode(loginCsrf), 'csrf_failed');
    assert.equal(await server.runtime.deps.db.selectFrom('users').select('id').where('login', '=', 'newbie').executeTakeFirst(), undefined, 'nothing was created');
    const ok = await c.req('POST', '/users', body);
    assert.equal(ok.status, 201);
    assert.match(((await ok.json()) as { one_time_password: string }).one_time_password, /^[a-z2-9-]{23}$/);
  });

  test('logout revokes the session server-side: the old cookie no longer works', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'otto', projectId, roles: ['auditor'] });
    const c = new DashClient(server.baseUrl);
    await c.login('otto', u.password);
    const stolen = c.cookie;
    const out = await c.req('POST', '/logout');
    assert.equal(out.status, 200);
    assert.match(out.headers.getSetCookie()[0] ?? '', /^vkyc_dash=; Max-Age=0; Path=\/dashboard/);
    const me = await fetch(`${server.baseUrl}/dashboard/api/me`, { headers: { cookie: stolen! } });
    assert.equal(me.status, 401);
    assert.equal(await errorCode(me), 'signin_required');
  });

  test('sessions end after 30 idle minutes; disabling a user ends theirs at once', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'ida', projectId, roles: ['auditor'] });
    const c = new DashClient(server.baseUrl);
    await c.login('ida', u.password);
    server.clock.advance(29 * 60);
    assert.equal((await c.req('GET', '/me')).status, 200, 'active within the idle window');
    server.clock.advance(29 * 60);
    assert.equal((await c.req('GET', '/me')).status, 200, 'the previous request renewed it');
    server.clock.advance(31 * 60);
    assert.equal(await errorCode(await c.req('GET', '/me')), 'signin_required');

    await c.login('ida', u.password);
    await server.runtime.deps.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', u.id).execute();
    assert.equal(await errorCode(await c.req('GET', '/me')), 'signin_required');
  });

  test('a one-time password works once: everything but setting a new one is refused until then', async () => {
    nextMinute();
    const a = await makeUser(server.runtime.deps, { login: 'adam', projectId, roles: ['admin'] });
    const admin = new DashClient(server.baseUrl);
    await admin.login('adam', a.password);
    const created = (await (await admin.req('POST', '/users', { login: 'nina', display_name: 'Nina N', roles: ['reviewer'] })).json()) as { id: string; one_time_password: string };
    const n = new DashClient(server.baseUrl);
    assert.equal((await n.login('nina', created.one_time_password)).status, 200);
    const me = (await (await n.req('GET', '/me')).json()) as { pending: string[] };
    assert.deepEqual(me.pending, ['password_change']);
    const list = await n.req('GET', '/sessions');
    assert.equal(list.status, 403);
    assert.equal(await errorCode(list), 'password_change_required');
    const wrongCurrent = await n.req('POST', '/me/password', { current_password: 'not-the-one-time-password', new_password: 'my-own-long-secret-1' });
    assert.equal(await errorCode(wrongCurrent), 'login_failed');
    const weak = await n.req('POST', '/me/password', { current_password: created.one_time_password, new_password: 'short' });
    assert.equal(await errorCode(weak), 'validation_failed');
    const set = await n.req('POST', '/me/password', { current_password: created.one_time_password, new_password: 'my-own-long-secret-1' });
    assert.equal(set.status, 200);
    assert.equal((await n.req('GET', '/sessions')).status, 200);
    assert.equal(await errorCode(await new DashClient(server.baseUrl).login('nina', created.one_time_password)), 'login_failed', 'the one-time password is gone');

    // An admin's reset: a new one-time password, the user's sessions end.
    const reset = (await (await admin.req('POST', `/users/${created.id}/reset-password`)).json()) as { one_time_password: string };
    assert.equal(await errorCode(await n.req('GET', '/me')), 'signin_required');
    assert.equal(await errorCode(await new DashClient(server.baseUrl).login('nina', 'my-own-long-secret-1')), 'login_failed');
    const again = new DashClient(server.baseUrl);
    await again.login('nina', reset.one_time_password);
    assert.deepEqual(((await (await again.req('GET', '/me')).json()) as { pending: string[] }).pending, ['password_change']);
  });

  test('opening the sign-in page many times from one address (an office behind NAT) is not taken for guessing', async () => {
    nextMinute();
    for (let i = 0; i < 25; i++) assert.equal((await fetch(`${server.baseUrl}/dashboard/api/me`)).status, 401);
    const u = await makeUser(server.runtime.deps, { login: 'nat', projectId, roles: ['auditor'] });
    assert.equal((await new DashClient(server.baseUrl).login('nat', u.password)).status, 200, 'more than the 20 failed credentials a minute, and still no 429');
  });

  test('the dashboard API takes no API key, and /v1 takes no dashboard cookie', async () => {
    nextMinute();
    const byKey = await fetch(`${server.baseUrl}/dashboard/api/sessions`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    assert.equal(byKey.status, 401);
    assert.equal(await errorCode(byKey), 'signin_required');
    const u = await makeUser(server.runtime.deps, { login: 'vic', projectId, roles: ['admin'] });
    const c = new DashClient(server.baseUrl);
    await c.login('vic', u.password);
    const v1 = await fetch(`${server.baseUrl}/v1/sessions`, { headers: { cookie: c.cookie! } });
    assert.equal(v1.status, 401);
  });
});
