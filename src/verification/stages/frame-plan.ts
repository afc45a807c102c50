import { challengeWindows, claimedStretches, phraseWindowOf } from '../challenge-search.ts';
import type { RunContext } from '../pipeline.ts';

// Which frames of a self-recorded video the face models see, and which models run on them. Decode
// reads it to keep only those frames' pixels; the faces stage to choose the models per frame.

/**
 * Sampling, by what each part of the video must show (the models are the expensive part, so this
 * is where the time budget is kept):
 * - outside any window: 1 frame/s — tracking, best frames, identity changes;
 * - challenge windows: 2.5 frames/s (head turns and expressions last ≥ 0.5 s), every decoded frame
 *   (FRAME_RATE, 10/s) for blink (a blink lasts 100–400 ms: at 5/s bench:liveness missed 2 of 3);
 * - the phrase window: every decoded frame (mesh only) of mouth opening for audio-visual sync:
 *   syllables come 4–5 times a second, so at 2.5/s the mouth cannot follow them (bench:av-sync).
 * The iris model runs only for blink windows and the expression model only for smile windows.
 */
const BASE_FPS = 1;
const WINDOW_FPS = 2.5;

interface Window { from: number; to: number; type: string }

/** Every decoded frame of these windows is analysed (blink windows; around reported moments). */
const DENSE = 'dense';

/**
 * Where challenges and the phrase may be (challenge-search.ts: the page's report, or in order after
 * the phrase). A window open to the end of the video runs to Infinity: the plan is made before
 * decode (it picks the frames decode keeps), and no frame lies past the end anyway.
 */
export function planWindows(ctx: RunContext): Window[] {
  const plan = ctx.session.capture_plan;
  const out: Window[] = challengeWindows(plan, Number.POSITIVE_INFINITY);
  const phrase = phraseWindowOf(plan);
  if (phrase) out.push({ ...phrase, type: 'phrase' });
  // Around each moment the page saw a move: brief moves fall between frames 0.4 s apart.
  for (const m of claimedStretches(plan)) out.push({ ...m, type: DENSE });
  return out;
}

/** Which sampled frames (index at FRAME_RATE, time) the face models look at. */
export function frameSelector(ctx: RunContext, windows: Window[]): (index: number, t: number) => boolean {
  const fps = ctx.deps.config.FRAME_RATE;
  return (i, t) => {
    const inside = windows.filter((w) => t >= w.from && t <= w.to);
    if (inside.some((w) => w.type === 'blink' || w.type === DENSE || w.type === 'phrase')) return true;
    if (inside.length) return i % every(fps, WINDOW_FPS) === 0;
    return i % every(fps, BASE_FPS) === 0;
  };
}

/**
 * The frames (by time) the 1 frame/s base sampling keeps, wherever they fall: the faces stage runs
 * the full detector on them even inside dense windows, so a face that joins is seen within a second.
 */
export function baseFrameAt(ctx: RunContext): (t: number) => boolean {
  const fps = ctx.deps.config.FRAME_RATE;
  return (t) => Math.round(t * fps) % every(fps, BASE_FPS) === 0;
}

const every = (fps: number, rate: number) => Math.max(1, Math.round(fps / rate));

export const inWindowOf = (windows: Window[], type: string) => (t: number) => windows.some((w) => w.type === type && t >= w.from && t <= w.to);

