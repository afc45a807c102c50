import { readFile } from 'node:fs/promises';
import { cropImage, decodeImage, encodeJpeg } from '../../engines/face/image.ts';
import type { DetectedFace, Embedding } from '../../engines/face/port.ts';
import { analyzeFrames, type FrameInput, type FrameMeasurement } from '../../faces/analyze-frames.ts';
import { bestFrames } from '../../faces/best-frames.ts';
import { passiveLiveness } from '../../liveness/passive.ts';
import { trackFaces } from '../../faces/track-faces.ts';
import { saveEvidence } from '../evidence.ts';
import { defineStage, type RunContext } from '../pipeline.ts';
import { facesResult } from '../results/faces.ts';
import { ScratchKey } from '../scratch.ts';
import { decodedOf } from './decode.ts';
import { challengeWindows, claimedStretches, phraseWindowOf } from '../challenge-search.ts';

/**
 * The (weak, advisory) passive anti-spoof models run on this many frames spread over the video:
 * their mean is all the decision uses, and each run costs a third of a frame's analysis.
 */
const ANTISPOOF_FRAMES = 8;

export interface VideoFaces { frames: FrameInput[]; measurements: FrameMeasurement[] }

const VIDEO_FACES = new ScratchKey<VideoFaces>('videoFaces');
/** Identity embeddings by analysed frame index, each computed once per run. */
const FRAME_EMBEDDINGS = new ScratchKey<Map<number, Promise<Embedding | null>>>('frameEmbeddings');

/** Decoded frames and their measurements, for later stages of the same run (face match, challenges). */
export async function videoFaces(ctx: RunContext): Promise<VideoFaces> {
  const cached = ctx.scratch.get(VIDEO_FACES);
  if (cached) return cached;
  const engine = await ctx.deps.engines.face();
  const frames: FrameInput[] = [];
  const windows = planWindows(ctx);
  const keep = frameSelector(ctx, windows);
  const chosen = decodedOf(ctx).frames.filter((f, i) => keep(i, f.t));
  // sharp decodes on libuv's thread pool: all frames at once keep every core busy.
  frames.push(...(await Promise.all(chosen.map(async (f) => ({ t: f.t, image: await decodeImage(await readFile(f.path)) })))));
  const measurements = await analyzeFrames(engine, frames, {
    antispoofAt: (_, i) => i % Math.max(1, Math.floor(frames.length / ANTISPOOF_FRAMES)) === 0,
    irisAt: inWindowOf(windows, 'blink'),
    expressionsAt: inWindowOf(windows, 'smile'),
  });
  const vf = { frames, measurements };
  ctx.scratch.set(VIDEO_FACES, vf);
  return vf;
}

/**
 * The identity embedding of the main face of analysed frame `index`, computed once per run and
 * shared by the identity track, the liveness checks and the face match (≈ 50 ms of CPU each).
 */
export async function frameEmbedding(ctx: RunContext, index: number): Promise<Embedding | null> {
  const memo = ctx.scratch.getOrSet(FRAME_EMBEDDINGS, () => new Map());
  let hit = memo.get(index);
  if (!hit) {
    const { frames, measurements } = await videoFaces(ctx);
    const frame = frames[index];
    const face = measurements[index]?.faces[0];
    const engine = await ctx.deps.engines.face();
    hit = frame && face ? engine.embed(frame.image, face) : Promise.resolve(null);
    memo.set(index, hit);
  }
  return hit;
}

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

/** Where challenges and the phrase may be (challenge-search.ts: the page's report, or in order after the phrase). */
function planWindows(ctx: RunContext): Window[] {
  const plan = ctx.session.capture_plan;
  const end = decodedOf(ctx).frames.at(-1)?.t ?? 0;
  const out: Window[] = challengeWindows(plan, end);
  const phrase = phraseWindowOf(plan);
  if (phrase) out.push({ ...phrase, type: 'phrase' });
  // Around each moment the page saw a move: brief moves fall between frames 0.4 s apart.
  for (const m of claimedStretches(plan)) out.push({ ...m, type: DENSE });
  return out;
}

function frameSelector(ctx: RunContext, windows: Window[]): (index: number, t: number) => boolean {
  const fps = ctx.deps.config.FRAME_RATE;
  const every = (rate: number) => Math.max(1, Math.round(fps / rate));
  return (i, t) => {
    const inside = windows.filter((w) => t >= w.from && t <= w.to);
    if (inside.some((w) => w.type === 'blink' || w.type === DENSE || w.type === 'phrase')) return true;
    if (inside.length) return i % every(WINDOW_FPS) === 0;
    return i % every(BASE_FPS) === 0;
  };
}

const inWindowOf = (windows: Window[], type: string) => (t: number) => windows.some((w) => w.type === type && t >= w.from && t <= w.to);

const r2 = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

function compact(m: FrameMeasurement) {
  const f: DetectedFace | undefined = m.faces[0];
  return {
    t: r2(m.t), faces: m.faces.length,
    ...(f ? {
      box: { x: Math.round(f.box.x), y: Math.round(f.box.y), w: Math.round(f.box.width), h: Math.round(f.box.height) },
      yaw: r2(f.pose.yaw), pitch: r2(f.pose.pitch), roll: r2(f.pose.roll),
      eye_l: r2(f.eyeOpenLeft), eye_r: r2(f.eyeOpenRight), mouth: r2(f.mouthOpen), smile: r2(f.smile),
      quality: r2(f.quality.score), antispoof: f.antispoof === null ? null : r2(f.antispoof), liveness: f.liveness === null ? null : r2(f.liveness),
    } : {}),
    ms: Math.round(m.ms),
  };
}

/** Faces in the video: one person throughout, the best frames for matching, passive liveness. */
export const facesStage = defineStage(facesResult)({
  name: 'faces',
  inputs: ['decode'],
  async run(ctx) {
    if (!decodedOf(ctx).frames.length) return { skipped: true, reason: 'no_video_frames' };
    const t0 = performance.now();
    const { frames, measurements } = await videoFaces(ctx);
    const tAnalyze = performance.now() - t0;
    const engine = await ctx.deps.engines.face();
    const track = await trackFaces(engine, frames, measurements, {
      embed: async (i) => (await frameEmbedding(ctx, i)) ?? Promise.reject(new Error(`frame ${i} has no face to embed`)),
    });
    const best = bestFrames(measurements, 3);
    const passive = passiveLiveness(measurements);
    const evidence: string[] = [];
    for (const [i, b] of best.entries()) {
      const frame = frames[b.index];
      if (!frame) continue;
      evidence.push(await saveEvidence(ctx, `evidence_video_face_${i + 1}`, await encodeJpeg(cropImage(frame.image, padBox(b.face.box, frame.image)), 88), { t: b.t, quality: b.face.quality.score }));
    }
    const findings = track.reasons.map((code) => ({ code, message: trackMessage[code], details: { face_frame_ratio: track.faceFrameRatio, multi_face_frame_ratio: track.multiFaceFrameRatio, min_identity_score: track.minIdentityScore } }));
    return {
      frames_analyzed: measurements.length,
      track,
      best_frames: best.map((b) => ({ index: b.index, t: b.t, quality: b.face.quality, pose: b.face.pose })),
      passive,
      evidence,
      per_frame: measurements.map(compact),
      timings_ms: { analyze: Math.round(tAnalyze), per_frame_mean: Math.round(tAnalyze / Math.max(1, measurements.length)), total: Math.round(performance.now() - t0) },
      findings,
    };
  },
});

const trackMessage = {
  no_face: 'no face was visible in enough of the video',
  multiple_faces: 'a second face was present in the video',
  face_changed: 'the person in the video changed',
} as const;

/** A crop with some margin around the face, clamped to the image. */
export function padBox(b: DetectedFace['box'], img: { width: number; height: number }, ratio = 0.3) {
  const x = Math.max(0, Math.floor(b.x - b.width * ratio));
  const y = Math.max(0, Math.floor(b.y - b.height * ratio));
  return { x, y, width: Math.min(img.width - x, Math.ceil(b.width * (1 + 2 * ratio))), height: Math.min(img.height - y, Math.ceil(b.height * (1 + 2 * ratio))) };
}
