// verifyLiveness with the real face engine (Human + face-api on tfjs WASM) on frames generated with
// ffmpeg from a face-api sample photo: a photo zoomed in front of the camera, and a face swapped
// between frames. Model load dominates the run time (~5–10 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../../../src/domain/errors.ts';
import { createFaceEngine } from '../../../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../../../src/engines/face/image.ts';
import type { FaceEngine } from '../../../src/engines/face/port.ts';
import { createMemoryNonceStore } from '../../../src/liveness/memory-nonce-store.ts';
import { livenessVerifyBody } from '../../../src/liveness/schema.ts';
import { signChallengeToken } from '../../../src/liveness/token.ts';
import { verifyLiveness } from '../../../src/liveness/verify.ts';
import type { ChallengeType } from '../../../src/domain/liveness-challenges.ts';

const SAMPLE = resolve(import.meta.dirname, '../../../node_modules/@vladmandic/face-api/demo/sample1.jpg');
const SECRET = 'engine-test-secret-0123456789abcdefghij';
const clock = { now: () => new Date('2026-03-01T10:00:00Z') };
const T0 = clock.now().getTime() / 1000;
const dir = mkdtempSync(join(tmpdir(), 'vkyc-liveness-engine-'));
let engine: FaceEngine;

/** Frames of one face cropped from the sample, zoomed in over `n` frames, with sensor-like noise. */
function frames(name: string, crop: string, n: number, zoomTo: number): string[] {
  const out = join(dir, name);
  execFileSync('mkdir', ['-p', out]);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', SAMPLE, '-vf',
    `crop=${crop},scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,` +
    `zoompan=z='1+${zoomTo - 1}*on/${n}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${n}:s=640x480:fps=5,noise=alls=6:allf=t+u`,
    '-frames:v', String(n), '-q:v', '3', join(out, 'f_%02d.jpg')]);
  return readdirSync(out).sort().map((f) => `data:image/jpeg;base64,${readFileSync(join(out, f)).toString('base64')}`);
}

function body(challenges: ChallengeType[], images: Array<{ ci: number; image: string }>, passport?: string) {
  const { token } = signChallengeToken({ sessionId: 'ses_1', projectId: 'prj_1', challenges }, SECRET, clock);
  return livenessVerifyBody.parse({
    challengeToken: token,
    frames: images.map((f, i) => ({ challengeIndex: f.ci, image: f.image, timestamp: T0 + 0.3 * (i + 1) })),
    antiSpoofing: { score: 0.99 },
    ...(passport ? { passport, documentType: 'passport', country: 'de' } : {}),
  });
}

const deps = () => ({ engine, decodeImage, tokenSecret: SECRET, nonces: createMemoryNonceStore(clock), clock });

before(async () => {
  engine = createFaceEngine();
  await engine.init();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const PERSON_A = '450:500:1350:80';
const PERSON_B = '450:500:300:150';

test('a photo zoomed towards the camera: move_closer is measured, the blink is not, liveness fails', async () => {
  const a = frames('a', PERSON_A, 6, 1.8);
  const passport = frames('p', PERSON_A, 1, 1)[0]!;
  const d = deps();
  const input = { body: body(['move_closer', 'blink'], a.map((image, i) => ({ ci: i < 3 ? 0 : 1, image })), passport), sessionId: 'ses_1', projectId: 'prj_1' };
  const r = await verifyLiveness(input, d);
  const results = r.evidence.challengeResults as Array<{ type: string; passed: boolean; value: number | null }>;
  assert.equal(r.success, true);
  assert.equal(r.passed, false);
  assert.ok(r.reasons.includes('challenge_failed'), r.reasons.join());
  assert.equal(results[0]!.passed, true, `zoom grows the face: ${JSON.stringify(results[0])}`);
  assert.equal(results[1]!.passed, false);
  assert.ok(r.details.faceMatchScore !== null && r.details.faceMatchScore >= 0.5, `same photo matches: ${r.details.faceMatchScore}`);
  assert.ok((r.evidence.frames as Array<{ faces: number }>).every((f) => f.faces >= 1));
  // The token was consumed: the same body again is refused.
  await assert.rejects(verifyLiveness(input, d), (e: AppError) => e.code === 'token_used');
});

test('another person in the second half of the frames is face_swap', async () => {
  const a = frames('a2', PERSON_A, 3, 1.1);
  const b = frames('b', PERSON_B, 3, 1.1);
  const imgs = [...a.map((image) => ({ ci: 0, image })), ...b.map((image) => ({ ci: 1, image }))];
  const r = await verifyLiveness({ body: body(['smile', 'open_mouth'], imgs), sessionId: 'ses_1', projectId: 'prj_1' }, deps());
  assert.ok(r.reasons.includes('face_swap'), `${r.reasons.join()} ${JSON.stringify((r.evidence.checks as Array<{ reason: string; evidence: unknown }>).find((c) => c.reason === 'face_swap'))}`);
  assert.equal(r.passed, false);
  assert.equal(r.details.livenessScore, 0);
});
