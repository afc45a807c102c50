import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/domain/decision.ts';

// Issue 13: a finding whose own evidence says `blocking: false` (e.g. delivery stalls in a live video)
// was mapped to decline by its code. A non-blocking signal may send to review, never decline alone.

test('a non-blocking replay_suspected alone sends to review, not decline', () => {
  const r = decide([{ code: 'replay_suspected', message: 'stalls', stage: 'liveness', blocking: false }]);
  assert.equal(r.result, 'needs_review');
});

test('the same code without the flag, or marked blocking, still declines', () => {
  assert.equal(decide([{ code: 'replay_suspected', message: 'loop', stage: 'liveness' }]).result, 'declined');
  assert.equal(decide([{ code: 'replay_suspected', message: 'loop', stage: 'liveness', blocking: true }]).result, 'declined');
});

test('a non-blocking finding next to a declining one does not rescue it', () => {
  const r = decide([
    { code: 'replay_suspected', message: 'stalls', stage: 'liveness', blocking: false },
    { code: 'challenge_failed', message: 'no turn', stage: 'liveness' },
  ]);
  assert.equal(r.result, 'declined');
  assert.equal(r.reasons.length, 2);
});

test('a file-path camera is camera_injection and declines; a generic virtual camera stays review', () => {
  assert.equal(decide([{ code: 'camera_injection', message: '', stage: 'liveness' }]).result, 'declined');
  assert.equal(decide([{ code: 'virtual_camera', message: '', stage: 'liveness' }]).result, 'needs_review');
});
