import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { DashClient, errorCode, makeUser } from '../helpers/dashboard-client.ts';
import { decidedSession, FACE_MISMATCH, UNCERTAIN } from '../helpers/review-fixtures.ts';
import { startServer } from '../helpers/server.ts';

// Review dashboard over a real socket: the queue, claims (race, expiry), deciding with a reason,
// overriding a decline, four-eyes, resubmission, role guards and tenant isolation.

type Server = Awaited<ReturnType<typeof startServer>>;
type Json = Record<string, any>;

describe('dashboard review', { timeout: 300_000 }, () => {
  let server: Server;
  let projectA: string;
  const users: Record<string, DashClient> = {};
  const ids: Record<string, string> = {};
  const body = async (r: Response) => (await r.json()) as Json;
  const events = async (sid: string) => (await server.runtime.deps.db.selectFrom('webhook_events').select(['type', 'payload']).where('session_id', '=', sid).orderBy('created_at').execute())
    .map((e) => ({ type: e.type, data: (JSON.parse(e.payload) as { data: Json }).data }));
  const decided = (o: Parameters<typeof decidedSession>[3] = {}) => decidedSession(server, projectA, server.apiKey, o);

  before(async () => {
    server = await startServer({ workers: false });
    projectA = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    for (const [login, roles] of [['rita', ['reviewer']], ['rob', ['reviewer']], ['ada', ['admin']], ['aud', ['auditor']], ['agnes', ['agent']]] as const) {
      const u = await makeUser(server.runtime.deps, { login, projectId: projectA, roles: [...roles] });
      ids[login] = u.id;
      users[login] = new DashClient(server.baseUrl);
      const r = await users[login].login(login, u.password);
      assert.equal(r.status, 200, await r.clone().text());
      server.clock.advance(7); // sign-in rate limit: 10 a minute per address
    }
  });
  after(async () => { await server?.stop(); });

  test('claim race: of two reviewers claiming at once exactly one wins; the other can neither claim nor decide until release', async () => {
    const sid = await decided({ findings: [UNCERTAIN], faceScore: 55 });
    const [a, b] = await Promise.all([users.rita!.req('POST', `/sessions/${sid}/claim`, {}), users.rob!.req('POST', `/sessions/${sid}/claim`, {})]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const [winner, loser, loserRes] = a.status === 200 ? [users.rita!, users.rob!, b] : [users.rob!, users.rita!, a];
    assert.equal(await errorCode(loserRes), 'review_claimed_by_other');
    const refused = await loser.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'automated_false_positive' });
    assert.equal(refused.status, 409);
    assert.equal(await errorCode(refused), 'review_claimed_by_other');
    // The queue shows the claim, marked as the viewer's own or not.
    const q = await body(await loser.req('GET', '/queue'));
    const item = q.data.find((x: Json) => x.id === sid);
    assert.equal(item.review_claim.mine, false);
    assert.equal((await body(await winner.req('GET', '/queue'))).data.find((x: Json) => x.id === sid).review_claim.mine, true);
    assert.equal(await errorCode(await loser.req('POST', `/sessions/${sid}/release`)), 'review_claimed_by_other', 'only the holder releases');
    assert.equal((await winner.req('POST', `/sessions/${sid}/release`)).status, 200);
    assert.equal((await loser.req('POST', `/sessions/${sid}/claim`, {})).status, 200, 'released: free again');
  });

  test('a claim expires after the project\'s review_claim_minutes (15 by default): then another reviewer takes it', async () => {
    const sid = await decided({ findings: [UNCERTAIN] });
    const claim = await body(await users.rita!.req('POST', `/sessions/${sid}/claim`, {}));
    assert.equal(new Date(claim.expires_at).getTime() - server.clock.now().getTime(), 15 * 60_000);
    server.clock.advance(14 * 60);
    assert.equal(await errorCode(await users.rob!.req('POST', `/sessions/${sid}/claim`, {})), 'review_claimed_by_other');
    server.clock.advance(61);
    const taken = await users.rob!.req('POST', `/sessions/${sid}/claim`, {});
    assert.equal(taken.status, 200, 'expired claims are free');
    assert.equal((await body(taken)).actor.id, ids.rob);
    // And the former holder's decision is now refused.
    assert.equal(await errorCode(await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'decline', reason_code: 'suspected_fraud' })), 'review_claimed_by_other');
  });

  test('deciding without a claim takes the session atomically; the reason comes from the fixed list; the webhook names the user', async () => {
    const sid = await decided({ findings: [UNCERTAIN] });
    const reasons = await body(await users.rita!.req('GET', '/review-reasons'));
    assert.ok(reasons.data.some((r: Json) => r.code === 'evidence_verified' && r.actions.includes('approve')));
    const wrong = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'suspected_fraud' });
    assert.equal(wrong.status, 422, 'a decline reason does not fit an approval');
    assert.equal(await errorCode(await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'made_up' })), 'validation_failed');
    const ok = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'evidence_verified', notes: 'checked' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const d = await body(ok);
    assert.equal(d.final, true);
    assert.equal(d.result, 'approved');
    assert.deepEqual(d.decision.reasons.map((r: Json) => r.code), ['evidence_verified']);
    assert.equal(d.reviewed_by.id, ids.rita);
    const hooks = await events(sid);
    assert.deepEqual(hooks.map((e) => e.type), ['video.completed', 'video.reviewed']);
    assert.equal(hooks[1]!.data.reviewed_by.id, ids.rita);
    assert.equal(await errorCode(await users.rob!.req('POST', `/sessions/${sid}/decision`, { action: 'decline', reason_code: 'suspected_fraud' })), 'decision_final');
    assert.ok(!(await body(await users.rita!.req('GET', '/queue'))).data.some((x: Json) => x.id === sid), 'decided: out of the queue');
  });

  test('overriding an automatic decline needs confirm_override and a written reason', async () => {
    const sid = await decided({ findings: [FACE_MISMATCH], faceScore: 31 });
    const noConfirm = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'automated_false_positive', notes: 'same person, glasses' });
    assert.equal(noConfirm.status, 409);
    assert.equal(await errorCode(noConfirm), 'override_confirmation_required');
    const noReason = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'automated_false_positive', confirm_override: true, notes: 'ok' });
    assert.equal(noReason.status, 422);
    assert.equal(await errorCode(noReason), 'override_reason_required');
    const ok = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'automated_false_positive', confirm_override: true, notes: 'same person, the document photo is 9 years old' });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal((await body(ok)).result, 'approved');
    // Declining a decline needs no confirmation (nothing is overridden).
    const sid2 = await decided({ findings: [FACE_MISMATCH] });
    assert.equal((await users.rita!.req('POST', `/sessions/${sid2}/decision`, { action: 'decline', reason_code: 'face_mismatch' })).status, 200);
  });

  test('request resubmission: declined, decision.outcome says so, and its own webhook', async () => {
    const sid = await decided({ findings: [UNCERTAIN] });
    const r = await users.rob!.req('POST', `/sessions/${sid}/decision`, { action: 'request_resubmission', reason_code: 'poor_quality', notes: 'video too dark' });
    assert.equal(r.status, 200, await r.clone().text());
    const d = await body(r);
    assert.equal(d.result, 'declined');
    assert.equal(d.decision.outcome, 'resubmission_requested');
    const hooks = await events(sid);
    assert.deepEqual(hooks.map((e) => e.type), ['video.completed', 'video.resubmission_requested']);
    assert.deepEqual(hooks[1]!.data.reasons, ['poor_quality']);
  });

  test('role guards: auditor and agent read but cannot claim or decide; settings are admin-only', async () => {
    const sid = await decided({ findings: [UNCERTAIN] });
    for (const who of ['aud', 'agnes']) {
      assert.equal((await users[who]!.req('GET', `/sessions/${sid}`)).status, 200);
      assert.equal(await errorCode(await users[who]!.req('POST', `/sessions/${sid}/claim`, {})), 'forbidden');
      assert.equal(await errorCode(await users[who]!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'evidence_verified' })), 'forbidden');
      assert.equal(await errorCode(await users[who]!.req('PATCH', '/project/settings', { four_eyes: true })), 'forbidden');
    }
    assert.equal((await users.aud!.req('GET', '/queue')).status, 200, 'the auditor sees the queue');
    assert.equal(await errorCode(await users.agnes!.req('GET', '/queue')), 'forbidden');
  });

  test('four-eyes: a reviewer\'s approval of a decline waits; the same person cannot confirm; an auditor can; only then video.reviewed', async () => {
    const on = await users.ada!.req('PATCH', '/project/settings', { four_eyes: true });
    assert.equal(on.status, 200, await on.clone().text());
    assert.equal((await body(on)).four_eyes, true);
    try {
      const sid = await decided({ findings: [FACE_MISMATCH] });
      const first = await users.rita!.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'automated_false_positive', confirm_override: true, notes: 'same person, older photo' });
      assert.equal(first.status, 200, await first.clone().text());
      const f = await body(first);
      assert.equal(f.final, false);
      assert.equal(f.result, 'declined', 'the result stays until the second approval');
      assert.equal(f.pending_approval.by.id, ids.rita);
      assert.equal(f.pending_approval.why, 'overrides_decline');
      assert.deepEqual((await events(sid)).map((e) => e.type), ['video.completed'], 'no webhook yet');
      const waiting = await body(await users.aud!.req('GET', '/queue?kind=second_approval'));
      assert.ok(waiting.data.some((x: Json) => x.id === sid));
      assert.equal(await errorCode(await users.rob!.req('POST', `/sessions/${sid}/decision`, { action: 'decline', reason_code: 'face_mismatch' })), 'approval_pending');
      const self = await users.rita!.req('POST', `/sessions/${sid}/second-approval`, { confirm: true });
      assert.equal(self.status, 403);
      assert.equal(await errorCode(self), 'four_eyes_same_user');
      assert.equal(await errorCode(await users.agnes!.req('POST', `/sessions/${sid}/second-approval`, { confirm: true })), 'forbidden', 'an agent is not a second pair of eyes');
      const confirmed = await users.aud!.req('POST', `/sessions/${sid}/second-approval`, { confirm: true, notes: 'agree' });
      assert.equal(confirmed.status, 200, await confirmed.clone().text());
      const c = await body(confirmed);
      assert.equal(c.final, true);
      assert.equal(c.result, 'approved');
      assert.equal(c.reviewed_by.id, ids.rita);
      assert.equal(c.decision.confirmed_by.id, ids.aud);
      const hooks = await events(sid);
      assert.deepEqual(hooks.map((e) => e.type), ['video.completed', 'video.reviewed']);
      assert.equal(hooks[1]!.data.reviewed_by.id, ids.rita);
      assert.equal(hooks[1]!.data.confirmed_by.id, ids.aud);
      const audit = await body(await users.aud!.req('GET', `/sessions/${sid}/audit`));
      const actions = audit.data.map((r: Json) => [r.action, r.actor]);
      assert.deepEqual(actions.filter((a: string[]) => a[0]!.startsWith('review.') || a[0]!.startsWith('decision.review')), [
        ['review.pending_second_approval', ids.rita], ['review.second_approved', ids.aud], ['decision.review', ids.aud],
      ]);

      // Rejected: the pending decision goes, the session is back in the review queue.
      const sid2 = await decided({ findings: [FACE_MISMATCH] });
      await users.rob!.req('POST', `/sessions/${sid2}/decision`, { action: 'approve', reason_code: 'automated_false_positive', confirm_override: true, notes: 'looks like the same person' });
      const rejected = await body(await users.rita!.req('POST', `/sessions/${sid2}/second-approval`, { confirm: false, notes: 'ears differ' }));
      assert.equal(rejected.pending_approval, null);
      assert.equal(rejected.result, 'declined');
      assert.ok((await body(await users.rita!.req('GET', '/queue'))).data.some((x: Json) => x.id === sid2));
      assert.equal(await errorCode(await users.rita!.req('POST', `/sessions/${sid2}/second-approval`, { confirm: true })), 'no_pending_approval');

      // Not a decline and not high risk: final at once even with four-eyes on.
      const sid3 = await decided({ findings: [UNCERTAIN] });
      assert.equal((await body(await users.rob!.req('POST', `/sessions/${sid3}/decision`, { action: 'approve', reason_code: 'evidence_verified' }))).final, true);
    } finally {
      await users.ada!.req('PATCH', '/project/settings', { four_eyes: false });
    }
  });

  test('tenant isolation: a reviewer of project B cannot see, claim or decide a session of A', async () => {
    const sid = await decided({ findings: [UNCERTAIN], externalId: 'iso-a' });
    const { project: b } = await createKey(server.runtime.deps, 'review-b', 'test');
    const u = await makeUser(server.runtime.deps, { login: 'bert', projectId: b.id, roles: ['reviewer', 'admin'] });
    server.clock.advance(61);
    const bert = new DashClient(server.baseUrl);
    assert.equal((await bert.login('bert', u.password)).status, 200);
    assert.equal((await bert.req('GET', `/sessions/${sid}`)).status, 404);
    assert.equal(await errorCode(await bert.req('POST', `/sessions/${sid}/claim`, {})), 'session_not_found');
    assert.equal(await errorCode(await bert.req('POST', `/sessions/${sid}/decision`, { action: 'approve', reason_code: 'evidence_verified' })), 'session_not_found');
    assert.deepEqual((await body(await bert.req('GET', '/sessions?external_id=iso-a'))).data, []);
    assert.deepEqual((await body(await bert.req('GET', '/queue'))).data, []);
    assert.equal((await body(await bert.req('GET', '/sessions/facets'))).total, 0);
  });
});
