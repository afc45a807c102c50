import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CHALLENGE_THRESHOLDS } from '../../../src/domain/liveness-challenges.ts';
import { parseSession } from '../../../web/capture/src/api.ts';
import { ChallengeSequence } from '../../../web/capture/src/challenge-sequence.ts';
import { BASELINE_FRAMES, ChallengeWatch, measureFace, PAGE_THRESHOLDS, type PageMeasure } from '../../../web/capture/src/challenge-watch.ts';
import { SpeechPause } from '../../../web/capture/src/speech-pause.ts';

// The capture page's "challenges wait for the user" logic, run in Node with explicit times.

const neutral: PageMeasure = { yaw: 2, pitch: -1, eyeOpen: 0.9, mouthOpen: 0.05, smile: 0.1, mouthWidth: 1, faceSize: 0.4 };
const watchWithBaseline = (): ChallengeWatch => {
  const w = new ChallengeWatch();
  for (let i = 0; i < BASELINE_FRAMES; i++) w.push({ ...neutral, yaw: neutral.yaw + (i % 2 ? 1 : -1) });
  return w;
};

describe('challenge sequence (k of n, Done ✓, retry, bounded tries)', () => {
  test('waits for each challenge, holds Done ✓, then moves on; events carry shown/seen times', () => {
    const s = new ChallengeSequence(['turn_left', 'blink'], { timeoutS: 8, maxTries: 2, doneHoldS: 1 });
    s.start(6.5);
    assert.deepEqual(s.tick(7), { phase: 'doing', index: 0, total: 2, type: 'turn_left' });
    // Nothing happens while the user takes their time (well past the old fixed 4-s slot).
    assert.equal(s.tick(12).phase, 'doing');
    assert.equal(s.remaining, 2);
    s.seen(12.34);
    assert.equal(s.remaining, 1, 'a challenge with Done ✓ is no longer "to go"');
    assert.deepEqual(s.tick(12.5), { phase: 'done', index: 0, total: 2, type: 'turn_left' });
    assert.deepEqual(s.tick(13.4), { phase: 'doing', index: 1, total: 2, type: 'blink' });
    s.seen(14);
    assert.equal(s.tick(14.2).phase, 'done');
    assert.deepEqual(s.tick(15.1), { phase: 'finished', total: 2 });
    assert.equal(s.finished, true);
    assert.deepEqual(s.events, [
      { type: 'turn_left', index: 0, shown_at: 6.5, seen_at: 12.34 },
      { type: 'blink', index: 1, shown_at: 13.4, seen_at: 14 },
    ]);
  });

  test('timeout → retry prompt → second timeout moves on with seen_at null', () => {
    const s = new ChallengeSequence(['smile', 'open_mouth'], { timeoutS: 8, maxTries: 2 });
    s.start(1);
    assert.equal(s.tick(8.9).phase, 'doing');
    assert.deepEqual(s.tick(9), { phase: 'retry', index: 0, total: 2, type: 'smile' });
    assert.equal(s.remaining, 2);
    assert.deepEqual(s.tick(17), { phase: 'doing', index: 1, total: 2, type: 'open_mouth' });
    assert.equal(s.remaining, 1);
    s.seen(18);
    // Seen during the retry of the 2nd: still counted.
    assert.equal(s.tick(19).phase, 'finished');
    assert.deepEqual(s.events, [
      { type: 'smile', index: 0, shown_at: 1, seen_at: null },
      { type: 'open_mouth', index: 1, shown_at: 17, seen_at: 18 },
    ]);
  });

  test('a "seen" before start or after the end changes nothing', () => {
    const s = new ChallengeSequence(['blink'], { timeoutS: 4, maxTries: 1 });
    s.seen(0.5);
    s.start(1);
    assert.equal(s.events[0]?.seen_at, null);
    assert.equal(s.tick(5).phase, 'finished');
    s.seen(6);
    assert.deepEqual(s.events, [{ type: 'blink', index: 0, shown_at: 1, seen_at: null }]);
  });
});

describe('challenge watch (same measures as the server, stricter thresholds)', () => {
  test('page thresholds are stricter than the server', () => {
    const d = DEFAULT_CHALLENGE_THRESHOLDS;
    assert.ok(PAGE_THRESHOLDS.yawDeg > d.yawDeg && PAGE_THRESHOLDS.pitchDeg > d.pitchDeg);
    assert.ok(PAGE_THRESHOLDS.eyeClosedRatio < d.eyeClosedRatio);
    assert.ok(PAGE_THRESHOLDS.mouthOpenDelta > d.mouthOpenDelta && PAGE_THRESHOLDS.smileDelta > d.smileDelta);
    assert.ok(PAGE_THRESHOLDS.smileWidthGain > d.smileWidthGain);
    assert.ok(PAGE_THRESHOLDS.faceGrowth > d.faceGrowth);
  });

  test('no verdict before the baseline; then each type against the neutral', () => {
    const w = new ChallengeWatch();
    w.push(neutral);
    assert.equal(w.seen('turn_left', { ...neutral, yaw: 30 }), null);
    const b = watchWithBaseline();
    assert.equal(b.baseline?.yaw, neutral.yaw);
    // 10° passes the server (10°) but not the page (11°); 12° passes both.
    assert.equal(b.seen('turn_left', { ...neutral, yaw: neutral.yaw + 10.5 }), false);
    assert.equal(b.seen('turn_left', { ...neutral, yaw: neutral.yaw + 12 }), true);
    assert.equal(b.seen('turn_right', { ...neutral, yaw: neutral.yaw + 12 }), false);
    assert.equal(b.seen('turn_right', { ...neutral, yaw: neutral.yaw - 12 }), true);
    assert.equal(b.seen('look_up', { ...neutral, pitch: neutral.pitch + 9 }), true);
    assert.equal(b.seen('look_down', { ...neutral, pitch: neutral.pitch - 9 }), true);
    assert.equal(b.seen('blink', { ...neutral, eyeOpen: 0.6 }), false);
    assert.equal(b.seen('blink', { ...neutral, eyeOpen: 0.2 }), true);
    // A turned head shrinks the far eye: not a blink.
    assert.equal(b.seen('blink', { ...neutral, eyeOpen: 0.2, yaw: 25 }), false);
    assert.equal(b.seen('open_mouth', { ...neutral, mouthOpen: 0.3 }), true);
    assert.equal(b.seen('smile', { ...neutral, smile: 0.7 }), true);
    assert.equal(b.seen('smile', { ...neutral, smile: 0.55 }), false, 'the page asks 10 % more "happy" than the server');
    // Without the emotion model the mouth's width decides (the server's smileStrength): wider by
    // the page's stricter amount is a smile, by a little less not yet.
    const noEmotion = { ...neutral, smile: Number.NaN };
    assert.equal(b.seen('smile', noEmotion), false);
    const shape = (k: number) => ({ mouthWidth: 1 + k * PAGE_THRESHOLDS.smileWidthGain });
    assert.equal(b.seen('smile', { ...noEmotion, ...shape(1.01) }), true);
    assert.equal(b.seen('smile', { ...noEmotion, ...shape(0.95) }), false);
    assert.equal(b.seen('smile', { ...noEmotion, mouthWidth: Number.NaN }), null);
    assert.equal(b.seen('move_closer', { ...neutral, faceSize: 0.5 }), true);
    assert.equal(b.seen('dance', neutral), null);
  });

  test('the neutral is the median of the frames before the first challenge, then frozen', () => {
    const w = new ChallengeWatch();
    // Reading the phrase: mostly frontal, one glance to the side.
    for (const yaw of [0, 1, -1, 0, 14, 1, 0, -1]) w.push({ ...neutral, yaw });
    assert.equal(w.baseline?.yaw, 0);
    w.freeze();
    // Turning during the challenge does not move the neutral.
    for (let i = 0; i < 20; i++) w.push({ ...neutral, yaw: 15 });
    assert.equal(w.baseline?.yaw, 0);
    assert.equal(w.seen('turn_left', { ...neutral, yaw: 15 }), true);
  });

  test('measureFace: Human result → the server adapter sign convention, NaN smile without emotion', () => {
    const mesh = Array.from({ length: 468 }, (_, i) => [100 + (i % 20), 100 + Math.floor(i / 20), 0]);
    const m = measureFace({ mesh, rotation: { angle: { yaw: -0.2, pitch: 0.1 } }, boxRaw: [0.2, 0.2, 0.4, 0.5] });
    assert.ok(m);
    assert.ok(Math.abs(m.yaw - 11.459) < 0.01, 'Human yaw −0.2 rad = turned to own left = +11.5°');
    assert.ok(Math.abs(m.pitch + 5.73) < 0.01);
    assert.ok(Number.isNaN(m.smile));
    assert.ok(Number.isFinite(m.mouthWidth), 'the mouth width needs only the mesh');
    assert.equal(m.faceSize, 0.5);
    assert.equal(measureFace({ mesh: mesh.slice(0, 100) }), null);
    assert.equal(measureFace({ mesh, emotion: [{ emotion: 'neutral', score: 0.9 }] })?.smile, 0);
  });
});

describe('speech pause (move on from the phrase without a tap)', () => {
  const feed = (levels: [number, number][]): boolean[] => {
    const p = new SpeechPause();
    return levels.map(([rms, t]) => p.push(rms, t));
  };
  const series = (from: number, to: number, rms: number): [number, number][] => Array.from({ length: Math.round((to - from) / 0.15) }, (_, i) => [rms, from + i * 0.15]);

  test('speech then 1.5 s of quiet → done; short pauses inside the phrase are not', () => {
    const r = feed([...series(0, 1, 0.002), ...series(1, 2.5, 0.08), ...series(2.5, 3.1, 0.002), ...series(3.1, 4.5, 0.08), ...series(4.5, 6.3, 0.002)]);
    const firstTrue = r.indexOf(true);
    assert.ok(firstTrue > 0);
    const t = [...series(0, 1, 0), ...series(1, 2.5, 0), ...series(2.5, 3.1, 0), ...series(3.1, 4.5, 0), ...series(4.5, 6.3, 0)][firstTrue]![1];
    assert.ok(t >= 6 && t < 6.3, `done 1.5 s after the end of speech, got ${t}`);
  });

  test('silence alone or a cough never counts as having said the phrase', () => {
    assert.equal(feed(series(0, 10, 0.002)).includes(true), false);
    assert.equal(feed([...series(0, 0.5, 0.2), ...series(0.5, 10, 0.002)]).includes(true), false);
  });
});

describe('session: challenge_timeout_seconds', () => {
  const base = { session_id: 's', status: 'pending', steps: ['video'], video_max_duration: 30 };
  test('taken from the server, 8 s for older servers', () => {
    assert.equal(parseSession({ ...base, challenge_timeout_seconds: 6 }).challenge_timeout_seconds, 6);
    assert.equal(parseSession(base).challenge_timeout_seconds, 8);
    assert.equal(parseSession({ ...base, challenge_timeout_seconds: -1 }).challenge_timeout_seconds, 8);
  });
});
