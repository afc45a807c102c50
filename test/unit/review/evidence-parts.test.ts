import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentPart, videoPart } from '../../../src/review/evidence.ts';
import type { StageResults } from '../../../src/verification/results/index.ts';

// The evidence viewer's document and video parts, composed from stored stage results (pure).

const reading = {
  format: 'TD3',
  fields: { document_type: 'P', issuing_country: 'UTO', document_number: 'L898902C3', surname: 'ERIKSSON', given_names: 'ANNA MARIA', nationality: 'UTO', birth_date: '1974-08-12', sex: 'F', expiry_date: '2012-04-15' },
  confidence: { document_number: 0.97 },
  mrz: { lines: ['P<UTOERIKSSON<<ANNA<MARIA', 'L898902C36UTO7408122F1204159'], valid: false, checks: [{ name: 'document_number', valid: true }, { name: 'composite', valid: false }], errors: ['composite check digit'], warnings: [] },
  expired: true,
  timings_ms: { decode: 1, detect: 1, recognize: 1, total: 3 },
};

test('document: each MRZ field next to the declared value, check digits and data checks passed or failed', () => {
  const d = documentPart({
    read: true, reading, findings: [],
    comparisons: [{ field: 'last_name', expected: 'Eriksson', document: 'ERIKSSON', match: true, similarity: 1 }, { field: 'birth_date', expected: '1975-08-12', document: '1974-08-12', match: false, similarity: 0.8 }],
  } as unknown as StageResults['document'])!;
  const f = (n: string) => d.fields.find((x) => x.name === n)!;
  assert.deepEqual([f('surname').value, f('surname').expected, f('surname').match], ['ERIKSSON', 'Eriksson', true]);
  assert.deepEqual([f('birth_date').expected, f('birth_date').match], ['1975-08-12', false]);
  assert.deepEqual([f('document_number').expected, f('document_number').match, f('document_number').confidence], [null, null, 0.97], 'not declared: no verdict');
  assert.deepEqual(d.check_digits, [{ name: 'document_number', passed: true }, { name: 'composite', passed: false }]);
  const checks = Object.fromEntries(d.data_checks.map((c) => [c.code, c.passed]));
  assert.deepEqual(checks, { not_expired: false, mrz_valid: false, matches_last_name: true, matches_birth_date: false });
  assert.equal(documentPart(undefined), null, 'no document stage: nothing');
});

test('video: challenge windows with the detected moment, the transcript words, flagged checks; absent stages stay empty', () => {
  const results = {
    probe: { present: true, duration_seconds: 12.5 },
    liveness: {
      liveness_score: 80, schedule: [{ type: 'turn_left', at_seconds: 2 }, { type: 'smile', at_seconds: 6 }],
      challenges: { passed: false, score: 50, baseline: null, results: [{ index: 0, type: 'turn_left', passed: true, baseline: null, value: 24, threshold: 15, atT: 3.1, confidence: 0.9, framesWithFace: 20 }, { index: 1, type: 'smile', passed: false, baseline: null, value: 0.1, threshold: 0.3, atT: null, confidence: null, framesWithFace: 18, failure: 'not seen' }] },
      checks: [{ reason: 'replay_suspected', flagged: true, blocking: true, evidence: { moire: 0.8 } }, { reason: 'virtual_camera', flagged: false, blocking: false, evidence: null }],
      findings: [],
    },
    speech: { transcript: 'my name is anna', reason: null, words: [{ word: 'my', start: 1, end: 1.2, confidence: 0.9 }], attempts: [], findings: [] },
  } as unknown as StageResults;
  const v = videoPart(results, { capture_plan: null, phrase_attempts: [] }, '/dashboard/api/sessions/s/media/video');
  assert.equal(v.duration_seconds, 12.5);
  assert.deepEqual(v.challenges.map((c) => [c.type, c.starts_at, c.detected_at, c.passed]), [['turn_left', 2, 3.1, true], ['smile', 6, null, false]]);
  assert.equal(v.transcript?.text, 'my name is anna');
  assert.deepEqual(v.transcript?.words.map((w) => w.word), ['my']);
  assert.deepEqual(v.flags.map((f) => f.code), ['replay_suspected'], 'only flagged checks');
  assert.deepEqual(v.frames, []);
  const empty = videoPart({} as StageResults, { capture_plan: { challenges: [{ type: 'nod', at_seconds: 4 }] }, phrase_attempts: [] }, null);
  assert.deepEqual(empty.challenges.map((c) => [c.type, c.passed]), [['nod', null]], 'the plan without results: not judged');
  assert.equal(empty.transcript, null);
  assert.equal(empty.duration_seconds, null);
});
