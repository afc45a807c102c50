import jsQRModule from 'jsqr';
import sharp from 'sharp';

// jsqr is CommonJS typed as an ES default export: under Node's interop the import is the function
// itself, for the compiler the module; take whichever is callable.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const m = jsQRModule as unknown as Decode | { default: Decode };
const jsQR: Decode = typeof m === 'function' ? m : m.default;

/** The text of the QR code in an image (PNG, JPEG or SVG bytes), or null: jsQR on sharp's RGBA pixels. */
export async function decodeQr(image: Buffer | string, width = 400): Promise<string | null> {
  const { data, info } = await sharp(typeof image === 'string' ? Buffer.from(image) : image, { density: 300 }).resize(width).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}
