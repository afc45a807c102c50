/**
 * Lost leading characters (src/documents/mrz-lead.ts) on hand-built recogniser frames: placing a
 * line on the page, spotting the line of a block that starts a pitch late, and taking its first
 * characters back from a wider reading. The model is not needed to check the geometry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MRZ_ALPHABET } from '../../../src/documents/mrz-format.ts';
import { lostLeads, placeLine, restoreLead, type Placement } from '../../../src/documents/mrz-lead.ts';
import { fillPitchGaps } from '../../../src/documents/mrz-pitch.ts';
import { decodeCtc, slotTable } from '../../../src/engines/ocr/ctc.ts';

const DICTIONARY = ['', ...MRZ_ALPHABET];
const WIDTH = DICTIONARY.length;

/** `text` printed one character every 5 frames from frame `from`; `[char, p]` overrides per index. */
function line(text: string, from: number, steps: number, weak: Record<number, [string, number]> = {}) {
  const probs = new Float32Array(steps * WIDTH);
  for (let t = 0; t < steps; t++) probs[t * WIDTH] = 1;
  [...text].forEach((ch, i) => {
    const t = from + 5 * i;
    const [c, p] = weak[i] ?? [ch, 0.9];
    probs[t * WIDTH + DICTIONARY.indexOf(c)] = p;
    probs[t * WIDTH] = 1 - p;
  });
  return decodeCtc(probs, steps, WIDTH, { symbols: [...MRZ_ALPHABET], slots: slotTable(DICTIONARY, MRZ_ALPHABET) });
}

const at = (first: number, pitch = 10): Placement => ({ origin: 0, scale: 2, first, pitch });

describe('placeLine', () => {
  it('puts the first character and the pitch on the page from the frames and the crop', () => {
    const l = line('LIVEIRA<<OMAR', 2, 80);
    const p = placeLine(l, MRZ_ALPHABET, fillPitchGaps(l, MRZ_ALPHABET), 100, 160)!;
    // 2 page pixels per frame: frame 2's centre is 5 px into the crop, cells are 5 frames = 10 px.
    assert.equal(p.first, 105);
    assert.equal(p.pitch, 10);
  });

  it('places nothing for a fragment', () => {
    const l = line('ABC', 2, 30);
    assert.equal(placeLine(l, MRZ_ALPHABET, fillPitchGaps(l, MRZ_ALPHABET), 0, 60), null);
  });
});

describe('lostLeads', () => {
  it('counts the whole pitches a line starts after the others', () => {
    assert.deepEqual(lostLeads([at(100), at(102), at(110)]), [0, 0, 1]);
    assert.deepEqual(lostLeads([at(121), at(100)]), [2, 0]);
  });

  it('ignores jitter below 0.6 pitch, shifts beyond 3 pitches and lines without a place', () => {
    assert.deepEqual(lostLeads([at(100), at(104)]), [0, 0]);
    assert.deepEqual(lostLeads([at(100), at(150)]), [0, 0]);
    assert.deepEqual(lostLeads([at(110), null]), [0, 0]);
  });
});

describe('restoreLead', () => {
  // First reading: `LIVEIRA…` from frame 2 of a crop starting at page 100 (first character at 105).
  const first = line('LIVEIRA<<OMAR', 2, 80);
  const row = fillPitchGaps(first, MRZ_ALPHABET);
  const placed = placeLine(first, MRZ_ALPHABET, row, 100, 160)!;

  it('takes the character a wider crop read in the missing cell', () => {
    // The wider crop starts 20 px (10 frames) earlier: the lost `O` is at frame 7.
    const wider = line('OLIVEIRA<<OMAR', 7, 90);
    const widerAt = placeLine(wider, MRZ_ALPHABET, fillPitchGaps(wider, MRZ_ALPHABET), 80, 180)!;
    const out = restoreLead(row, placed, 1, wider, widerAt, MRZ_ALPHABET);
    assert.equal(out.text, 'OLIVEIRA<<OMAR');
    assert.equal(out.confidences.length, out.text.length);
  });

  it('falls back on the likeliest character of the cell when the wider reading lost it too', () => {
    const wider = line('OLIVEIRA<<OMAR', 7, 90, { 0: ['O', 0.3] });
    assert.equal(wider.text, 'LIVEIRA<<OMAR');
    const widerAt: Placement = { origin: 80, scale: 2, first: 95, pitch: 10 };
    const out = restoreLead(row, placed, 1, wider, widerAt, MRZ_ALPHABET);
    assert.equal(out.text, 'OLIVEIRA<<OMAR');
    assert.ok(Math.abs(out.confidences[0]! - 0.3) < 1e-6);
  });

  it('lets only what the field allows into the line\'s first cell', () => {
    // The cell reads `<` (0.6) over a faint `V` (0.1): no MRZ line starts with `<`.
    // First reading: `DROU…` centred at page 115 (missing cell at 105); the wider crop starts at
    // page 80, so that cell is its frame 12.
    const lost = line('VDROULI<<JAN<', 12, 90, { 0: ['<', 0.6] });
    lost.frames[12 * WIDTH + DICTIONARY.indexOf('V')] = 0.1;
    const row = fillPitchGaps(line('DROULI<<JAN<', 7, 80), MRZ_ALPHABET);
    const placedVisa: Placement = { origin: 100, scale: 2, first: 115, pitch: 10 };
    const widerAt: Placement = { origin: 80, scale: 2, first: 105, pitch: 10 };
    assert.equal(restoreLead(row, placedVisa, 1, lost, widerAt, MRZ_ALPHABET).text, '<DROULI<<JAN<');
    const out = restoreLead(row, placedVisa, 1, lost, widerAt, MRZ_ALPHABET, 'ACIPV');
    assert.equal(out.text, 'VDROULI<<JAN<');
    assert.ok(Math.abs(out.confidences[0]! - 0.1) < 1e-6);
  });
});
