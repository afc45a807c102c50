/**
 * An RGB image decoded in memory (sharp → raw): width * height * 3 bytes, row-major, interleaved.
 * The one image type of the face and OCR ports, so a decoded upload goes to either engine as is.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
