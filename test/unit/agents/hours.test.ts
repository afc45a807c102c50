import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawQuestions } from '../../../src/agents/desk.ts';
import { isOpen, nextOpening } from '../../../src/agents/hours.ts';

// Working hours in the project's time zone (DST included) and the question draw.

const berlin = { timezone: 'Europe/Berlin', days: { mon: [['09:00', '17:00']] as [string, string][], fri: [['22:00', '02:00']] as [string, string][] } };

test('working hours are read in the project time zone, across DST and midnight', () => {
  assert.equal(isOpen(null, new Date('2026-12-06T03:00:00Z')), true, 'no hours: always open');
  // Monday 7 Dec 2026, Berlin is UTC+1 in winter: 08:30Z = 09:30 local.
  assert.equal(isOpen(berlin, new Date('2026-12-07T08:30:00Z')), true);
  assert.equal(isOpen(berlin, new Date('2026-12-07T07:59:00Z')), false, '08:59 local');
  assert.equal(isOpen(berlin, new Date('2026-12-07T16:00:00Z')), false, '17:00 local: the end is exclusive');
  // Monday 6 July 2026, summer time UTC+2: 07:30Z = 09:30 local.
  assert.equal(isOpen(berlin, new Date('2026-07-06T07:30:00Z')), true);
  // Friday 22:00 → Saturday 02:00 local.
  assert.equal(isOpen(berlin, new Date('2026-12-11T22:30:00Z')), true, 'Fri 23:30 local');
  assert.equal(isOpen(berlin, new Date('2026-12-12T00:30:00Z')), true, 'Sat 01:30 local, the Friday range');
  assert.equal(isOpen(berlin, new Date('2026-12-12T01:30:00Z')), false, 'Sat 02:30 local');
  assert.equal(isOpen({ timezone: 'UTC', days: {} }, new Date()), false, 'no day listed: closed');
});

test('the next opening is within the week, or null when never open', () => {
  assert.equal(nextOpening(berlin, new Date('2026-12-07T16:30:00Z')), '2026-12-11T21:00:00.000Z', 'Mon 17:30 local → Fri 22:00 local');
  assert.equal(nextOpening({ timezone: 'UTC', days: {} }, new Date()), null);
  assert.equal(nextOpening(null, new Date()), null);
});

test('questions are drawn without repeats, as many as asked', () => {
  const all = Array.from({ length: 10 }, (_, i) => i);
  for (let k = 0; k < 20; k++) {
    const d = drawQuestions(all, 4);
    assert.equal(d.length, 4);
    assert.equal(new Set(d).size, 4);
  }
  assert.deepEqual(drawQuestions(all, 0), []);
  assert.equal(drawQuestions([1, 2], 5).length, 2);
});
