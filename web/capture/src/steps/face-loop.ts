import type { Human } from '@vladmandic/human';
import { detect, faceState, type Detection, type FaceImage, type FaceState } from '../face-guide.ts';
import { laplacianVariance, lumaOf } from '../quality.ts';

// One detection loop over a live <video>: runs Human back-to-back (never overlapping: a phone
// cannot keep up with 30 detections/s, so we take the next frame when the last one is done).

export interface FaceTick {
  detection: Detection;
  state: FaceState;
}

export function faceLoop(human: Human, video: HTMLVideoElement, onTick: (t: FaceTick) => void): { stop(): void } {
  let running = true;
  const step = async (): Promise<void> => {
    while (running) {
      if (video.readyState >= 2 && video.videoWidth > 0) {
        const d = await detect(human, video);
        if (!running) break;
        if (d) {
          const f = d.faces[0];
          let img: FaceImage | null = null;
          if (d.faces.length === 1 && f) {
            const [x, y, w, hh] = f.box;
            const vw = video.videoWidth;
            const vh = video.videoHeight;
            const r = lumaOf(video, { x: Math.max(0, x * vw), y: Math.max(0, y * vh), w: Math.max(1, w * vw), h: Math.max(1, hh * vh) });
            if (r.luma.length) img = { luma: r.luma.reduce((a, b) => a + b, 0) / r.luma.length, sharpness: laplacianVariance(r.luma, r.w, r.h) };
          }
          onTick({ detection: d, state: faceState(d.faces, video.videoWidth, video.videoHeight, img) });
        }
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  void step();
  return {
    stop: () => {
      running = false;
    },
  };
}
