import type { FaceEngine } from '../engines/face/port.ts';
import { toRgb, type ImageInput } from './face-for-matching.ts';

const r = (n: number, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);

/** `POST /v1/faces/detect`: every face with its measurements (no identity data is returned). */
export async function detectFaces(engine: FaceEngine, input: ImageInput) {
  const image = await toRgb(input);
  const faces = await engine.detect(image, { mesh: true, antispoof: true, maxFaces: 10 });
  return {
    image: { width: image.width, height: image.height },
    count: faces.length,
    faces: faces.map((f) => ({
      box: { x: Math.round(f.box.x), y: Math.round(f.box.y), width: Math.round(f.box.width), height: Math.round(f.box.height) },
      confidence: r(f.confidence),
      pose: { yaw: r(f.pose.yaw, 1), pitch: r(f.pose.pitch, 1), roll: r(f.pose.roll, 1) },
      eyes: { left_open: r(f.eyeOpenLeft), right_open: r(f.eyeOpenRight) },
      mouth_open: r(f.mouthOpen),
      smile: r(f.smile),
      quality: { ...f.quality, score: r(f.quality.score, 1) },
      antispoof: f.antispoof === null ? null : r(f.antispoof),
      liveness: f.liveness === null ? null : r(f.liveness),
    })),
    model: engine.info(),
  };
}
