import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileSchema } from '../../../src/domain/session.ts';
import { createSessionBody } from '../../../src/sessions/schemas.ts';
import { makeCapturePlan } from '../../../src/sessions/capture-plan.ts';

const now = new Date('2026-12-06T10:00:00Z');

test('challenge_order fixed: exactly the listed challenges, in the listed order, repeats kept', () => {
  const profile = profileSchema.parse({ steps: ['video'], phrase: 'none', challenges: ['blink', 'smile', 'blink'], challenge_order: 'fixed' });
  const plan = makeCapturePlan({ profile, now, random: () => 0 });
  assert.deepEqual(plan?.challenges.map((c) => c.type), ['blink', 'smile', 'blink']);
  assert.deepEqual(plan?.challenges.map((c) => c.at_seconds), [1, 5, 9]);
});

test('challenge_order absent = random: the draw picks from the list', () => {
  const profile = profileSchema.parse({ steps: ['video'], phrase: 'none', challenges: ['blink', 'smile', 'turn_left'] });
  assert.equal(profile.challenge_order, undefined);
  // random() = 0 draws the minimum count (2) and always the first unused candidate.
  assert.deepEqual(makeCapturePlan({ profile, now, random: () => 0 })?.challenges.map((c) => c.type), ['blink', 'smile']);
});

test('challenge_order fixed without a challenge list is refused', () => {
  const r = createSessionBody.safeParse({ profile: { steps: ['video'], challenge_order: 'fixed' } });
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues.map((i) => i.path.join('.')), ['profile.challenges']);
});
