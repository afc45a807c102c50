import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange, sliceStream } from '../../../src/http/dashboard/byte-range.ts';

test('Range headers: first bytes, open end, suffix, clamped end; unsatisfiable and ignored forms', () => {
  assert.deepEqual(parseRange(undefined, 100), { kind: 'whole' });
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=50-5000', 100), { kind: 'partial', start: 50, end: 99 });
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=9-3', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'whole' }, 'several ranges: the whole body');
  assert.deepEqual(parseRange('items=0-1', 100), { kind: 'whole' });
});

test('sliceStream cuts across chunk boundaries', async () => {
  async function* chunks() { yield Uint8Array.from([0, 1, 2, 3]); yield Uint8Array.from([4, 5, 6]); yield Uint8Array.from([7, 8, 9]); }
  const out: number[] = [];
  for await (const c of sliceStream(chunks(), 2, 7)) out.push(...c);
  assert.deepEqual(out, [2, 3, 4, 5, 6, 7]);
});
