import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHALLENGE_TYPES, challengeInstruction, pickChallenges, type ChallengeType,
} from '../../../src/domain/liveness-challenges.ts';
import { LANGUAGES } from '../../../src/domain/languages.ts';

/** Deterministic pseudo-random source (LCG) so the property checks are reproducible. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
}

test('sequences have 2–4 challenges, never the same twice in a row, from the allowed set', () => {
  const rand = lcg(42);
  const allowed: ChallengeType[] = ['turn_left', 'blink', 'smile'];
  for (let i = 0; i < 500; i++) {
    const seq = pickChallenges(rand, { allowed });
    assert.ok(seq.length >= 2 && seq.length <= 4, `length ${seq.length}`);
    for (let j = 1; j < seq.length; j++) assert.notEqual(seq[j], seq[j - 1]);
    for (const c of seq) assert.ok(allowed.includes(c));
  }
});

test('all lengths and all types eventually appear', () => {
  const rand = lcg(7);
  const lengths = new Set<number>();
  const types = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const s = pickChallenges(rand);
    lengths.add(s.length);
    s.forEach((c) => types.add(c));
  }
  assert.deepEqual([...lengths].sort(), [2, 3, 4]);
  assert.equal(types.size, CHALLENGE_TYPES.length);
});

test('accessible mode replaces smile with open_mouth', () => {
  const rand = lcg(3);
  for (let i = 0; i < 100; i++) {
    const s = pickChallenges(rand, { allowed: ['smile', 'blink', 'turn_right'], accessible: true });
    assert.ok(!s.includes('smile'));
  }
});

test('move_closer alone is never enough: a face-changing challenge is always included', () => {
  const rand = lcg(11);
  for (let i = 0; i < 100; i++) {
    const s = pickChallenges(rand, { allowed: ['move_closer', 'blink'] });
    assert.ok(s.includes('blink'));
  }
});

test('instructions exist in every language, with English fallback', () => {
  for (const c of CHALLENGE_TYPES) for (const l of LANGUAGES) assert.ok(challengeInstruction(c, l).length > 3);
  assert.equal(challengeInstruction('blink', 'pt-BR'), 'Pisque os olhos');
  assert.equal(challengeInstruction('blink', 'ja'), 'Blink your eyes');
});

test('an empty allowed set fails loudly', () => {
  assert.throws(() => pickChallenges(lcg(1), { allowed: [] }));
});
