import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVirtualCamera } from '../../../src/liveness/camera-label.ts';
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

test('a file-path camera is camera_injection and declines; video-feeding virtual cameras decline, other virtual cameras stay review', () => {
  assert.equal(decide([{ code: 'camera_injection', message: '', stage: 'liveness' }]).result, 'declined');
  assert.equal(decide([{ code: 'virtual_camera', message: '', stage: 'liveness', blocking: true }]).result, 'declined');
  assert.equal(decide([{ code: 'virtual_camera', message: '', stage: 'liveness', blocking: false }]).result, 'needs_review');
});

test('OBS and ManyCam feed any video; a phone-as-webcam app or an effect filter does not', () => {
  const feeds = (label: string) => (checkVirtualCamera([label]).evidence.feeds_any_video as string[]).length > 0;
  assert.equal(feeds('OBS Virtual Camera'), true);
  assert.equal(feeds('ManyCam Virtual Webcam'), true);
  assert.equal(feeds('DroidCam Source 3'), false);
  assert.equal(feeds('NVIDIA Broadcast'), false);
  assert.equal(checkVirtualCamera(['Integrated Camera (04f2:b6d9)']).flagged, false);
});
