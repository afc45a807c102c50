import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faceMatchView } from '../../../src/sessions/views.ts';
import type { StageRunsTable } from '../../../src/storage/schema.ts';

const run = (result: unknown) => ({ stage: 'face_match', status: 'completed', result: JSON.stringify(result) }) as unknown as StageRunsTable;

test('GET /v1/sessions/{id} names every face-match pair with its score, threshold and outcome', () => {
  const v = faceMatchView([run({
    face_match_score: 71.2, threshold: 80,
    pairs: [
      { pair: 'video_selfie', a: 'video', b: 'selfie', score: 91.5, threshold: 80, decline_below: 80, outcome: 'match', match: true },
      { pair: 'video_document', a: 'video', b: 'document', score: 71.2, threshold: 80, decline_below: 65, outcome: 'review', match: false },
    ],
  })]);
  assert.deepEqual(v, {
    face_match_score: 71.2, threshold: 80,
    pairs: {
      video_selfie: { score: 91.5, threshold: 80, decline_below: 80, outcome: 'match' },
      video_document: { score: 71.2, threshold: 80, decline_below: 65, outcome: 'review' },
      selfie_document: null,
    },
  });
});

test('before the stage ran there is no face_match; older stored results still name their pairs', () => {
  assert.equal(faceMatchView([]), null);
  const old = faceMatchView([run({ face_match_score: 50, threshold: 80, pairs: [{ a: 'selfie', b: 'document', score: 50, match: false }] })]);
  assert.deepEqual(old!.pairs.selfie_document, { score: 50, threshold: 80, decline_below: 80, outcome: 'mismatch' });
});
