import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { personA1, personA3, personB } from '../helpers/face-media.ts';
import { encodings, greyEncodings, REFUSED } from '../helpers/image-formats.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Every path that takes an image accepts the formats a user might send (told by magic bytes, not
// the name or Content-Type) and refuses the rest with unsupported_image_format naming the format.
// Outcomes on real face photos: the same person in two different formats matches, another does not.

type ErrorJson = { error: { code: string; details?: { format?: string; image?: string } } };
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('image formats through the API (real models)', () => {
  let rt: TestRuntime;
  let a1: Record<string, Buffer>, a3: Record<string, Buffer>, b: Record<string, Buffer>;
  before(async () => {
    rt = await makeRuntime();
    const all = async (p: Promise<Buffer>) => {
      const png = await sharp(await p).png().toBuffer();
      return { ...(await encodings(png)), ...(await greyEncodings(png)) };
    };
    [a1, a3, b] = await Promise.all([all(personA1()), all(personA3()), all(personB())]);
  });
  after(async () => { await rt.cleanup(); });

  const compare = (x: Uint8Array, y: Uint8Array) => rt.req('POST', '/v1/faces/compare', { a: b64(x), b: b64(y) });

  test('faces/compare: the same person in HEIC, BMP, PGM, GIF, TIFF, AVIF, CMYK JPEG matches; another person does not', async () => {
    for (const [fa, fb] of [['heic', 'bmp 24-bit'], ['pgm', 'gif'], ['tiff', 'avif'], ['jpeg cmyk', 'png 16-bit'], ['bmp 8-bit palette', 'ppm']] as const) {
      const res = await compare(a1[fa]!, a3[fb]!);
      assert.equal(res.status, 200, `${fa} vs ${fb}: ${await res.clone().text()}`);
      const body = (await res.json()) as { match: boolean; score: number };
      assert.equal(body.match, true, `${fa} vs ${fb}: score ${body.score}`);
    }
    const other = (await (await compare(a1.heic!, b['bmp 24-bit']!)).json()) as { match: boolean; score: number };
    assert.equal(other.match, false, `person A vs B: score ${other.score}`);
  });

  test('faces/compare: a sideways phone photo with EXIF orientation is turned upright before matching', async () => {
    // Pixels stored turned 90° counter-clockwise, with the tag that says "show turned clockwise".
    const sideways = await sharp(a3.png!).rotate(-90).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
    const body = (await (await compare(a1.jpeg!, sideways)).json()) as { match: boolean; score: number };
    assert.equal(body.match, true, `score ${body.score}`);
  });

  test('faces/detect (multipart, file name and type lying) finds the face in a HEIC sent as photo.jpg', async () => {
    const form = new FormData();
    form.append('image', new File([new Uint8Array(a3.heic!)], 'photo.jpg', { type: 'image/jpeg' }));
    const res = await rt.app.request('/v1/faces/detect', { method: 'POST', headers: { authorization: `Bearer ${rt.apiKey}` }, body: form });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { count: number }).count, 1);
  });

  test('faces and documents refuse recognised formats they do not read: 415 unsupported_image_format naming it', async () => {
    for (const [format, bytes] of Object.entries(REFUSED)) {
      const res = await compare(a1.jpeg!, bytes);
      assert.equal(res.status, 415, format);
      const body = (await res.json()) as ErrorJson;
      assert.equal(body.error.code, 'unsupported_image_format');
      assert.deepEqual([body.error.details?.format, body.error.details?.image], [format, 'b']);
    }
    const doc = await rt.req('POST', '/v1/documents/recognize', { image: b64(REFUSED.svg!) });
    assert.equal(doc.status, 415);
    assert.equal(((await doc.json()) as ErrorJson).error.code, 'unsupported_image_format');
    const junk = await compare(a1.jpeg!, new TextEncoder().encode('not an image at all'));
    assert.equal(((await junk.json()) as ErrorJson).error.code, 'not_an_image');
  });

  test('capture uploads: HEIC, BMP and PGM selfies are stored as PNG with their source format; SVG is refused', async () => {
    const { cap } = await newCaptureSession(rt, { steps: ['selfie'] });
    for (const [name, path] of [['heic', '/selfie'], ['bmp 32-bit', '/selfie'], ['pgm 16-bit', '/selfie'], ['webp', '/selfie']] as const) {
      const res = await cap('PUT', path, a3[name]!, { 'content-type': 'application/octet-stream' });
      assert.equal(res.status, 200, `${name}: ${await res.clone().text()}`);
      const { artifact } = (await res.json()) as { artifact: { content_type: string; source_format: string; width: number } };
      assert.equal(artifact.content_type, name === 'webp' ? 'image/webp' : 'image/png', name);
      assert.equal(artifact.source_format, name.split(' ')[0] === 'pgm' ? 'pnm' : name.split(' ')[0], name);
      assert.equal(artifact.width, 480, name);
    }
    const svg = await cap('PUT', '/selfie', REFUSED.svg!, { 'content-type': 'image/jpeg' });
    assert.equal(svg.status, 415);
    assert.deepEqual(((await svg.json()) as ErrorJson).error.details?.format, 'svg');
    assert.equal(((await (await cap('PUT', '/selfie', new TextEncoder().encode('hello'))).json()) as ErrorJson).error.code, 'unsupported_media_type');
  });
});
