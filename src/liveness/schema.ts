// Request body of POST …/liveness/verify, shaped like the seed vendor's API. Lenient where real
// clients omit things (passport, documentType, country, client-side measurements); strict on what
// the server needs to decide (token, frames with images and timestamps).

import { z } from 'zod';

/** 8 MB of base64 per frame ≈ 6 MB JPEG: far above a 1080p selfie frame, bounds memory per request. */
const MAX_IMAGE_CHARS = 8_000_000;
/** 60 frames: 2–4 challenges at a few frames each fit comfortably; more is a video, use self-record. */
const MAX_FRAMES = 60;

const imageString = z.string().min(16).max(MAX_IMAGE_CHARS);
const clientObject = z.record(z.string(), z.unknown()).or(z.array(z.unknown()));

const livenessFrame = z.object({
  challengeIndex: z.number().int().min(0).max(15),
  image: imageString,
  /** Client-side measurements: recorded and compared with the server's, never trusted. */
  landmarks: clientObject.nullish(),
  blendshapes: clientObject.nullish(),
  headPose: clientObject.nullish(),
  /** Unix seconds (seed format); milliseconds are accepted and converted. */
  timestamp: z.number().finite().positive(),
});

export const livenessVerifyBody = z.object({
  challengeToken: z.string().min(10).max(4096),
  frames: z.array(livenessFrame).min(2).max(MAX_FRAMES),
  /** Client's passive anti-spoofing result: recorded as evidence only. */
  antiSpoofing: z.object({ score: z.number().min(0).max(1).nullish() }).passthrough().nullish(),
  passport: imageString.nullish(),
  documentType: z.string().max(64).nullish(),
  country: z.string().max(8).nullish(),
  /** Extension: camera labels from `MediaDevices.enumerateDevices()`, for the virtual-camera flag. */
  device: z.object({ cameraLabel: z.string().max(256).nullish(), cameraLabels: z.array(z.string().max(256)).max(32).nullish() }).nullish(),
});

export type LivenessVerifyBody = z.infer<typeof livenessVerifyBody>;

/** `data:image/jpeg;base64,…` or bare base64 → bytes; null when it is not base64 at all. */
export function decodeDataUrl(s: string): Uint8Array | null {
  const m = /^data:([a-z]+\/[a-z0-9.+-]+)?(;[a-z0-9=.-]+)*;base64,/i.exec(s);
  const b64 = (m ? s.slice(m[0].length) : s).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return null;
  const buf = Buffer.from(b64, /[-_]/.test(b64) ? 'base64url' : 'base64');
  return buf.length > 0 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.length) : null;
}
