import { cropImage, encodeJpeg } from '../../engines/face/image.ts';
import type { DetectedFace } from '../../engines/face/port.ts';
import type { FrameMeasurement } from '../../faces/analyze-frames.ts';
import { bestFrames } from '../../faces/best-frames.ts';
import { passiveLiveness } from '../../liveness/passive.ts';
import { trackFaces } from '../../faces/track-faces.ts';
import { saveEvidence } from '../evidence.ts';
import { defineStage } from '../pipeline.ts';
import { facesResult } from '../results/faces.ts';
import { decodedOf } from './decode.ts';
import { frameEmbedding, videoFaces } from './video-faces.ts';

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
    if (!decodedOf(ctx).sampled) return { skipped: true, reason: 'no_video_frames' };
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
      // analyze: what this stage still waited for the models (they start on the frames while decode
      // runs); per_frame_mean: the engine's own time per frame.
      timings_ms: { analyze: Math.round(tAnalyze), per_frame_mean: Math.round(measurements.reduce((s, m) => s + m.ms, 0) / Math.max(1, measurements.length)), total: Math.round(performance.now() - t0) },
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
