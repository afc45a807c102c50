import { endUnprocessable } from '../../src/verification/finish-session.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { DashClient, errorCode, makeUser, totpCode } from '../helpers/dashboard-client.ts';
import { startServer } from '../helpers/server.ts';

// TOTP second factor and role checks of the dashboard API, over a real socket.

type Server = Awaited<ReturnType<typeof startServer>>;

describe('dashboard TOTP and roles', { timeout: 300_000 }, () => {
  let server: Server;
  let projectA: string;
  const nextMinute = () => server.clock.advance(61);
  before(async () => {
    server = await startServer({ workers: false });
    projectA = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  });
  after(async () => { await server.stop(); });

  async function enrol(c: DashClient): Promise<string> {
    const begin = await c.req('POST', '/me/totp');
    assert.equal(begin.status, 200);
    const t = (await begin.json()) as { secret: string; otpauth_uri: string };
    assert.match(t.otpauth_uri, /^otpauth:\/\/totp\/vkyc:[^?]+\?secret=[A-Z2-7]{32}&issuer=vkyc&algorithm=SHA1&digits=6&period=30$/);
    const wrong = await c.req('POST', '/me/totp/confirm', { code: '000000' === totpCode(t.secret, server.clock.now()) ? '111111' : '000000' });
    assert.equal(await errorCode(wrong), 'totp_invalid');
    const ok = await c.req('POST', '/me/totp/confirm', { code: totpCode(t.secret, server.clock.now()) });
    assert.equal(ok.status, 200, await ok.clone().text());
    return t.secret;
  }

  test('enrol, then sign-in needs the code; a used code is refused; the next step\'s code works', async () => {
    nextMinute();
    const u = await makeUser(server.runtime.deps, { login: 'tom', projectId: projectA, roles: ['reviewer'] });
    const c = new DashClient(server.baseUrl);
    await c.login('tom', u.password);
    const secret = await enrol(c);
    const stored = await server.runtime.deps.db.selectFrom('users').select(['totp_secret', 'totp_pending']).where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.ok(stored.totp_secret?.startsWith('enc1.') && !stored.totp_secret.includes(secret), 'sealed at rest');
    assert.equal(stored.totp_pending, null);
    await c.req('POST', '/logout');

    server.clock.advance(30); // the enrolment's code is spent; sign in in the next step
    const noCode = await new DashClient(server.baseUrl).login('tom', u.password);
    assert.equal(noCode.status, 401);
    assert.equal(await errorCode(noCode), 'totp_required');
    assert.equal(noCode.headers.getSetCookie().length, 0);
    const bad = await new DashClient(server.baseUrl).login('tom', u.password, '123456' === totpCode(secret, server.clock.now()) ? '654321' : '123456');
    assert.equal(await errorCode(bad), 'totp_invalid');
    const code = totpCode(secret, server.clock.now());
    const good = await new DashClient(server.baseUrl).login('tom', u.password, code);
    assert.equal(good.status, 200);
    const replay = await new DashClient(server.baseUrl).login('tom', u.password, code);
    assert.equal(replay.status, 401);
    assert.equal(await errorCode(replay), 'totp_invalid', 'a code is accepted once');
    server.clock.advance(30);
    assert.equal((await new DashClient(server.baseUrl).login('tom', u.password, totpCode(secret, server.clock.now()))).status, 200);
    // A wrong password with a right code still says only "login or password".
    server.clock.advance(30);
    assert.equal(await errorCode(await new DashClient(server.baseUrl).login('tom', 'wrong-password-xx', totpCode(secret, server.clock.now()))), 'login_failed');
  });

  test('an admin makes TOTP mandatory: a user without it must enrol before anything else', async () => {
    nextMinute();
    const { project } = await createKey(server.runtime.deps, 'strict-bank', 'test');
    const admin = await makeUser(server.runtime.deps, { login: 'amy', projectId: project.id, roles: ['admin'] });
    const u = await makeUser(server.runtime.deps, { login: 'max', projectId: project.id, roles: ['reviewer'] });
    const a = new DashClient(server.baseUrl);
    await a.login('amy', admin.password);
    const adminSecret = await enrol(a); // the admin enrols first (else the setting locks them into enrolment too)
    assert.ok(adminSecret);
    const patch = await a.req('PATCH', '/project/security', { require_totp: true });
    assert.deepEqual(await patch.json(), { object: 'project_security', require_totp: true });

    const m = new DashClient(server.baseUrl);
    assert.equal((await m.login('max', u.password)).status, 200, 'not enrolled: signed in, only to enrol');
    const me = (await (await m.req('GET', '/me')).json()) as { pending: string[] };
    assert.deepEqual(me.pending, ['totp_enrolment']);
    const blocked = await m.req('GET', '/sessions');
    assert.equal(blocked.status, 403);
    assert.equal(await errorCode(blocked), 'totp_enrolment_required');
    const secret = await enrol(m);
    assert.equal((await m.req('GET', '/sessions')).status, 200);
    server.clock.advance(30);
    assert.equal(await errorCode(await new DashClient(server.baseUrl).login('max', u.password)), 'totp_required');
    assert.equal((await new DashClient(server.baseUrl).login('max', u.password, totpCode(secret, server.clock.now()))).status, 200);
    // Only an admin changes the policy.
    server.clock.advance(30);
    const r = new DashClient(server.baseUrl);
    await r.login('max', u.password, totpCode(secret, server.clock.now()));
    assert.equal(await errorCode(await r.req('PATCH', '/project/security', { require_totp: false })), 'forbidden');
  });

  test('roles: an auditor reads but cannot review; a reviewer\'s decision records the user; an admin alone manages users', async () => {
    nextMinute();
    const db = server.runtime.deps.db;
    const created = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie'] }, external_id: 'roles-1' }) });
    const sid = ((await created.json()) as { id: string }).id;
    // An automatic needs_review without running the models, through the session store: a selfie,
    // the submit, and the end of a verification that could not finish (needs_review).
    const rt = { deps: server.runtime.deps, projectId: projectA } as unknown as TestRuntime;
    await storeArtifact(rt, sid, 'selfie', new Uint8Array([0xff, 0xd8, 0xff]));
    await submitCapture(rt, sid);
    assert.equal(await endUnprocessable(server.runtime.deps, projectA, sid, 'stuck'), true);

    const aud = await makeUser(server.runtime.deps, { login: 'audrey', projectId: projectA, roles: ['auditor'] });
    const rev = await makeUser(server.runtime.deps, { login: 'ravi', projectId: projectA, roles: ['reviewer'] });
    const auditor = new DashClient(server.baseUrl);
    await auditor.login('audrey', aud.password);
    const list = (await (await auditor.req('GET', '/sessions?external_id=roles-1')).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(list.data.map((s) => s.id), [sid]);
    assert.equal((await auditor.req('GET', `/sessions/${sid}`)).status, 200);
    const denied = await auditor.req('POST', `/sessions/${sid}/review`, { result: 'approved' });
    assert.equal(denied.status, 403);
    assert.equal(await errorCode(denied), 'forbidden');
    assert.equal(await errorCode(await auditor.req('GET', '/users')), 'forbidden', 'user management is for admins');

    const reviewer = new DashClient(server.baseUrl);
    await reviewer.login('ravi', rev.password);
    const typed = await reviewer.req('POST', `/sessions/${sid}/review`, { result: 'approved', reviewer: 'someone else' });
    assert.equal(await errorCode(typed), 'validation_failed', 'who decides is not a body field');
    const ok = await reviewer.req('POST', `/sessions/${sid}/review`, { result: 'approved', notes: 'document and face agree' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const s = (await (await reviewer.req('GET', `/sessions/${sid}`)).json()) as { result: string; decision: { decided_by: string } };
    assert.equal(s.result, 'approved');
    assert.equal(s.decision.decided_by, rev.id);
    const audit = (await (await auditor.req('GET', `/sessions/${sid}/audit`)).json()) as { data: Array<{ action: string; actor: string }> };
    assert.deepEqual(audit.data.filter((r) => r.action === 'decision.review').map((r) => r.actor), [rev.id]);
  });

  test('a user of project A sees nothing of project B, and cannot switch to it', async () => {
    nextMinute();
    const { key: keyB, project: b } = await createKey(server.runtime.deps, 'project-b', 'test');
    const created = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${keyB}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'self_record' }, external_id: 'only-b' }) });
    const sidB = ((await created.json()) as { id: string }).id;
    const u = await makeUser(server.runtime.deps, { login: 'alma', projectId: projectA, roles: ['admin'] });
    const bAdmin = await makeUser(server.runtime.deps, { login: 'bert', projectId: b.id, roles: ['admin'] });
    const c = new DashClient(server.baseUrl);
    await c.login('alma', u.password);
    const list = (await (await c.req('GET', '/sessions?external_id=only-b')).json()) as { data: unknown[] };
    assert.deepEqual(list.data, []);
    const get = await c.req('GET', `/sessions/${sidB}`);
    assert.equal(get.status, 404);
    assert.equal(await errorCode(get), 'session_not_found');
    assert.equal(await errorCode(await c.req('POST', '/me/project', { project_id: b.id })), 'forbidden');
    const users = (await (await c.req('GET', '/users')).json()) as { data: Array<{ login: string }> };
    assert.ok(!users.data.some((x) => x.login === 'bert'), 'B\'s users are not listed in A');
    assert.equal(await errorCode(await c.req('POST', `/users/${bAdmin.id}/reset-password`)), 'user_not_found');
    assert.equal(await errorCode(await c.req('PATCH', `/users/${bAdmin.id}`, { disabled: true })), 'user_not_found');
  });

  test('a user in two projects picks one; roles follow the project', async () => {
    nextMinute();
    const { project: c2 } = await createKey(server.runtime.deps, 'project-c', 'test');
    const u = await makeUser(server.runtime.deps, { login: 'paz', projectId: projectA, roles: ['auditor'] });
    await server.runtime.deps.db.insertInto('memberships').values({ user_id: u.id, project_id: c2.id, role: 'reviewer', created_at: new Date().toISOString() }).execute();
    const c = new DashClient(server.baseUrl);
    await c.login('paz', u.password);
    const me1 = (await (await c.req('GET', '/me')).json()) as { project: { id: string }; roles: string[]; projects: Array<{ name: string; roles: string[] }> };
    assert.deepEqual(me1.projects.map((p) => [p.name, p.roles]), [['e2e', ['auditor']], ['project-c', ['reviewer']]]);
    assert.equal(me1.project.id, projectA);
    assert.equal((await c.req('POST', '/me/project', { project_id: c2.id })).status, 200);
    const me2 = (await (await c.req('GET', '/me')).json()) as { project: { id: string }; roles: string[] };
    assert.equal(me2.project.id, c2.id);
    assert.deepEqual(me2.roles, ['reviewer']);

    // An admin of A alone may not reset the password of someone who is also in C (it would open C to A's admin).
    const a = await makeUser(server.runtime.deps, { login: 'abe', projectId: projectA, roles: ['admin'] });
    const admin = new DashClient(server.baseUrl);
    await admin.login('abe', a.password);
    const reset = await admin.req('POST', `/users/${u.id}/reset-password`);
    assert.equal(reset.status, 403);
    assert.equal(await errorCode(reset), 'forbidden');
  });

  test('an admin changes roles and disables accounts (their sessions end); the last admin stays', async () => {
    nextMinute();
    const { project } = await createKey(server.runtime.deps, 'project-d', 'test');
    const a = await makeUser(server.runtime.deps, { login: 'dana', projectId: project.id, roles: ['admin'] });
    const r = await makeUser(server.runtime.deps, { login: 'rex', projectId: project.id, roles: ['auditor'] });
    const admin = new DashClient(server.baseUrl);
    await admin.login('dana', a.password);
    const rex = new DashClient(server.baseUrl);
    await rex.login('rex', r.password);
    assert.deepEqual(((await (await rex.req('GET', '/me')).json()) as { roles: string[] }).roles, ['auditor']);

    const promoted = await admin.req('PATCH', `/users/${r.id}`, { roles: ['reviewer'], display_name: 'Rex R' });
    assert.equal(promoted.status, 200);
    assert.deepEqual(((await promoted.json()) as { roles: string[] }).roles, ['reviewer']);
    assert.deepEqual(((await (await rex.req('GET', '/me')).json()) as { roles: string[] }).roles, ['reviewer'], 'roles are read on every request');

    const bad = await admin.req('PATCH', `/users/${r.id}`, { roles: ['superuser'] });
    assert.equal(bad.status, 422);
    assert.equal(await errorCode(bad), 'validation_failed');
    const taken = await admin.req('POST', '/users', { login: 'REX', roles: ['auditor'] });
    assert.equal(taken.status, 409);
    assert.equal(await errorCode(taken), 'login_taken');

    const last = await admin.req('PATCH', `/users/${a.id}`, { roles: ['reviewer'] });
    assert.equal(last.status, 403);
    assert.match(((await last.json()) as { error: { message: string } }).error.message, /last admin/);
    assert.equal(await errorCode(await admin.req('PATCH', `/users/${a.id}`, { disabled: true })), 'forbidden');

    const off = await admin.req('PATCH', `/users/${r.id}`, { disabled: true });
    assert.equal(((await off.json()) as { disabled: boolean }).disabled, true);
    assert.equal(await errorCode(await rex.req('GET', '/me')), 'signin_required', 'disabled: the session ended');
    assert.equal(await errorCode(await new DashClient(server.baseUrl).login('rex', r.password)), 'login_failed');
    await admin.req('PATCH', `/users/${r.id}`, { disabled: false });
    assert.equal((await new DashClient(server.baseUrl).login('rex', r.password)).status, 200);
  });
});
