/**
 * OcrEngine port: a text detector plus a line recogniser, kept separate because document readers
 * (MRZ, later visual zones) choose which detected lines deserve the expensive recognition step and
 * how to rotate/deskew them first.
 */

import type { RgbImage } from '../rgb-image.ts';
export type { RgbImage };

/**
 * One detected text region as an oriented rectangle in the input image's pixel coordinates.
 * `width` runs along the reading direction given by `angleDeg` (0 = horizontal text, ±90 = text
 * running vertically), so a 44-character MRZ line always has width ≫ height.
 */
export interface TextRegion {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  readonly angleDeg: number;
  /** Mean text probability of the detector inside the region, 0–1. */
  readonly score: number;
}

export interface RecognizedChar {
  readonly char: string;
  /** Softmax probability of this character at its strongest frame, 0–1. */
  readonly confidence: number;
  /** Index of that frame (the recogniser's output step along the line), where the glyph is. */
  readonly frame: number;
}

export interface RecognizedLine {
  readonly text: string;
  readonly chars: readonly RecognizedChar[];
  /** Mean of the character confidences (0 when no character was read). */
  readonly confidence: number;
  /**
   * Per-frame probabilities, frame-major: slot 0 is the blank, slot i the i-th character of the
   * alphabet asked for (or of the whole dictionary). Lets a caller who knows the layout look again
   * where the greedy reading found nothing.
   */
  readonly frames: Float32Array;
}

export interface RecognizeOptions {
  /**
   * Restrict decoding to these characters (the blank is always allowed). Reading an MRZ with the
   * alphabet `A–Z 0–9 <` removes lower-case and CJK look-alikes the general model would otherwise
   * emit (`r` for `R`, `（` for `(`).
   */
  readonly alphabet?: string;
}

export interface DetectOptions {
  /** Longest side the detector works at; larger finds smaller text but costs quadratically. */
  readonly maxSide?: number;
}

export interface OcrEngine {
  /** Finds text regions. Safe to call concurrently (calls are queued on one model). */
  detect(image: RgbImage, options?: DetectOptions): Promise<TextRegion[]>;
  /** Reads one already cropped, upright text line per image. */
  recognize(lines: readonly RgbImage[], options?: RecognizeOptions): Promise<RecognizedLine[]>;
}
