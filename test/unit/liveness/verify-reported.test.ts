import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyReportedChallenges } from '../../../src/liveness/verify-reported.ts';
import { face } from './helpers.ts';

// A 10 fps, 16 s recording: phrase said 0–5 s (mouth moving), then the user turns right at 7.0–8.0 s
// (peak −25°), blinks at 10.2 s, and turns left at 13.0–14.0 s.
const recording = Array.from({ length: 160 }, (_, i) => {
  const t = i / 10;
  const yaw = t >= 7 && t <= 8 ? -25 : t >= 13 && t <= 14 ? 25 : 0;
  const eye = Math.abs(t - 10.2) < 0.05 ? 0.1 : 0.8;
  const mouth = t < 5 ? 0.1 + 0.3 * Math.abs(Math.sin(t * 6)) : 0.08;
  return { t, face: face({ yaw, eye, mouth }) };
});
const schedule = [
  { type: 'turn_right' as const, at_seconds: 7 },
  { type: 'blink' as const, at_seconds: 11 },
  { type: 'turn_left' as const, at_seconds: 15 },
];

test('events that match the video pass; each challenge is found inside its narrowed window', () => {
  const v = verifyReportedChallenges(schedule, recording, {
    searchFrom: 5,
    events: [
      { index: 0, shown_at: 6.2, seen_at: 7.3 },
      { index: 1, shown_at: 9.0, seen_at: 10.3 },
      { index: 2, shown_at: 12.0, seen_at: 13.4 },
    ],
  });
  assert.equal(v.passed, true, JSON.stringify(v.results));
  assert.deepEqual(v.results.map((r) => r.atT !== null && r.atT >= 7 && r.atT <= 14), [true, true, true]);
});

test('a page claiming it saw a challenge the video does not show there fails as not_seen_where_claimed', () => {
  // The page claims the blink at 12.5 s; the only blink is at 10.2 s, outside [12.0, 14.0].
  const v = verifyReportedChallenges(schedule, recording, {
    searchFrom: 5,
    events: [
      { index: 0, shown_at: 6.2, seen_at: 7.3 },
      { index: 1, shown_at: 12.0, seen_at: 12.5 },
    ],
  });
  assert.equal(v.passed, false);
  assert.equal(v.results[1]!.failure, 'not_seen_where_claimed');
  assert.equal(v.results[0]!.passed, true);
});

test('a timed-out challenge (seen_at null) is still found by the server between its prompt and the next', () => {
  const v = verifyReportedChallenges(schedule, recording, {
    searchFrom: 5,
    events: [
      { index: 0, shown_at: 6.2, seen_at: 7.3 },
      { index: 1, shown_at: 9.0, seen_at: null },
      { index: 2, shown_at: 12.0, seen_at: 13.4 },
    ],
  });
  assert.equal(v.passed, true, JSON.stringify(v.results));
  assert.ok(Math.abs(v.results[1]!.atT! - 10.2) < 0.06);
});

test('without events the challenges are searched in order after the phrase; the wrong order fails', () => {
  const ok = verifyReportedChallenges(schedule, recording, { searchFrom: 5, events: [] });
  assert.equal(ok.passed, true, JSON.stringify(ok.results));
  // The video turns right before it turns left: asked left then right, the right turn comes too early.
  const swapped = verifyReportedChallenges([schedule[2]!, schedule[1]!, schedule[0]!], recording, { searchFrom: 5, events: [] });
  assert.equal(swapped.passed, false);
  assert.equal(swapped.results[2]!.failure, 'not_performed');
});

test('one move cannot answer two challenges of the same type', () => {
  const twice = [{ type: 'turn_right' as const, at_seconds: 7 }, { type: 'turn_right' as const, at_seconds: 11 }];
  const v = verifyReportedChallenges(twice, recording, { searchFrom: 5, events: [] });
  assert.deepEqual(v.results.map((r) => r.passed), [true, false]);
});

test('mouth movement while saying the phrase is not an open_mouth: the search starts after the phrase', () => {
  const v = verifyReportedChallenges([{ type: 'open_mouth', at_seconds: 7 }], recording, { searchFrom: 5, events: [] });
  assert.equal(v.passed, false);
  // …whereas a search from 0 would have found the speech.
  assert.equal(verifyReportedChallenges([{ type: 'open_mouth', at_seconds: 7 }], recording, { searchFrom: 0, events: [] }).passed, true);
});
