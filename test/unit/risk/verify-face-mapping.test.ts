import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combinedRisk, DECISIONS } from '../../../src/http/compat/verisoul-answer.ts';
import { continentOf } from '../../../src/risk/continent.ts';

// The pure parts of the Verisoul verify-face answer: continent from the country, the combined
// flags and score, the decision mapping.

test('continent of a country code (GeoNames codes; transcontinental countries as GeoNames has them)', () => {
  assert.deepEqual(['US', 'de', 'JP', 'BR', 'AU', 'NG', 'AQ', 'RU', 'TR', 'EG'].map(continentOf), ['NA', 'EU', 'AS', 'SA', 'OC', 'AF', 'AN', 'EU', 'AS', 'AF']);
  assert.equal(continentOf('ZZ'), null);
  assert.equal(continentOf(null), null);
});

test('risk flags and score: risk-stage flags and duplicate findings, strongest first, noisy-OR', () => {
  assert.deepEqual(combinedRisk([], []), { risk_flags: [], risk_score: 0 });
  assert.deepEqual(combinedRisk([], ['repeat_face']), { risk_flags: ['repeat_face'], risk_score: 0.8 });
  // 1 − (1 − 0.9)(1 − 0.4)(1 − 0.1) = 0.946
  assert.deepEqual(combinedRisk(['vpn', 'ip_mismatch'], ['blocked_face', 'face_mismatch']), { risk_flags: ['blocked_face', 'vpn', 'ip_mismatch'], risk_score: 0.946 });
});

test('decision: approved → Real, needs_review → Suspicious, declined → Fake', () => {
  assert.deepEqual(DECISIONS, { approved: 'Real', needs_review: 'Suspicious', declined: 'Fake' });
});
