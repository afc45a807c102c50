import type { Embedding } from '../../engines/face/port.ts';
import type { KeptFrame } from '../../engines/media/frames.ts';
import { analyzeFrames, type FrameInput, type FrameMeasurement } from '../../faces/analyze-frames.ts';
import { frameSignature, type FrameSignature } from '../../liveness/frame-signature.ts';
import type { RunContext } from '../pipeline.ts';
import { ScratchKey } from '../scratch.ts';
import { baseFrameAt, inWindowOf, planWindows } from './frame-plan.ts';

// The face models' pass over a self-recorded video's frames, started by decode as the frames come
// out of ffmpeg (the models work while the rest decodes) and read by the faces, liveness and face
// match stages of the same run.

/**
 * The (weak, advisory) passive anti-spoof models run on this many frames spread over the video:
 * their mean is all the decision uses, and each run costs a third of a frame's analysis.
 */
const ANTISPOOF_FRAMES = 8;

export interface VideoFaces {
  frames: FrameInput[];
  measurements: FrameMeasurement[];
  /** Each frame's replay-check thumbnails and hashes (around its main face), made as its faces arrive. */
  signatures: FrameSignature[];
}

const VIDEO_FACES = new ScratchKey<Promise<VideoFaces>>('videoFaces');
/** Identity embeddings by analysed frame index, each computed once per run. */
const FRAME_EMBEDDINGS = new ScratchKey<Map<number, Promise<Embedding | null>>>('frameEmbeddings');

/**
 * Starts measuring the kept frames as decode hands them out. `expectedFrames`: how many the plan
 * keeps of a video this long (the anti-spoof frames are spread over that many before the real
 * count is known). Consumes `frames` to the end unless a frame fails.
 */
export function startVideoFaces(ctx: RunContext, frames: AsyncIterable<KeptFrame>, expectedFrames: number): void {
  const run = (async (): Promise<VideoFaces> => {
    const engine = await ctx.deps.engines.face();
    const windows = planWindows(ctx);
    const inputs: FrameInput[] = [];
    async function* collected(): AsyncGenerator<FrameInput> {
      for await (const f of frames) {
        const input = { t: f.t, image: f.image };
        inputs.push(input);
        yield input;
      }
    }
    const every = Math.max(1, Math.floor(expectedFrames / ANTISPOOF_FRAMES));
    const signatures: FrameSignature[] = [];
    const baseFrame = baseFrameAt(ctx);
    const measurements = await analyzeFrames(engine, collected(), {
      antispoofAt: (_, i) => i % every === 0,
      // Detected on the base 1 frame/s (and, by analyzeFrames, on the anti-spoof frames); tracked between them.
      trackAt: (t) => !baseFrame(t),
      irisAt: inWindowOf(windows, 'blink'),
      expressionsAt: inWindowOf(windows, 'smile'),
      // This thread is mostly idle while the workers measure: the liveness stage's signatures are made here, not after.
      onFrame: (i, m, image) => { signatures[i] = frameSignature(image, m.faces[0]?.box ?? null); },
    });
    return { frames: inputs, measurements, signatures };
  })();
  run.catch(() => undefined); // rethrown where a stage awaits it (videoFaces)
  ctx.scratch.set(VIDEO_FACES, run);
}

/** Decoded frames and their measurements, for the stages after decode (faces, face match, challenges). */
export async function videoFaces(ctx: RunContext): Promise<VideoFaces> {
  return (await ctx.scratch.get(VIDEO_FACES)) ?? { frames: [], measurements: [], signatures: [] };
}

/**
 * The identity embedding of the main face of analysed frame `index`, computed once per run and
 * shared by the identity track, the liveness checks and the face match (≈ 50 ms of CPU each).
 */
export async function frameEmbedding(ctx: RunContext, index: number): Promise<Embedding | null> {
  const memo = ctx.scratch.getOrSet(FRAME_EMBEDDINGS, () => new Map());
  let hit = memo.get(index);
  if (!hit) {
    // Kept before the first await, so callers asking for the same frame at once share one embedding.
    hit = (async () => {
      const { frames, measurements } = await videoFaces(ctx);
      const frame = frames[index];
      const face = measurements[index]?.faces[0];
      return frame && face ? (await ctx.deps.engines.face()).embed(frame.image, face) : null;
    })();
    memo.set(index, hit);
  }
  return hit;
}
