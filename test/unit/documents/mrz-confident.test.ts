/**
 * Choosing between two settled readings (src/documents/mrz-confident.ts): a look-alike the check
 * digits cannot see (`G` = 16 weighs like `6`) is settled by recogniser confidence, and only where
 * check digits cover every difference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doubtful, preferConfident, type Reading } from '../../../src/documents/mrz-confident.ts';
import { parseMrz } from '../../../src/documents/mrz-parse.ts';
import { td3 } from './mrz-fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const settled = (p: Reading['parsed']): boolean => p.checks.every((c) => c.valid);

/** A reading of `lines` with confidence 0.95 everywhere except `weak` ([line, index, p]). */
function reading(lines: string[], weak: [number, number, number][] = []): Reading {
  const confidences = lines.map((l) => [...l].map(() => 0.95));
  for (const [l, i, p] of weak) confidences[l]![i] = p;
  return { parsed: parseMrz(lines, NOW), block: { confidences } };
}

const SAMPLE = { number: 'CC74559G7', surname: 'GARCIA', given: 'MAX', birth: '021105', sex: 'M', expiry: '341202' };

describe('settled readings that differ only where check digits look', () => {
  const truth = td3(SAMPLE);
  // `G` → `6` keeps every check digit valid (16 ≡ 6 mod 10).
  const misread = [truth[0]!, truth[1]!.replace('559G7', '55967')];

  it('takes the reading whose differing characters were read more confidently', () => {
    const wrong = reading(misread, [[1, 7, 0.39]]);
    const right = reading(truth, [[1, 7, 0.72]]);
    assert.equal(settled(wrong.parsed) && settled(right.parsed), true);
    assert.equal(preferConfident([wrong, right], settled)[0], right);
    assert.equal(preferConfident([right, wrong], settled)[0], right);
    assert.equal(doubtful(wrong.parsed, wrong.block.confidences, 0.5), true);
    assert.equal(doubtful(right.parsed, right.block.confidences, 0.5), false);
  });

  it('leaves readings that also differ in a name to the ranking', () => {
    const renamed = [truth[0]!.replace('MAX', 'MAK'), truth[1]!];
    const first = reading(misread, [[1, 7, 0.39]]);
    const other = reading(renamed, [[1, 7, 0.99]]);
    assert.equal(preferConfident([first, other], settled)[0], first);
  });
});
