// Content sniffing from magic bytes: the Content-Type a client sends is a hint, never trusted.

type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';
type VideoType = 'video/webm' | 'video/mp4' | 'video/quicktime';

export function sniffImage(b: Uint8Array): ImageType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export function sniffVideo(b: Uint8Array): VideoType | null {
  // EBML header (Matroska/WebM).
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm';
  // ISO BMFF: box size then 'ftyp'; brand 'qt  ' is QuickTime (iOS), the rest mp4.
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') return ascii(b, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
  return null;
}

/** Audio clips for phrase attempts: WAV, or any of the video containers (audio-only webm/mp4/ogg). */
export function sniffAudio(b: Uint8Array): string | null {
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE') return 'audio/wav';
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return 'audio/ogg';
  const v = sniffVideo(b);
  return v ? v.replace('video/', 'audio/') : null;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}
