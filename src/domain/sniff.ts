// Content sniffing from magic bytes: the Content-Type a client sends is a hint, never trusted,
// and neither is a file name.

type VideoType = 'video/webm' | 'video/mp4' | 'video/quicktime';

/**
 * Raster formats the server decodes (engines/image-decode.ts): sharp's prebuilt libvips reads
 * jpeg/png/webp/gif/tiff/avif; bmp, netpbm and HEIC (HEVC, which that libvips build lacks) have
 * their own decoders.
 */
export const DECODABLE_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'bmp', 'tiff', 'pnm', 'heic', 'avif'] as const;
export type DecodableImageFormat = (typeof DECODABLE_IMAGE_FORMATS)[number];
/**
 * Recognised but refused with `unsupported_image_format`: no decoder ships in npm/Debian for us
 * (JPEG 2000, JPEG XL), or not a photo (SVG renders markup that can reference other resources, PDF,
 * PSD layers, icons).
 */
type RefusedImageFormat = 'jpeg2000' | 'jpegxl' | 'svg' | 'pdf' | 'psd' | 'ico' | 'exr' | 'qoi' | 'pam' | 'pfm';
export type ImageFormat = DecodableImageFormat | RefusedImageFormat;

const MIME: Record<DecodableImageFormat, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp',
  tiff: 'image/tiff', pnm: 'image/x-portable-anymap', heic: 'image/heic', avif: 'image/avif',
};

export function isDecodable(format: ImageFormat): format is DecodableImageFormat {
  return (DECODABLE_IMAGE_FORMATS as readonly string[]).includes(format);
}

export function imageMime(format: DecodableImageFormat): string {
  return MIME[format];
}

/** The image format the bytes start with, decodable or not; null when no image signature matches. */
export function sniffImageFormat(b: Uint8Array): ImageFormat | null {
  if (b.length < 4) return null;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  // 'BM' + a file size field; the DIB header size (12, 40, 52, 56, 64, 108, 124) rules out text starting "BM".
  if (ascii(b, 0, 2) === 'BM' && b.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(u32le(b, 14))) return 'bmp';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' || ascii(b, 0, 4) === 'II+\0' || ascii(b, 0, 4) === 'MM\0+') return 'tiff';
  if (b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x36 && isSpace(b[2]!)) return 'pnm'; // P1–P6 then whitespace
  if (ascii(b, 0, 2) === 'P7' && isSpace(b[2]!)) return 'pam';
  if ((ascii(b, 0, 2) === 'PF' || ascii(b, 0, 2) === 'Pf') && isSpace(b[2]!)) return 'pfm';
  const heif = heifBrand(b);
  if (heif) return heif;
  if (starts(b, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || starts(b, [0xff, 0x4f, 0xff, 0x51])) return 'jpeg2000';
  if (starts(b, [0xff, 0x0a]) || starts(b, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'jpegxl';
  if (ascii(b, 0, 4) === '%PDF') return 'pdf';
  if (ascii(b, 0, 4) === '8BPS') return 'psd';
  if (starts(b, [0x00, 0x00, 0x01, 0x00]) || starts(b, [0x00, 0x00, 0x02, 0x00])) return 'ico';
  if (starts(b, [0x76, 0x2f, 0x31, 0x01])) return 'exr';
  if (ascii(b, 0, 4) === 'qoif') return 'qoi';
  if (looksLikeSvg(b)) return 'svg';
  return null;
}

/** MIME type of a decodable image, null for anything else (refused formats included). */
export function sniffImage(b: Uint8Array): string | null {
  const f = sniffImageFormat(b);
  return f && isDecodable(f) ? MIME[f] : null;
}

/**
 * HEIF-family files are ISO BMFF like MP4: an 'ftyp' box whose major or compatible brands say
 * still image. AV1 brands → avif; HEVC brands (iPhone photos) → heic; the generic 'mif1'/'msf1'
 * alone is taken as heic (that is what phones write), unless an AV1 brand is listed too.
 */
function heifBrand(b: Uint8Array): 'heic' | 'avif' | null {
  if (b.length < 16 || ascii(b, 4, 8) !== 'ftyp') return null;
  const size = Math.min(u32be(b, 0), b.length, 256);
  const brands = [ascii(b, 8, 12)];
  for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(b, o, o + 4));
  if (brands.some((x) => x === 'avif' || x === 'avis')) return 'avif';
  if (brands.some((x) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(x))) return 'heic';
  return null;
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = ascii(b, 0, Math.min(b.length, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

export function sniffVideo(b: Uint8Array): VideoType | null {
  // EBML header (Matroska/WebM).
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm';
  // ISO BMFF: box size then 'ftyp'; brand 'qt  ' is QuickTime (iOS), the rest mp4. Still-image
  // brands (HEIC/AVIF photos) are not videos.
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp' && !heifBrand(b)) return ascii(b, 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
  return null;
}

/** Audio clips for phrase attempts: WAV, or any of the video containers (audio-only webm/mp4/ogg). */
export function sniffAudio(b: Uint8Array): string | null {
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE') return 'audio/wav';
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return 'audio/ogg';
  const v = sniffVideo(b);
  return v ? v.replace('video/', 'audio/') : null;
}

function starts(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && sig.every((v, i) => b[i] === v);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function u32le(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
}

function u32be(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}
