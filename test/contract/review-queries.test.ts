import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Actor, systemActor } from '../../src/domain/actor.ts';
import type { Finding } from '../../src/domain/decision.ts';
import { decideSession } from '../../src/review/decide-session.ts';
import { sessionFacets } from '../../src/review/facets.ts';
import { dashListQuery, facetsQuery, queueQuery } from '../../src/review/list-query.ts';
import { listDashboardSessions, reviewQueue } from '../../src/review/list-sessions.ts';
import { projectStats } from '../../src/review/stats.ts';
import { claimReview } from '../../src/sessions/review-session.ts';
import { execute } from '../../src/sessions/store.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';

// The dashboard's queries (migration 012's columns, keyset pages with nulls last, group-by facets,
// per-day stats) give the same answers on SQLite and PostgreSQL.

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`review queries on ${db}`, { timeout: 300_000 }, () => {
    let rt: TestRuntime;
    let actor: Actor;
    const ids: string[] = [];
    async function decided(findings: Array<Pick<Finding, 'code' | 'message' | 'stage'>>, face: number | null, language = 'en') {
      const res = await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'], video_language: language } });
      const sid = ((await res.json()) as { id: string }).id;
      await storeArtifact(rt, sid, 'selfie', new Uint8Array([0xff, 0xd8, 0xff]));
      await submitCapture(rt, sid);
      await execute(rt.deps, { projectId: rt.projectId, sessionId: sid }, { type: 'decided', findings: findings as Finding[], numbers: face === null ? {} : { face_match_score: face } }, systemActor(rt.projectId, 'pipeline'));
      rt.clock.advance(1);
      ids.push(sid);
      return sid;
    }
    before(async () => {
      rt = await makeRuntime({ db });
      actor = { kind: 'user', id: 'usr_t', projectId: rt.projectId, roles: ['reviewer'], name: 'T' };
      await decided([], 90);
      await decided([{ code: 'face_mismatch', message: 'm', stage: 'face_match' }], 20);
      await decided([{ code: 'face_match_uncertain', message: 'm', stage: 'face_match' }], null, 'de');
      await decided([{ code: 'face_match_uncertain', message: 'm', stage: 'face_match' }, { code: 'risk_vpn', message: 'm', stage: 'risk' }], 60);
    });
    after(async () => { await rt?.cleanup(); });

    test('sort by face score with nulls last, paged one by one; filters by reason and language', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listDashboardSessions(rt.deps, actor, dashListQuery.parse({ sort: 'face_score', order: 'asc', limit: '1', ...(cursor ? { cursor } : {}) }));
        seen.push(...page.data.map((x) => x.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, [ids[1], ids[3], ids[0], ids[2]]);
      const byReason = await listDashboardSessions(rt.deps, actor, dashListQuery.parse({ reason: 'face_match_uncertain', language: 'en' }));
      assert.deepEqual(byReason.data.map((x) => x.id), [ids[3]]);
      assert.deepEqual((await listDashboardSessions(rt.deps, actor, dashListQuery.parse({ q: ids[2]!.slice(0, 10) }))).data.map((x) => x.id), [ids[2]]);
    });

    test('queue, facets and stats agree across databases', async () => {
      const queue = await reviewQueue(rt.deps, actor, queueQuery.parse({}));
      assert.deepEqual(queue.data.map((x) => x.id), [ids[1], ids[2], ids[3]], 'automatic needs_review/declined, oldest decision first');
      const f = await sessionFacets(rt.deps, actor, facetsQuery.parse({ result: 'needs_review' }));
      assert.equal(f.total, 2);
      assert.deepEqual(f.result, { approved: 1, declined: 1, needs_review: 2 });
      assert.deepEqual(f.reason, { face_match_uncertain: 2, risk_vpn: 1 });
      assert.deepEqual(f.language, { en: 1, de: 1 });
      await decideSession(rt.deps, actor, ids[3]!, { action: 'approve', reason_code: 'evidence_verified' });
      const day = rt.clock.now().toISOString().slice(0, 10);
      const st = await projectStats(rt.deps, actor, { from: day, to: day });
      assert.deepEqual(st.sessions_per_day.map((d) => [d.total, d.approved, d.declined, d.needs_review]), [[4, 2, 1, 1]]);
      assert.deepEqual(st.reviewer_throughput.map((r) => [r.user_id, r.decisions]), [['usr_t', 1]]);
      assert.deepEqual(st.scores.face_match.buckets.filter((b) => b.count).map((b) => [b.from, b.count]), [[20, 1], [60, 1], [90, 1]]);
    });

    test('claim race: two reviewers at once, one claim (the row lock on PostgreSQL, the single connection on SQLite)', async () => {
      const sid = await decided([{ code: 'face_match_uncertain', message: 'm', stage: 'face_match' }], 55);
      const other: Actor = { ...actor, id: 'usr_other' };
      const outcomes = await Promise.allSettled([claimReview(rt.deps, rt.projectId, sid, 900, actor), claimReview(rt.deps, rt.projectId, sid, 900, other)]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal((lost.reason as { code: string }).code, 'review_claimed_by_other');
      const decisions = await Promise.allSettled([
        decideSession(rt.deps, actor, sid, { action: 'decline', reason_code: 'suspected_fraud' }),
        decideSession(rt.deps, other, sid, { action: 'approve', reason_code: 'evidence_verified' }),
      ]);
      assert.equal(decisions.filter((o) => o.status === 'fulfilled').length, 1, 'one decision, by the claim holder');
    });
  });
}
