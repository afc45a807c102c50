import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkScreenReplay, framing, SCREEN_DEFAULTS, screenSides } from '../../../src/liveness/screen-frame.ts';
import { live, replay } from './screen-scenes.ts';

// Live frames and screen replays drawn in memory (screen-scenes.ts): a live head and torso in a room
// with a door jamb and a shelf; the same scene shrunk onto a tilted screen with a dark bezel.

test('a live frame with a door jamb and a shelf beside the head is not framed', () => {
  const f = live(320, 220, 1);
  const sides = screenSides(f.image, f.face);
  assert.ok(framing(sides) < SCREEN_DEFAULTS.minCoverage, JSON.stringify(sides));
});

test('the same scene on a tilted screen is framed on three or four sides', () => {
  for (const [scale, deg, sx, sy] of [[0.6, 4, 120, 80], [0.7, -8, 90, 60], [0.5, 0, 170, 130]] as const) {
    const f = replay(320, 220, 2, scale, deg, sx, sy);
    const sides = screenSides(f.image, f.face);
    assert.ok(framing(sides) >= SCREEN_DEFAULTS.minCoverage, `scale ${scale} tilt ${deg}°: ${JSON.stringify(sides)}`);
  }
});

test('checkScreenReplay blocks a recording filmed off a screen and passes a live one', () => {
  const liveFrames = [300, 320, 345].map((hx, i) => ({ t: i, ...live(hx, 215 + i * 5, 10 + i) }));
  const replayFrames = [300, 320, 345].map((hx, i) => ({ t: i, ...replay(hx, 215 + i * 5, 20 + i, 0.6, 3, 120, 80) }));
  const ok = checkScreenReplay(liveFrames);
  const bad = checkScreenReplay(replayFrames);
  assert.equal(ok.flagged, false, JSON.stringify(ok.evidence));
  assert.equal(bad.flagged, true, JSON.stringify(bad.evidence));
  assert.equal(bad.reason, 'screen_replay');
  assert.equal(bad.blocking, true);
  // The evidence names every frame's sides, so a reviewer sees why.
  assert.equal((bad.evidence.frames as unknown[]).length, 3);
});

test('no frames with a face: nothing to judge, not flagged', () => {
  assert.equal(checkScreenReplay([]).flagged, false);
});

test('a large replayed face whose box runs past the picture (screen_replay:d3) is framed: the border may cut the face box', () => {
  // The head low and right in the picture, and the box a detector draws around it larger than the head (Human's
  // box on d3 was wider than the whole picture), so the picture's bottom and right borders cross the box: only two sides lie outside it.
  const f = replay(530, 330, 3, 0.6, 3, 120, 80);
  const grow = 1.8;
  const face = { x: f.face.x - ((grow - 1) * f.face.width) / 2, y: f.face.y - ((grow - 1) * f.face.height) / 2, width: f.face.width * grow, height: f.face.height * grow };
  const outsideOnly = framing(screenSides(f.image, face, -0.05));
  const inside = framing(screenSides(f.image, face));
  assert.ok(outsideOnly < SCREEN_DEFAULTS.minCoverage, `lines kept outside the box: ${outsideOnly}`);
  assert.ok(inside >= SCREEN_DEFAULTS.minCoverage, `lines allowed ${SCREEN_DEFAULTS.sideReach} into the box: ${inside}`);
});
