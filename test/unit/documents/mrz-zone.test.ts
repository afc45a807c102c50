/**
 * Row grouping (src/documents/mrz-zone.ts) on hand-built detector boxes: fragments of one printed
 * line become one row, also when the detector boxed a line's filler tail apart at half height.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupRows } from '../../../src/documents/mrz-zone.ts';
import type { TextRegion } from '../../../src/engines/ocr/port.ts';

const box = (x0: number, x1: number, cy: number, height: number): TextRegion => ({ cx: (x0 + x1) / 2, cy, width: x1 - x0, height, angleDeg: 0, score: 0.9 });

describe('row grouping', () => {
  it('joins a long run of half-height filler boxes to the line it ends', () => {
    // Letters 0–350 at 30 px; the filler tail 350–700 boxed as `<` glyphs at 16 px.
    const tail = Array.from({ length: 10 }, (_, i) => box(350 + 35 * i, 380 + 35 * i, 102, 16));
    const rows = groupRows([box(0, 350, 100, 30), ...tail, box(0, 700, 150, 30)], 0);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => [Math.round(r.start), Math.round(r.end)]), [[0, 695], [0, 700]]);
  });

  it('keeps a short low box apart, and rows on other lines apart', () => {
    const rows = groupRows([box(0, 350, 100, 30), box(360, 400, 102, 16), box(0, 700, 150, 30)], 0);
    assert.equal(rows.length, 3);
  });
});
