// What the format decoders that sharp lacks (BMP, netpbm, HEIC) hand to sharp: raw 8-bit pixels.

export interface RawImage {
  width: number;
  height: number;
  /** 1 grey, 3 RGB or 4 RGBA, interleaved, 8 bits each. */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** A decoder's refusal: `kind` tells corrupt data from a valid file using a variant we do not read. */
export class ImageDecodeError extends Error {
  constructor(message: string, readonly kind: 'corrupt' | 'unsupported' | 'too_large' = 'corrupt') {
    super(message);
  }
}
