import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RgbImage } from '../../../src/engines/face/port.ts';
import { checkScreenReplay, SCREEN_DEFAULTS } from '../../../src/liveness/screen-frame.ts';
import { gridPeak } from '../../../src/liveness/screen-grid.ts';
import { H, live, replay, W } from './screen-scenes.ts';

// The pixel-grid signal on frames drawn in memory (screen-scenes.ts). The hard case for the
// geometric check is a screen held so close that its picture fills the view: no border, no bezel.
// Here the scene is enlarged 1.3× and tilted 2° so the picture overflows the frame on every side.
const close = (seed: number, period: number, alpha: number) => replay(320, 220, seed, 1.3, 2, -96, -72, 14, { period, alpha });

test('a live frame has no pixel-grid peak: prominence well under the threshold', () => {
  for (const seed of [1, 2, 3]) {
    const f = live(320 + seed * 10, 220, seed);
    const p = gridPeak(f.image, f.face);
    assert.ok(p.tiles > 0);
    assert.ok(p.prominence < SCREEN_DEFAULTS.minGridProminence / 2, JSON.stringify(p));
  }
});

test('a screen filling the view shows its pixel grid at the grid period, whatever the period', () => {
  for (const [period, alpha] of [[3, 0.25], [3.6, 0.12], [5, 0.3]] as const) {
    const f = close(7, period, alpha);
    const p = gridPeak(f.image, f.face);
    assert.ok(p.prominence >= SCREEN_DEFAULTS.minGridProminence, `period ${period}: ${JSON.stringify(p)}`);
    // The peak is the grid's fundamental or a harmonic of it (period / n), along either axis.
    const seen = p.period.filter(Number.isFinite);
    assert.ok(seen.some((q) => [1, 2].some((n) => Math.abs(q * n - period * 1.0) < 0.6)), `period ${period}: found ${JSON.stringify(p.period)}`);
  }
});

test('the same screen without a grid (a pixel-less picture) is not seen by this signal', () => {
  const f = close(7, 0, 0);
  assert.ok(gridPeak(f.image, f.face).prominence < SCREEN_DEFAULTS.minGridProminence);
});

test('checkScreenReplay: a borderless close screen is flagged with the grid seen on every frame, the live frames are not', () => {
  const replayFrames = [5, 6, 7].map((seed, i) => ({ t: i, ...close(seed, 3, 0.25) }));
  const liveFrames = [5, 6, 7].map((seed, i) => ({ t: i, ...live(300 + 20 * i, 220, seed) }));
  const bad = checkScreenReplay(replayFrames);
  const ok = checkScreenReplay(liveFrames);
  assert.equal(bad.flagged, true, JSON.stringify(bad.evidence));
  assert.equal(bad.evidence.grid_share, 1);
  assert.equal(ok.flagged, false, JSON.stringify(ok.evidence));
  assert.equal(ok.evidence.grid_share, 0);
});

/** Encodes `frames` as VP8 at 1 Mb/s (what the capture page's MediaRecorder asks for) and decodes them back. */
function throughVp8(frames: RgbImage[]): RgbImage[] {
  const dir = mkdtempSync(join(tmpdir(), 'vkyc-screen-grid-'));
  try {
    writeFileSync(join(dir, 'in.rgb'), Buffer.concat(frames.map((f) => Buffer.from(f.data))));
    const ff = (args: string[]) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
    ff(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '30', '-i', join(dir, 'in.rgb'), '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p', join(dir, 'v.webm')]);
    ff(['-i', join(dir, 'v.webm'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', join(dir, 'out.rgb')]);
    const raw = readFileSync(join(dir, 'out.rgb'));
    const size = W * H * 3;
    return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => ({ width: W, height: H, data: new Uint8Array(raw.subarray(i * size, (i + 1) * size)) }));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('through a real VP8 encode at the page bitrate: a 3-px grid survives, a live frame gains no peak', () => {
  const screen = close(9, 3, 0.25);
  const person = live(320, 220, 9);
  // Ten frames each (the encoder's first frames are the key frame's: judge a later one).
  const [s, l] = [throughVp8(Array(10).fill(screen.image)), throughVp8(Array(10).fill(person.image))];
  const ps = gridPeak(s[8]!, screen.face), pl = gridPeak(l[8]!, person.face);
  assert.ok(ps.prominence >= SCREEN_DEFAULTS.minGridProminence, JSON.stringify(ps));
  assert.ok(pl.prominence < SCREEN_DEFAULTS.minGridProminence / 2, JSON.stringify(pl));
});
