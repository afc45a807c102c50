import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { createKey } from '../../src/projects/keys.ts';
import { contractProblems } from '../helpers/contract.ts';
import { idCard, personA1, personA3 } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { frameFields, verifyRequestFields, verifyRequestSample, verifyResponseFields, verifyResponseSample, verifyStatuses } from '../fixtures/compat/amlkyc.ts';

// amlkyc compatibility (seed 004): …/liveness/start hands out a token whose challenges are exactly
// the requested ones, and the seed's own verify request, with real frames, answers field by field
// as the seed's response schema says.

describe('amlkyc liveness compatibility', () => {
  let rt: TestRuntime;
  let sessionId: string;
  before(async () => {
    rt = await makeRuntime();
    sessionId = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()).id;
  });
  after(async () => rt.cleanup());
  // /webapi/* allows 30 requests a minute per IP (http/app.ts); each test starts a fresh minute.
  beforeEach(() => rt.clock.advance(61));

  const start = (uuid: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${rt.apiKey}` }) =>
    Promise.resolve(rt.app.request(`/webapi/kyc/user/${uuid}/liveness/start`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
  const tokenChallenges = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).ch as string[];

  test('requested challenges come back exactly as requested: order, length and repeats kept, in the token too', async () => {
    for (const requested of [['smile', 'blink'], ['blink', 'smile'], ['turn_left'], ['blink', 'blink', 'move_closer', 'turn_right', 'look_up']]) {
      for (let i = 0; i < 3; i++) {
        const res = await start(sessionId, { challenges: requested });
        assert.equal(res.status, 200);
        const r = await res.json();
        assert.equal(r.success, true);
        assert.deepEqual(r.challenges.map((c: { type: string }) => c.type), requested);
        assert.deepEqual(r.challenges.map((c: { index: number }) => c.index), requested.map((_, j) => j));
        assert.deepEqual(tokenChallenges(r.challengeToken), requested);
      }
    }
  });

  test('without a list, 2–4 challenges are drawn with no adjacent repeat and a face-changing one', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await (await start(sessionId, {})).json();
      const types: string[] = r.challenges.map((c: { type: string }) => c.type);
      assert.ok(types.length >= 2 && types.length <= 4, types.join());
      assert.ok(types.every((t, j) => j === 0 || t !== types[j - 1]), types.join());
      assert.ok(types.some((t) => t !== 'move_closer'), types.join());
    }
  });

  test('the uuid may omit ses_; a capture token works for its own session only; bad input is refused with stable codes', async () => {
    const bare = sessionId.slice('ses_'.length);
    assert.equal((await start(bare, { challenges: ['smile', 'blink'] })).status, 200);
    const capToken = new URL((await (await rt.req('GET', `/v1/sessions/${sessionId}`)).json()).capture_url).pathname.split('/').pop()!;
    assert.equal((await start(sessionId, { challenges: ['blink', 'smile'] }, { authorization: `Bearer ${capToken}` })).status, 200);
    const other = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()).id;
    const wrongSession = await start(other, {}, { authorization: `Bearer ${capToken}` });
    assert.equal(wrongSession.status, 404);
    assert.equal((await wrongSession.json()).error.code, 'verification_not_found');
    const otherProject = await createKey(rt.deps, 'other-project');
    const foreign = await start(sessionId, {}, { 'x-api-key': otherProject.key });
    assert.equal(foreign.status, 404);
    assert.equal((await foreign.json()).error.code, 'verification_not_found');
    const noKey = await start(sessionId, {}, {});
    assert.equal(noKey.status, 401);
    assert.equal((await noKey.json()).error.code, 'unauthorized');
    for (const [body, path] of [[{ challenges: ['move_closer'] }, 'challenges'], [{ challenges: ['wink'] }, 'challenges.0'], [{ challenges: [] }, 'challenges'], [{ challenges: ['blink'], extra: 1 }, '']] as const) {
      const res = await start(sessionId, body);
      assert.equal(res.status, 422, JSON.stringify(body));
      const e = (await res.json()).error;
      assert.equal(e.code, 'validation_failed');
      assert.ok(e.details.issues.some((i: { path: string }) => i.path === path), `${path} in ${JSON.stringify(e.details)}`);
    }
  });

  test('field tables transcribe the seed samples', () => {
    assert.deepEqual(contractProblems(verifyRequestSample, verifyRequestFields, ['frames']), []);
    assert.deepEqual(contractProblems(verifyRequestSample.frames[0], frameFields), []);
    assert.deepEqual(contractProblems(verifyResponseSample, verifyResponseFields), []);
  });

  test("the seed's verify request, after a start, answers the seed's response fields; the token's challenges are used", async () => {
    const requested = ['smile', 'blink'];
    const started = await (await start(sessionId, { challenges: requested })).json();
    const face = await sharp(await personA1()).resize(300).toBuffer();
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 100, b: 110 } } }).composite([{ input: face, left: 170, top: 90 }]).jpeg().toBuffer();
    const now = rt.clock.now().getTime() / 1000;
    const template = verifyRequestSample.frames[0]!;
    const body = {
      ...verifyRequestSample,
      challengeToken: started.challengeToken,
      frames: Array.from({ length: 6 }, (_, i) => ({ ...template, challengeIndex: i < 3 ? 0 : 1, image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, timestamp: now + i * 0.2 })),
      passport: `data:image/jpeg;base64,${(await idCard(await personA3())).toString('base64')}`,
    };
    assert.deepEqual(contractProblems(body, verifyRequestFields, ['frames']), [], 'our request is the seed request');
    const res = await rt.app.request(`/webapi/kyc/user/${sessionId}/liveness/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, verifyStatuses.ok, await res.clone().text());
    const r = await res.json();
    assert.deepEqual(contractProblems(r, verifyResponseFields, ['reasons', 'evidence']), []);
    for (const k of ['score', 'details.livenessScore', 'details.faceMatchScore', 'details.antiSpoofingScore']) {
      const v = k.split('.').reduce((o, p) => o?.[p], r);
      assert.ok(v === null || (v >= 0 && v <= 1), `${k} = ${v} is a 0–1 score`);
    }
    assert.deepEqual(r.evidence.challenges, requested);
    // A still photo cannot smile and blink: the challenge check fails it.
    assert.equal(r.passed, false);
    assert.ok(r.reasons.includes('challenge_failed'), r.reasons.join());
    const missing = await rt.app.request(`/webapi/kyc/user/ses_00000000-0000-0000-0000-000000000000/liveness/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(missing.status, verifyStatuses.notFound);
    const invalid = await rt.app.request(`/webapi/kyc/user/${sessionId}/liveness/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, frames: [] }) });
    assert.equal(invalid.status, verifyStatuses.validation);
  });
});
