import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChallenges, verifyScheduledChallenges, type ChallengeFrame } from '../../../src/liveness/verify-challenges.ts';
import { face } from './helpers.ts';

/** 5 fps frames: `n` frames per challenge window, built by `shape(challengeIndex, k)`. */
function frames(windows: number, n: number, shape: (ci: number, k: number) => Parameters<typeof face>[0] | null): ChallengeFrame[] {
  const out: ChallengeFrame[] = [];
  for (let ci = 0; ci < windows; ci++) {
    for (let k = 0; k < n; k++) {
      const s = shape(ci, k);
      out.push({ challengeIndex: ci, t: 100 + (ci * n + k) * 0.2, face: s === null ? null : face(s) });
    }
  }
  return out;
}

// Neutral start, then a smooth peak in the middle of each window (like a real head turn).
const bump = (k: number, n: number, peak: number) => peak * Math.sin((Math.PI * k) / (n - 1));

test('a genuine turn_left → blink → open_mouth sequence passes, relative to a tilted baseline', () => {
  const base = { yaw: 7, pitch: -4, eye: 0.8, mouth: 0.1 };
  const fs = frames(3, 6, (ci, k) => {
    if (ci === 0) return { ...base, yaw: base.yaw + bump(k, 6, 25) };
    if (ci === 1) return { ...base, eye: k === 3 ? 0.2 : 0.8 };
    return { ...base, mouth: 0.1 + bump(k, 6, 0.5) };
  });
  const v = verifyChallenges(['turn_left', 'blink', 'open_mouth'], fs);
  assert.equal(v.passed, true, JSON.stringify(v.results));
  assert.ok(Math.abs(v.baseline!.yaw - 7) < 1e-9);
  assert.ok(v.score >= 0.5 && v.score <= 1);
});

test('the same motions against a different requested order fail', () => {
  const fs = frames(2, 6, (ci, k) => (ci === 0 ? { yaw: bump(k, 6, 25) } : { yaw: -bump(k, 6, 25) }));
  assert.equal(verifyChallenges(['turn_left', 'turn_right'], fs).passed, true);
  const wrong = verifyChallenges(['turn_right', 'turn_left'], fs);
  assert.equal(wrong.passed, false);
  assert.deepEqual(wrong.results.map((r) => r.failure), ['not_performed', 'not_performed']);
});

test('a still face (jitter only) fails every challenge type', () => {
  const jitter = (k: number) => ((k * 7919) % 5) / 5 - 0.4; // deterministic ±0.4
  const fs = frames(4, 5, (_ci, k) => ({ yaw: 2 * jitter(k), pitch: 2 * jitter(k + 1), mouth: 0.05 + 0.02 * jitter(k), smile: 0.1 + 0.05 * jitter(k + 2), width: 1.3 + 0.03 * jitter(k + 4), eye: 0.9 + 0.05 * jitter(k + 3) }));
  for (const type of ['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'smile', 'open_mouth', 'move_closer'] as const) {
    const v = verifyChallenges([type, type === 'blink' ? 'smile' : 'blink', 'turn_left', 'smile'].slice(0, 4) as never, fs);
    assert.equal(v.results[0]!.passed, false, type);
  }
});

test('frames sent out of order (challenge 1 before challenge 0 in time) fail as out_of_order', () => {
  const fs = frames(2, 4, (ci, k) => (ci === 0 ? { yaw: bump(k, 4, 30) } : { pitch: bump(k, 4, 20) }));
  const swapped = fs.map((f) => ({ ...f, challengeIndex: f.challengeIndex === 0 ? 1 : 0 }));
  const v = verifyChallenges(['turn_left', 'look_up'], swapped);
  assert.equal(v.passed, false);
  assert.ok(v.results.every((r) => r.failure === 'out_of_order'));
});

test('no face in a window → no_face; NaN smiles do not poison the baseline', () => {
  const fs = frames(2, 4, (ci, k) => (ci === 0 ? (k === 2 ? { smile: 0.9, width: 1.5 } : { smile: k === 0 ? Number.NaN : 0.1 }) : null));
  const v = verifyChallenges(['smile', 'blink'], fs);
  assert.equal(v.results[0]!.passed, true, JSON.stringify(v.results[0]));
  assert.equal(v.results[1]!.failure, 'no_face');
});

test('move_closer needs ≥ 20 % face growth; look_down uses pitch relative to baseline', () => {
  const fs = frames(2, 5, (ci, k) => (ci === 0 ? { size: 0.3 + bump(k, 5, 0.1) } : { pitch: -bump(k, 5, 14) }));
  const v = verifyChallenges(['move_closer', 'look_down'], fs);
  assert.equal(v.passed, true, JSON.stringify(v.results));
  const small = frames(2, 5, (ci, k) => (ci === 0 ? { size: 0.3 + bump(k, 5, 0.03) } : { pitch: -bump(k, 5, 14) }));
  assert.equal(verifyChallenges(['move_closer', 'look_down'], small).results[0]!.passed, false);
});

test('self-record schedule: each challenge is looked for after its prompt', () => {
  // 10 fps recording; prompts at 1 s (turn_right) and 3 s (smile); baseline before 1 s.
  const timed = Array.from({ length: 60 }, (_, i) => {
    const t = i / 10;
    const yaw = t > 1.4 && t < 2.4 ? -22 : 0;
    const smiling = t > 3.5 && t < 4.5;
    return { t, face: face({ yaw, smile: smiling ? 0.9 : 0.05, width: smiling ? 1.5 : 1.3 }) };
  });
  const ok = verifyScheduledChallenges([{ type: 'turn_right', at_seconds: 1 }, { type: 'smile', at_seconds: 3 }], timed);
  assert.equal(ok.passed, true, JSON.stringify(ok.results));
  // The same recording judged against prompts shown in the other order fails.
  const bad = verifyScheduledChallenges([{ type: 'smile', at_seconds: 1 }, { type: 'turn_right', at_seconds: 3 }], timed);
  assert.equal(bad.passed, false);
});
