import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { AppError } from '../../src/domain/errors.ts';
import { sniffImageFormat, sniffVideo } from '../../src/domain/sniff.ts';
import { decodeImage } from '../../src/engines/face/image.ts';
import { storableImage } from '../../src/engines/image-decode.ts';
import type { RgbImage } from '../../src/engines/rgb-image.ts';
import { animatedGif, encodings, greyEncodings, REFUSED } from '../helpers/image-formats.ts';

// One picture in every format: four coloured quadrants, so a decode that loses colour, flips or
// ignores the EXIF orientation shows in the pixels, not only in the size.
const W = 64, H = 48;
const RED = [230, 30, 30], GREEN = [30, 200, 60], BLUE = [30, 60, 220], WHITE = [255, 255, 255], YELLOW = [240, 220, 20];

async function quadrants(tl: number[], tr: number[], bl: number[], br: number[], alphaTopLeft = 255): Promise<Buffer> {
  const data = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = y < H / 2 ? (x < W / 2 ? tl : tr) : x < W / 2 ? bl : br;
      const o = (y * W + x) * 4;
      data[o] = c[0]!; data[o + 1] = c[1]!; data[o + 2] = c[2]!;
      data[o + 3] = y < H / 2 && x < W / 2 ? alphaTopLeft : 255;
    }
  }
  return sharp(data, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
}

const at = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

function assertColour(got: number[], want: number[], what: string, tolerance = 40): void {
  assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= tolerance), `${what}: got rgb(${got.join(', ')}), want about rgb(${want.join(', ')})`);
}

/** Centres of the quadrants TL, TR, BL, BR. */
function corners(img: RgbImage): number[][] {
  const [qx, qy] = [Math.round(img.width / 4), Math.round(img.height / 4)];
  return [at(img, qx, qy), at(img, img.width - qx, qy), at(img, qx, img.height - qy), at(img, img.width - qx, img.height - qy)];
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
  return err;
}

describe('image formats (sniffed by magic bytes, decoded to sRGB)', () => {
  let png: Buffer;
  before(async () => { png = await quadrants(RED, GREEN, BLUE, WHITE); });

  test('every accepted colour format decodes to the same pixels', async () => {
    for (const [name, bytes] of Object.entries(await encodings(png))) {
      const img = await decodeImage(bytes);
      assert.deepEqual([img.width, img.height], [W, H], name);
      const [tl, tr, bl, br] = corners(img);
      // CMYK cannot hold these saturated colours (sRGB → CMYK clips them), and ffmpeg's 8-bit
      // palette shifts them: close, not exact.
      const tolerance = name.includes('cmyk') ? 90 : name.includes('palette') ? 60 : 40;
      assertColour(tl!, RED, `${name} top left`, tolerance);
      assertColour(tr!, GREEN, `${name} top right`, tolerance);
      assertColour(bl!, BLUE, `${name} bottom left`, tolerance);
      assertColour(br!, WHITE, `${name} bottom right`, tolerance);
    }
  });

  test('grey formats (PGM 8/16-bit, ASCII PPM/PGM, PBM) decode with the right shape and tones', async () => {
    for (const [name, bytes] of Object.entries(await greyEncodings(png))) {
      const img = await decodeImage(bytes);
      assert.deepEqual([img.width, img.height], [W, H], name);
      const [tl, , , br] = corners(img);
      assert.ok(tl![0] === tl![1] && tl![1] === tl![2] && tl![0]! < 120, `${name}: red as a mid grey, got ${tl}`);
      assertColour(br!, WHITE, `${name} white`, 3);
    }
    // Hand-written ASCII forms, with a comment in the header and 16-bit maxval.
    const p3 = await decodeImage(new TextEncoder().encode('P3\n# two pixels\n2 1\n65535\n65535 0 0  0 0 65535\n'));
    assert.deepEqual([...p3.data], [255, 0, 0, 0, 0, 255]);
    const p1 = await decodeImage(new TextEncoder().encode('P1\n3 1\n101\n'));
    assert.deepEqual([...p1.data], [0, 0, 0, 255, 255, 255, 0, 0, 0]);
  });

  test('EXIF orientation is applied (a phone photo stored sideways comes out upright)', async () => {
    const rotated = await sharp(png).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(rotated);
    // Orientation 6 = shown turned 90° clockwise: the stored bottom-left (blue) is shown top-left.
    assert.deepEqual([img.width, img.height], [H, W]);
    const [tl, tr, bl, br] = corners(img);
    assertColour(tl!, BLUE, 'top left');
    assertColour(tr!, RED, 'top right');
    assertColour(bl!, WHITE, 'bottom left');
    assertColour(br!, GREEN, 'bottom right');
  });

  test('PNG alpha is flattened on white; an animated GIF gives its first frame', async () => {
    const transparent = await decodeImage(await quadrants(RED, GREEN, BLUE, WHITE, 0));
    assertColour(corners(transparent)[0]!, WHITE, 'transparent quadrant', 2);
    const gif = await decodeImage(await animatedGif(png, await quadrants(YELLOW, YELLOW, YELLOW, YELLOW)));
    // ffmpeg's GIF palette shifts the red a little; the second frame would be yellow (green ≥ 200).
    assertColour(corners(gif)[0]!, RED, 'first frame top left', 60);
  });

  test('formats we recognise but do not read: unsupported_image_format naming the format', async () => {
    for (const [format, bytes] of Object.entries(REFUSED)) {
      assert.equal(sniffImageFormat(bytes), format);
      const err = await refusal(decodeImage(bytes));
      assert.equal(err.code, 'unsupported_image_format', format);
      assert.equal((err.details as { format?: string }).format, format);
      assert.match(err.message, /HEIC/); // the message lists what is accepted
    }
  });

  test('bytes that are no image, and corrupt files of accepted formats: not_an_image', async () => {
    assert.equal((await refusal(decodeImage(new TextEncoder().encode('hello, not an image')))).code, 'not_an_image');
    const bmp = (await encodings(png))['bmp 24-bit']!;
    assert.equal((await refusal(decodeImage(bmp.subarray(0, 200)))).code, 'not_an_image');
    assert.equal((await refusal(decodeImage(new TextEncoder().encode('P6\n64 48\n255\n\u0001')))).code, 'not_an_image');
    assert.equal((await refusal(decodeImage(new TextEncoder().encode('P5\n100000 100000\n255\n')))).code, 'image_too_large');
  });

  test('stored form: formats sharp reads are kept byte for byte, BMP/netpbm/HEIC become lossless PNG', async () => {
    const all = await encodings(png);
    const jpeg = await storableImage(all.jpeg!, 1e6);
    assert.equal(jpeg.bytes, all.jpeg);
    assert.equal(jpeg.contentType, 'image/jpeg');
    for (const name of ['bmp 24-bit', 'ppm', 'heic']) {
      const s = await storableImage(all[name]!, 1e6);
      assert.equal(s.contentType, 'image/png', name);
      assert.equal(sniffImageFormat(s.bytes), 'png', name);
    }
    assert.equal((await storableImage(all.heic!, 1e6)).format, 'heic');
    assert.equal((await refusal(storableImage(all.heic!, 100))).code, 'image_too_large');
  });

  test('HEIC/AVIF photos are not taken for MP4 videos, MP4 still is', async () => {
    const all = await encodings(png);
    assert.equal(sniffVideo(all.heic!), null);
    assert.equal(sniffVideo(all.avif!), null);
    assert.equal(sniffImageFormat(all.avif!), 'avif');
    const mp4 = Uint8Array.from([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypisom'), 0, 0, 2, 0, ...new TextEncoder().encode('isomiso2')]);
    assert.equal(sniffVideo(mp4), 'video/mp4');
    assert.equal(sniffImageFormat(mp4), null);
  });
});
