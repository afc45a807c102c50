import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { decide, type Finding } from '../../../src/domain/decision.ts';
import { FINDING_CODES, FINDING_SEVERITY, type StageFinding } from '../../../src/domain/findings.ts';
import type { Deps } from '../../../src/deps.ts';
import { pipelineStages } from '../../../src/main.ts';
import { DEFAULT_RISK_POLICY, RISK_FLAGS } from '../../../src/risk/policy.ts';
import { checkPipeline, defineStage, type Stage } from '../../../src/verification/pipeline.ts';
import { STAGE_RESULTS } from '../../../src/verification/results/index.ts';
import { decodeStageResult, readStoredResults } from '../../../src/verification/results/read.ts';
import { StageResultError } from '../../../src/verification/stage-errors.ts';
import { riskFindings } from '../../../src/verification/stages/risk.ts';

// The pipeline's types hold at compile time (tsc checks this file: the @ts-expect-error lines fail
// the typecheck if what they mark ever compiles) and its checks hold at run time.

test('finding codes are a closed list: an unknown code does not compile', () => {
  // @ts-expect-error 'no_fase' is not a finding code (a typo is a compile error, not a review)
  const typo: StageFinding = { code: 'no_fase', message: 'typo' };
  // @ts-expect-error the decision policy takes only known codes too
  const unknown: Finding = { code: 'unknown_future_code', message: '', stage: 'x' };
  assert.ok(typo && unknown);
  // The runtime list is the mapping's keys: every code has a severity, the schema knows each one.
  assert.deepEqual([...FINDING_CODES].sort(), Object.keys(FINDING_SEVERITY).sort());
  assert.equal(FINDING_CODES.length, 43);
});

test('every finding code decides by its own severity, with no fallback', () => {
  for (const code of FINDING_CODES) {
    const expected = FINDING_SEVERITY[code] === 'decline' ? 'declined' : 'needs_review';
    assert.equal(decide([{ code, message: '', stage: 'x' }]).result, expected, code);
  }
  assert.equal(decide([{ code: 'face_mismatch', message: '', stage: 'x' }]).result, 'declined');
  assert.equal(decide([{ code: 'phrase_mismatch', message: '', stage: 'x' }]).result, 'needs_review');
  // A stage's own override still applies: a non-blocking decline code only reviews.
  assert.equal(decide([{ code: 'replay_suspected', message: '', stage: 'x', blocking: false }]).result, 'needs_review');
});

test('every risk flag has its risk_<flag> finding code', () => {
  const all = { decline: [...RISK_FLAGS], review: [] };
  const found = riskFindings(RISK_FLAGS, all, {});
  assert.deepEqual(found.map((f) => f.code), RISK_FLAGS.map((f) => `risk_${f}`));
  for (const f of found) assert.ok((FINDING_CODES as readonly string[]).includes(f.code), f.code);
  assert.deepEqual(riskFindings(['tor', 'ip_mismatch'], DEFAULT_RISK_POLICY, {}).map((f) => [f.code, f.severity]), [['risk_tor', 'decline']]);
});

test('a stage reads only the inputs it declares (type level)', () => {
  const stage = defineStage(STAGE_RESULTS.decode)({
    name: 'decode',
    inputs: ['probe'],
    async run(ctx) {
      const probe = ctx.input('probe');
      // @ts-expect-error faces is not among this stage's inputs
      ctx.input('faces');
      return probe.usable === false ? { frames: 0, audio: false, skipped: true } : { frames: 0, audio: false };
    },
  });
  assert.deepEqual(stage.inputs, ['probe']);
  const wrong = defineStage(STAGE_RESULTS.decode)({
    name: 'decode',
    // @ts-expect-error what run returns must match the stage's schema (frames is a number)
    run: async () => ({ frames: 'none', audio: false }),
  });
  assert.equal(wrong.result, STAGE_RESULTS.decode);
});

const stub = (name: string, inputs: Stage['inputs'] = []): Stage => ({ name, inputs, result: z.object({}), run: async () => ({}) });

test('the pipeline refuses at start-up a stage whose input no earlier stage produces', () => {
  checkPipeline(pipelineStages({} as Deps)); // the real order passes
  const real = pipelineStages({} as Deps);
  const [probe, document, decode, faces, faceMatch] = real;
  assert.throws(() => checkPipeline([faceMatch!, faces!]), /stage face_match reads faces, which no earlier stage produces/);
  assert.throws(() => checkPipeline([probe!, document!, faces!, decode!]), /stage faces reads decode/);
  assert.throws(() => checkPipeline([stub('a'), stub('a')]), /appears twice/);
  // A pipeline stage name with another schema would make ctx.input('faces') lie about its type.
  assert.throws(() => checkPipeline([stub('faces')]), /must declare the faces result schema/);
  assert.doesNotThrow(() => checkPipeline([stub('probe-like'), stub('later', [])]));
});

test('a stored result that does not match its schema is refused with the coded error', () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('not refused');
  };
  const wrongType = err(() => decodeStageResult('face_match', JSON.stringify({ face_match_score: '91', threshold: 80, pairs: [] })));
  assert.ok(wrongType instanceof StageResultError);
  assert.equal(wrongType.code, 'stage_result_invalid');
  assert.equal(wrongType.stage, 'face_match');
  assert.match(wrongType.message, /face_match_score: invalid_type/);
  assert.ok(!wrongType.message.includes('91'), 'the stored value itself is not repeated (logs)');

  const unknownCode = err(() => decodeStageResult('probe', JSON.stringify({ present: true, findings: [{ code: 'media_unusabel', message: 'x' }] })));
  assert.ok(unknownCode instanceof StageResultError);
  assert.match(unknownCode.message, /findings\.0\.code/);
  for (const text of ['{not json', null, 'null']) {
    assert.equal((err(() => decodeStageResult('speech', text)) as StageResultError).code, 'stage_result_invalid');
  }

  // Results stored by older versions that still match (pairs without their own threshold) are read.
  const old = decodeStageResult('face_match', JSON.stringify({ face_match_score: 50, threshold: 80, pairs: [{ a: 'selfie', b: 'document', score: 50, match: false }] }));
  assert.deepEqual(old.findings, []);

  const { results, invalid } = readStoredResults([
    { stage: 'probe', result: JSON.stringify({ present: true, usable: true, duration_seconds: 12.4 }) },
    { stage: 'liveness', result: JSON.stringify({ liveness_score: 'high', findings: [] }) },
    { stage: 'liveness_api', result: JSON.stringify({ anything: true }) },
  ]);
  assert.equal(results.probe?.duration_seconds, 12.4);
  assert.equal(results.liveness, undefined);
  assert.deepEqual(invalid.map((e) => [e.stage, e.code]), [['liveness', 'stage_result_invalid']]);
});
