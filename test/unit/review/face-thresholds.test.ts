import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MATCH_THRESHOLD, VIDEO_SELFIE_APPROVE_SCORE, VIDEO_SELFIE_DECLINE_SCORE } from '../../../src/domain/face-match.ts';
import { pairThresholds } from '../../../src/verification/stages/face-match.ts';

test('a project\'s face_match_threshold moves every pair\'s bars; without one the calibrated defaults stay', () => {
  assert.deepEqual(pairThresholds('selfie', 'document'), { threshold: MATCH_THRESHOLD, declineBelow: 35 });
  assert.deepEqual(pairThresholds('selfie', 'document', 60), { threshold: 60, declineBelow: 45 });
  assert.deepEqual(pairThresholds('video', 'document', 10), { threshold: 10, declineBelow: 0 });
  assert.deepEqual(pairThresholds('video', 'selfie', 60), { threshold: VIDEO_SELFIE_APPROVE_SCORE, declineBelow: VIDEO_SELFIE_DECLINE_SCORE });
  assert.deepEqual(pairThresholds('video', 'selfie', 85), { threshold: VIDEO_SELFIE_APPROVE_SCORE, declineBelow: 85 });
  assert.deepEqual(pairThresholds('video', 'selfie', 97), { threshold: 97, declineBelow: 97 });
});
