/**
 * CTC decoding with look-alike folding (src/engines/ocr/ctc.ts) and the fixed-pitch recovery of
 * dropped MRZ characters (src/documents/mrz-pitch.ts), on hand-built probability frames: the model
 * is not needed to check the arithmetic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillPitchGaps } from '../../../src/documents/mrz-pitch.ts';
import { MRZ_ALPHABET } from '../../../src/documents/mrz-format.ts';
import { decodeCtc, slotTable } from '../../../src/engines/ocr/ctc.ts';

// A toy dictionary in the recogniser's layout: class 0 is the blank.
const DICTIONARY = ['', ...MRZ_ALPHABET, 'o', 'Ｏ', '中'];
const classOf = (ch: string): number => DICTIONARY.indexOf(ch);

/** Frames where `spec[t]` lists [character, probability] pairs; the rest of the mass is blank. */
function frames(spec: readonly (readonly (readonly [string, number])[])[]): Float32Array {
  const out = new Float32Array(spec.length * DICTIONARY.length);
  spec.forEach((pairs, t) => {
    let rest = 1;
    for (const [ch, p] of pairs) { out[t * DICTIONARY.length + classOf(ch)] = p; rest -= p; }
    out[t * DICTIONARY.length] = rest;
  });
  return out;
}

const decode = (spec: readonly (readonly (readonly [string, number])[])[], fold: boolean) =>
  decodeCtc(frames(spec), spec.length, DICTIONARY.length, { symbols: [...MRZ_ALPHABET], slots: slotTable(DICTIONARY, MRZ_ALPHABET, fold) });

describe('CTC decoding restricted to the MRZ alphabet', () => {
  // The frame of `O` puts 0.25 on `O`, 0.3 on `o` and 0.1 on `Ｏ`: the blank (0.35) beats each form alone.
  const spec = [[['Z', 0.9]], [], [['O', 0.25], ['o', 0.3], ['Ｏ', 0.1]], [], [['E', 0.8]], [['中', 0.7]]] as const;

  it('drops a letter split over its case and width forms when each counts alone', () => {
    assert.equal(decode(spec, false).text, 'ZE');
  });

  it('keeps it when the forms of one letter add up, and never emits a character outside the alphabet', () => {
    const line = decode(spec, true);
    assert.equal(line.text, 'ZOE');
    assert.deepEqual(line.chars.map((c) => c.frame), [0, 2, 4]);
    assert.ok(Math.abs(line.chars[1]!.confidence - 0.65) < 1e-6);
  });
});

describe('fillPitchGaps', () => {
  // Eleven characters five frames apart; the `G` (frame 45) peaks below the blank.
  const text = 'ROSSI<<HUGO';
  const spec: [string, number][][] = [];
  [...text].forEach((ch, i) => {
    spec.push(i === 9 ? [['G', 0.3]] : [[ch, 0.9]], [], [], [], []);
  });

  it('puts back a character lost in a gap of two pitches, from the frames in the gap', () => {
    const line = decode(spec, true);
    assert.equal(line.text, 'ROSSI<<HUO');
    const filled = fillPitchGaps(line, MRZ_ALPHABET);
    assert.equal(filled.text, 'ROSSI<<HUGO');
    assert.ok(Math.abs(filled.confidences[9]! - 0.3) < 1e-6);
  });

  it('leaves an evenly spaced reading alone', () => {
    const line = decode(spec.map((f, t) => (t === 45 ? [['G', 0.9] as [string, number]] : f)), true);
    assert.equal(fillPitchGaps(line, MRZ_ALPHABET).text, text);
  });
});
