import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FINDING_CODES } from '../../../src/domain/findings.ts';
import { FINDING_WORDS, reasonInWords } from '../../../src/review/reason-words.ts';

test('every finding code has a sentence that is a sentence, not a code', () => {
  for (const code of FINDING_CODES) {
    const s = FINDING_WORDS[code];
    assert.match(s, /^[A-Z].{15,}[.:]/, code);
    assert.ok(!s.includes('_'), `${code}: no code-like words`);
  }
});

test('a face finding names the pair and its score against the bar it missed', () => {
  const r = reasonInWords({ code: 'face_mismatch', message: 'video and document faces do not match (score 31, threshold 50)', stage: 'face_match', details: { a: 'video', b: 'document', score: 31.4, threshold: 70, decline_below: 50 } });
  assert.equal(r.sentence, 'The faces do not match: the person may not be the document holder. (video ↔ document photo: score 31, needs 50)');
  assert.equal(r.severity, 'decline');
  assert.equal(r.technical, 'video and document faces do not match (score 31, threshold 50)');
  assert.deepEqual(r.evidence, { a: 'video', b: 'document', score: 31.4, threshold: 70, decline_below: 50 });
});

test('a non-blocking finding is review severity; a reviewer reason reads as its label; an unknown code keeps its message', () => {
  assert.equal(reasonInWords({ code: 'liveness_failed', message: 'm', blocking: false }).severity, 'review');
  assert.equal(reasonInWords({ code: 'poor_quality', message: 'set by reviewer', stage: 'review' }).sentence, 'Reviewer: Images or video too poor to decide.');
  const unknown = reasonInWords({ code: 'something_new', message: 'as the stage said' });
  assert.equal(unknown.sentence, 'as the stage said');
  assert.equal(unknown.severity, null);
});
