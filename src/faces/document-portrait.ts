// Finds the holder's photo on an ID-document image (a phone photo or scan of the card/page).
// The portrait is small (often 10–20 % of the image height), low quality, and the document may be
// photographed sideways or upside down: try 0°, then 90/180/270° when nothing is found upright.

import type { DetectedFace, FaceEngine, RgbImage } from '../engines/face/port.ts';
import { cropImage, rotateImage } from '../engines/face/image.ts';
import { largest } from './face-for-matching.ts';

/** Document portraits are printed small and often washed out: accept weaker detections than in frames. */
const DOCUMENT_MIN_CONFIDENCE = 0.3;
/**
 * Confidence that ends the rotation search: on a generated ID-card layout the upright portrait
 * scored 0.83–0.87 while the same portrait turned 90°/180° still got 0.48–0.59.
 */
const UPRIGHT_CONFIDENCE = 0.75;
/** Margin around the face box in the crop: keeps hair/chin so the crop can be re-detected and aligned. */
const CROP_MARGIN = 0.35;

interface DocumentPortrait {
  /** The portrait region (upright), for evidence and for matching. */
  crop: RgbImage;
  /** The face in `crop` coordinates (landmarks included), ready for engine.embed(crop, face). */
  face: DetectedFace;
  /** Clockwise rotation (degrees) applied to the document image to make the face upright. */
  rotation: 0 | 90 | 180 | 270;
}

export async function documentPortrait(engine: FaceEngine, image: RgbImage): Promise<DocumentPortrait | null> {
  let best: { rotated: RgbImage; face: DetectedFace; rotation: 0 | 90 | 180 | 270 } | null = null;
  for (const rotation of [0, 90, 270, 180] as const) {
    const found = await largestFace(engine, image, rotation);
    if (found && (!best || found.face.confidence > best.face.confidence)) best = { ...found, rotation };
    // BlazeFace also "finds" faces lying sideways, but with lower confidence and a meaningless mesh:
    // only a confident hit ends the search early, otherwise the most confident rotation wins.
    if (best && best.face.confidence >= UPRIGHT_CONFIDENCE) break;
  }
  return best ? portraitFrom(best.rotated, best.face, best.rotation) : null;
}

async function largestFace(engine: FaceEngine, image: RgbImage, rotation: 0 | 90 | 180 | 270): Promise<{ rotated: RgbImage; face: DetectedFace } | null> {
  const rotated = await rotateImage(image, rotation);
  const faces = await engine.detect(rotated, { mesh: true, iris: false, expressions: false, maxFaces: 5, minConfidence: DOCUMENT_MIN_CONFIDENCE });
  // Largest face = the main portrait (the "ghost" copy on many IDs is smaller and fainter).
  const face = largest(faces);
  return face ? { rotated, face } : null;
}

function portraitFrom(rotated: RgbImage, main: DetectedFace, rotation: 0 | 90 | 180 | 270): DocumentPortrait {
  const m = { x: main.box.width * CROP_MARGIN, y: main.box.height * CROP_MARGIN };
  const region = { x: main.box.x - m.x, y: main.box.y - m.y, width: main.box.width + 2 * m.x, height: main.box.height + 2 * m.y };
  const crop = cropImage(rotated, region);
  return { crop, face: shiftFace(main, Math.max(0, Math.floor(region.x)), Math.max(0, Math.floor(region.y))), rotation };
}

function shiftFace(face: DetectedFace, dx: number, dy: number): DetectedFace {
  return {
    ...face,
    box: { ...face.box, x: face.box.x - dx, y: face.box.y - dy },
    landmarks: face.landmarks.map(([x, y]) => [x - dx, y - dy] as [number, number]),
  };
}
