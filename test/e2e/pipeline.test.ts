import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { idCard, personA1, personA3, personB, videoBlack, videoFaceChange, videoOfA, videoOfAWithSpeech, videoTwoFaces } from '../helpers/face-media.ts';
import { synthSpeech } from '../unit/speech/synth.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../helpers/receiver.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// End to end through the real face models: capture uploads → verify-session job → decision with
// reasons → signed webhook with the scores.

describe('self-record pipeline with real face models', () => {
  let rt: TestRuntime;
  let recv: Awaited<ReturnType<typeof startReceiver>>;
  let secret: string | undefined;
  before(async () => {
    rt = await makeRuntime();
    recv = await startReceiver({ secret: () => secret });
    secret = (await (await rt.req('POST', '/v1/webhooks', { url: recv.url })).json()).secret;
  });
  after(async () => {
    await recv.close();
    await rt.cleanup();
  });

  async function runSession(media: { selfie?: Buffer; document?: Buffer; video?: string | ((phrase: string) => Promise<string>) }) {
    const steps = [media.document && 'document', media.selfie && 'selfie', media.video && 'video'].filter(Boolean);
    const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps } })).json();
    const token = new URL(s.capture_url).pathname.split('/').pop();
    if (typeof media.video === 'function') {
      const view = await (await rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${token}` } })).json();
      media.video = await media.video(view.phrase.text);
    }
    const put = async (path: string, body: Uint8Array) => {
      const r = await rt.app.request(`/v1/capture${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> });
      assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
    };
    if (media.document) await put('/document/front', new Uint8Array(media.document));
    if (media.selfie) await put('/selfie', new Uint8Array(media.selfie));
    if (typeof media.video === 'string') await put('/video', new Uint8Array(await readFile(media.video)));
    const done = await rt.app.request('/v1/capture/complete', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(done.status, 200);
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(120_000);
    await w.stop();
    const full = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    const video = await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json();
    return { full, video, codes: full.reasons.map((r: { code: string }) => r.code) as string[] };
  }

  test('same person in video, selfie and document → high face match, evidence, webhook with scores', async () => {
    const { full, video, codes } = await runSession({ selfie: await personA3(), document: await idCard(await personA1()), video: await videoOfA() });
    assert.equal(full.status, 'completed');
    assert.ok(video.face_match_score >= 50, `face_match_score ${video.face_match_score}`);
    assert.ok(!codes.includes('face_mismatch'), codes.join());
    assert.ok(!codes.includes('no_face') && !codes.includes('multiple_faces') && !codes.includes('face_changed'), codes.join());
    const fm = full.verification.stages.find((s: { stage: string }) => s.stage === 'face_match').result;
    assert.deepEqual(fm.sources.sort(), ['document', 'selfie', 'video']);
    assert.equal(fm.pairs.length, 3);
    const kinds = full.artifacts.map((a: { kind: string }) => a.kind);
    assert.ok(kinds.includes('evidence_video_face_1') && kinds.includes('evidence_selfie_face') && kinds.includes('evidence_document_portrait'), kinds.join());
    await recv.waitFor(1);
    const evt = recv.received.map((r) => JSON.parse(r.body)).find((e) => e.data.session_id === full.id);
    assert.ok(evt, 'webhook for this session');
    assert.equal(evt.data.face_match_score, video.face_match_score);
    assert.equal(evt.data.result, full.result);
  });

  test('the phrase spoken in the video is heard: transcript in /video, phrase check SUCCESS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vkyc-speech-'));
    const { full, video } = await runSession({
      selfie: await personA3(),
      // flite rms, not slt: the session's phrase is six random digits, and slt's "four" in running
      // digits is heard as "five"/"far" (28/30 random strings verified, rms 30/30).
      video: async (phrase) => videoOfAWithSpeech(await synthSpeech(dir, 'phrase', phrase, { tts: 'flite', voice: 'rms' }), join(dir, 'spoken.webm')),
    });
    const speech = full.verification.stages.find((s: { stage: string }) => s.stage === 'speech').result;
    assert.equal(speech.video_phrase.status, 'SUCCESS', JSON.stringify(speech.video_phrase));
    assert.equal(typeof video.transcript, 'string');
    assert.ok(!full.reasons.some((r: { code: string }) => r.code === 'phrase_mismatch'), JSON.stringify(full.reasons));
    assert.deepEqual(speech.attempts.map((a: { status: string }) => a.status), ['SUCCESS']);
  });

  test('a different person in the selfie → face_mismatch, declined', async () => {
    const { full, codes } = await runSession({ selfie: await personB(), video: await videoOfA() });
    assert.ok(codes.includes('face_mismatch'), codes.join());
    assert.equal(full.result, 'declined');
  });

  test('two faces in the video → multiple_faces', async () => {
    const { codes } = await runSession({ selfie: await personA3(), video: await videoTwoFaces() });
    assert.ok(codes.includes('multiple_faces'), codes.join());
  });

  test('black video → no_face, declined', async () => {
    const { full, codes } = await runSession({ selfie: await personA3(), video: await videoBlack() });
    assert.ok(codes.includes('no_face'), codes.join());
    assert.equal(full.result, 'declined');
  });

  test('the face changes mid-video → face_changed', async () => {
    const { codes } = await runSession({ selfie: await personA3(), video: await videoFaceChange() });
    assert.ok(codes.includes('face_changed'), codes.join());
  });
});
