/**
 * Joining detected boxes into printed rows (src/documents/mrz-zone.ts) on hand-built boxes, laid
 * out like the detector's on a synthetic MRV-A card turned a quarter: a names line whose filler tail
 * was boxed as low `<` glyphs, the line running ~2° off the page direction.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextRegion } from '../../../src/engines/ocr/port.ts';
import { groupRows, longRows } from '../../../src/documents/mrz-zone.ts';

const box = (cx: number, cy: number, width: number, height: number, angleDeg = 0): TextRegion => ({ cx, cy, width, height, angleDeg, score: 0.9 });

/** One MRZ line from x = 0 to 880 at `y`, climbing `tilt` px per px: a letters box then `<` boxes. */
function namesLine(y: number, tilt: number): TextRegion[] {
  const angle = (Math.atan(tilt) * 180) / Math.PI;
  const letters = box(265, y + tilt * 265, 530, 39, angle);
  // `<` glyphs boxed one by one at half the letters' height, then a last run of fillers.
  const fillers = Array.from({ length: 9 }, (_, i) => box(530 + 20 * i, y + tilt * (530 + 20 * i), 24, 19));
  return [letters, ...fillers, box(790, y + tilt * 790, 176, 32, angle)];
}

describe('groupRows', () => {
  it('keeps a filler tail boxed at half height on its line instead of making a row of it', () => {
    const rows = longRows(groupRows([...namesLine(100, 0), box(440, 140, 880, 38)], 0));
    assert.equal(rows.length, 2);
    const names = rows.find((r) => r.across < 120)!;
    assert.equal(names.fragments, 11);
    assert.ok(Math.abs(names.start - 0) < 1 && Math.abs(names.end - 878) < 1, `${names.start}–${names.end}`);
  });

  it('cuts a line of several boxes along its own slope, not the page direction', () => {
    const tilt = Math.tan((1.7 * Math.PI) / 180);
    const [names] = longRows(groupRows(namesLine(100, tilt), 0));
    assert.ok(Math.abs(names!.region.angleDeg - 1.7) < 0.2, `${names!.region.angleDeg}`);
    // The crop's centre lies on the line at mid-length, not at the boxes' mean height.
    assert.ok(Math.abs(names!.region.cy - (100 + tilt * names!.region.cx)) < 1.5, `${names!.region.cy}`);
  });

  it('still refuses a fragment much taller than the row (a heading next to small print)', () => {
    const rows = groupRows([box(100, 100, 200, 20), box(300, 100, 200, 40)], 0);
    assert.equal(rows.length, 2);
  });
});
