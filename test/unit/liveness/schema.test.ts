import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDataUrl, livenessVerifyBody } from '../../../src/liveness/schema.ts';

const img = 'data:image/jpeg;base64,' + Buffer.from('not really a jpeg but bytes').toString('base64');

test('the seed body parses', () => {
  const body = {
    challengeToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...',
    frames: [
      { challengeIndex: 0, image: img, landmarks: {}, blendshapes: {}, headPose: {}, timestamp: 1701424800.123 },
      { challengeIndex: 1, image: img, landmarks: {}, blendshapes: {}, headPose: {}, timestamp: 1701424801.5 },
    ],
    antiSpoofing: { score: 0.99 },
    passport: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=',
    documentType: 'passport',
    country: 'ru',
  };
  assert.equal(livenessVerifyBody.safeParse(body).success, true);
});

test('passport, documentType, country and client measurements may be omitted', () => {
  const r = livenessVerifyBody.safeParse({ challengeToken: 'lv1.abc.def', frames: [
    { challengeIndex: 0, image: img, timestamp: 1701424800 }, { challengeIndex: 0, image: img, timestamp: 1701424801 },
  ] });
  assert.equal(r.success, true);
});

test('missing images, negative indexes and too many frames are rejected', () => {
  const frame = { challengeIndex: 0, image: img, timestamp: 1 };
  assert.equal(livenessVerifyBody.safeParse({ challengeToken: 'lv1.abc.def', frames: [frame] }).success, false);
  assert.equal(livenessVerifyBody.safeParse({ challengeToken: 'lv1.abc.def', frames: [frame, { ...frame, challengeIndex: -1 }] }).success, false);
  assert.equal(livenessVerifyBody.safeParse({ challengeToken: 'lv1.abc.def', frames: Array(61).fill(frame) }).success, false);
});

test('decodeDataUrl accepts data URLs and bare base64, refuses garbage', () => {
  assert.equal(Buffer.from(decodeDataUrl(img)!).toString(), 'not really a jpeg but bytes');
  assert.equal(Buffer.from(decodeDataUrl(Buffer.from('abc').toString('base64'))!).toString(), 'abc');
  assert.equal(decodeDataUrl('data:image/jpeg;base64,@@@'), null);
});
