import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { personA1 } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

describe('liveness API', () => {
  let rt: TestRuntime;
  let sessionId: string;
  before(async () => {
    rt = await makeRuntime();
    sessionId = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()).id;
  });
  after(async () => rt.cleanup());

  const frames = async (n: number) => {
    const face = await sharp(await personA1()).resize(300).toBuffer();
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 100, b: 110 } } }).composite([{ input: face, left: 170, top: 90 }]).jpeg().toBuffer();
    const now = Date.now() / 1000;
    return Array.from({ length: n }, (_, i) => ({ challengeIndex: Math.min(1, Math.floor(i / (n / 2))), image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, timestamp: now + i * 0.2 }));
  };

  test('start issues 2–4 challenges with instructions in the session language', async () => {
    const r = await (await rt.req('POST', '/v1/liveness/start', { session_id: sessionId, challenges: ['turn_left', 'turn_right', 'blink'] })).json();
    assert.match(r.challengeToken, /^lv1\./);
    assert.ok(r.challenges.length >= 2 && r.challenges.length <= 4);
    assert.ok(r.challenges.every((c: { type: string; instruction: string }) => ['turn_left', 'turn_right', 'blink'].includes(c.type) && c.instruction.length > 3));
    assert.ok(r.timeoutSeconds <= 60);
    assert.equal((await rt.req('POST', '/v1/liveness/start', { session_id: 'ses_nope' })).status, 404);
  });

  test('a still photo fails; the token is single-use; bad bodies are 422 with paths', async () => {
    const start = await (await rt.req('POST', '/v1/liveness/start', { session_id: sessionId, challenges: ['turn_left', 'turn_right'] })).json();
    const body = { challengeToken: start.challengeToken, frames: await frames(8), antiSpoofing: { score: 0.99 } };
    const res = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.clone().text());
    const r = await res.json();
    assert.equal(r.success, true);
    assert.equal(r.passed, false);
    assert.ok(r.score >= 0 && r.score <= 1);
    assert.ok(r.reasons.includes('challenge_failed'), r.reasons.join());
    assert.ok(['livenessScore', 'faceMatchScore', 'antiSpoofingScore'].every((k) => k in r.details));
    const again = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'token_used');
    const bad = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeToken: start.challengeToken, frames: [{ challengeIndex: 'x' }] }) });
    assert.equal(bad.status, 422);
    assert.ok((await bad.json()).error.details.issues.some((i: { path: string }) => i.path.startsWith('frames.0')));
    const stored = await (await rt.req('GET', `/v1/sessions/${sessionId}`)).json();
    assert.ok(stored.verification.stages.some((s: { stage: string }) => s.stage === 'liveness_api'));
  });

  test('frames filmed off a screen are declined screen_replay, with every measured frame in evidence', async () => {
    // The photo on a display: a dark bezel around the picture, a lit room behind it. The page is
    // steady and performs nothing, so challenges fail too; the point is that the screen is named.
    const face = await sharp(await personA1()).resize(300, 260, { fit: 'cover' }).toBuffer();
    const screen = await sharp({ create: { width: 340, height: 300, channels: 3, background: { r: 18, g: 18, b: 22 } } }).composite([{ input: face, left: 20, top: 20 }]).png().toBuffer();
    const now = Date.now() / 1000;
    const list = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 170, g: 160, b: 140 } } }).composite([{ input: screen, left: 140 + i * 3, top: 90 }]).jpeg({ quality: 90 }).toBuffer();
      return { challengeIndex: Math.min(1, Math.floor(i / 4)), image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, timestamp: now + i * 0.2 };
    }));
    const start = await (await rt.req('POST', '/v1/liveness/start', { session_id: sessionId, challenges: ['turn_left', 'turn_right'] })).json();
    const res = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeToken: start.challengeToken, frames: list }) });
    assert.equal(res.status, 200, await res.clone().text());
    const r = await res.json();
    assert.equal(r.passed, false);
    assert.ok(r.reasons.includes('screen_replay'), r.reasons.join());
    const check = r.evidence.checks.find((c: { reason: string }) => c.reason === 'screen_replay');
    assert.equal(check.flagged, true);
    assert.equal(check.evidence.frames.length, 4, 'four frames spread over the capture are measured');
  });

  test('expired and forged tokens', async () => {
    const start = await (await rt.req('POST', '/v1/liveness/start', { session_id: sessionId })).json();
    rt.clock.advance(61);
    const body = JSON.stringify({ challengeToken: start.challengeToken, frames: await frames(4) });
    const expired = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal((await expired.json()).error.code, 'token_expired');
    rt.clock.advance(-61);
    const forged = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body.replace(/"challengeToken":"lv1\.[^.]+/, '"challengeToken":"lv1.eyJmb28iOjF9') });
    assert.equal((await forged.json()).error.code, 'token_invalid');
  });

  test('a corrupt frame among good ones is not_an_image, naming the frame; nothing is left running', async () => {
    const start = await (await rt.req('POST', '/v1/liveness/start', { session_id: sessionId, challenges: ['turn_left', 'turn_right'] })).json();
    const list = await frames(8);
    list[5] = { ...list[5]!, image: `data:image/jpeg;base64,${Buffer.from('not a jpeg, only text').toString('base64')}` };
    const res = await rt.app.request('/v1/liveness/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeToken: start.challengeToken, frames: list }) });
    assert.equal(res.status, 422);
    const err = (await res.json()).error;
    assert.equal(err.code, 'not_an_image');
    assert.match(err.message, /frames\[5\]\.image/);
  });
});
