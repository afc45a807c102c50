// Quality gates at upload (issue 13): a selfie with closed eyes, a face too small or too blurred,
// and a document photo with glare over it or too blurred are refused at once with a clear code, so
// the page can ask for a retake instead of the session failing later. Thresholds were set on real
// data with bench/quality-gates.ts (numbers in the comments); they sit well inside the genuine
// range so a usable photo is never refused.

import { AppError } from '../domain/errors.ts';
import { fitWithin } from '../engines/face/image.ts';
import { laplacianVariance } from '../engines/face/quality.ts';
import type { DetectedFace, FaceEngine, RgbImage } from '../engines/face/port.ts';

/** Detection runs on the selfie scaled to this side (the capture page sends ≤ 1280 px). */
const SELFIE_SIDE = 640;

// Measured by bench/quality-gates.ts (QUALITY_BENCH_FACES=30: 37 photos of ../shared/data/faces at
// 640 px; closed eyes = the lowest-openness frame inside the labelled blinks of liveportrait d9/d14/d18).
export const SELFIE_GATES = {
  /** Face box height / image height. Genuine photos 0.23–1.0 (p5 0.39); a face under 0.15 of the
   * frame is a person too far away for the page's oval. */
  minFaceSize: 0.15,
  /** quality.sharpness of the face crop (0–1). Genuine 0.43–1.0; blurred (σ = 1 % of the height)
   * 0.06–0.46, median 0.18: 0.3 refuses most blurred photos with a 0.13 margin under genuine. */
  minSharpness: 0.3,
  /** Mean eye openness (0–1). Genuine open eyes 0.68–1.0 (p5 0.73); eyes closed in a blink
   * 0.01–0.30 (d14, d9, d18): 0.45 sits between the two with margin on both sides. */
  minEyeOpen: 0.45,
};

// Measured by bench/quality-gates.ts on the 19 clean specimens of ../shared/data/docs/images (at
// 1000 px, measured at 400 px), the same with a synthetic specular spot and blurred (σ 3 px).
export const DOCUMENT_GATES = {
  /** Largest blown-out blob inside the image, share of the image area. Clean specimens ≤ 0.001
   * (0 of 19 refused); a glare spot 0.014–0.019. */
  maxGlareBlobShare: 0.005,
  /** A blob larger than this share is the white page itself, not a reflection (the ICAO specimen
   * pages are 0.58–0.63 of their images and reach no border). Glare merged into white paper is
   * therefore not seen: 4 of the 19 synthetic glare spots fell on such pages. */
  maxSpotShare: 0.25,
  /** Laplacian variance of the grey document at 400 px wide. Clean 442–10241; blurred (σ 3 px at
   * 1000 px) 17–271: 200 refuses clearly blurred photos, 2.2× under the least sharp clean one. */
  minLaplacianVariance: 200,
};

export interface SelfieMetrics { faces: number; faceSize: number | null; sharpness: number | null; eyeOpen: number | null }

export async function selfieMetrics(engine: FaceEngine, image: RgbImage): Promise<SelfieMetrics> {
  const { image: small } = await fitWithin(image, SELFIE_SIDE);
  const faces = await engine.detect(small, { mesh: true, iris: true, expressions: false, maxFaces: 3 });
  const main = faces.reduce<DetectedFace | undefined>((a, f) => (!a || f.box.height > a.box.height ? f : a), undefined);
  if (!main) return { faces: 0, faceSize: null, sharpness: null, eyeOpen: null };
  const eye = (main.eyeOpenLeft + main.eyeOpenRight) / 2;
  return { faces: faces.length, faceSize: main.quality.faceSize, sharpness: main.quality.sharpness, eyeOpen: Number.isFinite(eye) ? eye : null };
}

/** Throws the first gate the selfie fails (no_face, face_too_small, image_blurry, selfie_eyes_closed). */
export function assertSelfieQuality(m: SelfieMetrics, gates = SELFIE_GATES): void {
  const r2 = (x: number) => Math.round(x * 100) / 100;
  if (!m.faces || m.faceSize === null) throw new AppError('no_face', 'no face was found in the selfie: face the camera in good light');
  if (m.faceSize < gates.minFaceSize) {
    throw new AppError('face_too_small', 'the face is too small or too far: move closer so your face fills the oval', { face_size: r2(m.faceSize), minimum: gates.minFaceSize });
  }
  if (m.sharpness !== null && m.sharpness < gates.minSharpness) {
    throw new AppError('image_blurry', 'the selfie is blurred: hold still and make sure the camera is in focus', { sharpness: r2(m.sharpness), minimum: gates.minSharpness });
  }
  if (m.eyeOpen !== null && m.eyeOpen < gates.minEyeOpen) {
    throw new AppError('selfie_eyes_closed', 'your eyes look closed: keep them open and look at the camera', { eye_open: r2(m.eyeOpen), minimum: gates.minEyeOpen });
  }
}

/** The document is measured at this width: enough for glare blobs and text edges, cheap (~5 ms). */
const DOC_SIDE = 400;
/** A pixel is blown out when its darkest channel is at least this (specular glare is clipped white). */
const CLIPPED = 250;

export interface DocumentMetrics { glareBlobShare: number; laplacianVariance: number }

export async function documentMetrics(image: RgbImage): Promise<DocumentMetrics> {
  const { image: img } = await fitWithin(image, DOC_SIDE);
  const { width: w, height: h, data } = img;
  const grey = new Float32Array(w * h);
  const clipped = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const r = data[3 * i]!, g = data[3 * i + 1]!, b = data[3 * i + 2]!;
    grey[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    clipped[i] = Math.min(r, g, b) >= CLIPPED ? 1 : 0;
  }
  return { glareBlobShare: largestInteriorBlob(clipped, w, h, DOCUMENT_GATES.maxSpotShare * w * h) / (w * h), laplacianVariance: laplacianVariance({ w, h, v: grey }) };
}

/**
 * Area of the largest 4-connected blob of clipped pixels that does not touch the image border.
 * Glare is a reflection on the document's surface, so it sits inside the picture; white paper
 * margins and a white table around the document reach the border and are not glare, and a blob
 * above `maxArea` is a white page, not a reflection.
 */
function largestInteriorBlob(mask: Uint8Array, w: number, h: number, maxArea: number): number {
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  let best = 0;
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || seen[start]) continue;
    let area = 0;
    let border = false;
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      area++;
      const x = p % w, y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && mask[q] && !seen[q]) { seen[q] = 1; stack.push(q); }
      }
    }
    if (!border && area <= maxArea && area > best) best = area;
  }
  return best;
}

export function assertDocumentQuality(m: DocumentMetrics, gates = DOCUMENT_GATES): void {
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  if (m.glareBlobShare > gates.maxGlareBlobShare) {
    throw new AppError('image_glare', 'there is glare on the document: tilt it or move away from the light', { glare_share: r3(m.glareBlobShare), maximum: gates.maxGlareBlobShare });
  }
  if (m.laplacianVariance < gates.minLaplacianVariance) {
    throw new AppError('image_blurry', 'the document photo is blurred: hold still and let the camera focus', { sharpness: Math.round(m.laplacianVariance), minimum: gates.minLaplacianVariance });
  }
}
