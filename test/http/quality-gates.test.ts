import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { personA3 } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Issue 13 quality gates at upload, on real data: a clean passport specimen (Australia) is accepted, the same
// specimen with a specular glare spot or blurred is refused; a real selfie is accepted, blurred or
// with the face far away it is refused. Needs ../shared/data: fails saying so when it is absent.

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const SPECIMEN = resolve(DATA, 'docs/images/ultimatemrz/Passport-Australia_1280x720.jpg');

function specimen(): Buffer {
  assert.ok(existsSync(SPECIMEN), `${SPECIMEN} is missing: this test needs the shared real data set (../shared/data)`);
  return readFileSync(SPECIMEN);
}

async function withGlare(buf: Buffer): Promise<Buffer> {
  const { width = 800, height = 600 } = await sharp(buf).metadata();
  const r = Math.round(Math.min(width, height) * 0.12);
  const spot = `<svg width="${width}" height="${height}"><defs><radialGradient id="g"><stop offset="0.55" stop-color="white" stop-opacity="1"/><stop offset="1" stop-color="white" stop-opacity="0"/></radialGradient></defs><ellipse cx="${width * 0.55}" cy="${height * 0.45}" rx="${r * 1.6}" ry="${r}" fill="url(#g)"/></svg>`;
  return sharp(buf).composite([{ input: Buffer.from(spot) }]).jpeg({ quality: 92 }).toBuffer();
}

describe('upload quality gates (issue 13)', () => {
  let rt: TestRuntime;
  let put: (path: string, body: Uint8Array) => Promise<Response>;
  before(async () => {
    rt = await makeRuntime();
    const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['document', 'selfie'] } })).json();
    const token = new URL(s.capture_url).pathname.split('/').pop()!;
    put = (path, body) => Promise.resolve(rt.app.request(`/v1/capture${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> }));
  });
  after(async () => { await rt.cleanup(); });
  const codeOf = async (r: Response) => (r.status === 200 ? 'ok' : `${r.status} ${(await r.json()).error.code}`);

  test('document: a clean specimen passes; glare over it and blur are refused', async () => {
    const clean = specimen();
    assert.equal(await codeOf(await put('/document/front', clean)), 'ok');
    assert.equal(await codeOf(await put('/document/front', await withGlare(clean))), '422 image_glare');
    assert.equal(await codeOf(await put('/document/front', await sharp(clean).blur(4).jpeg().toBuffer())), '422 image_blurry');
  });

  test('selfie: a real face passes; blurred, far away or no face are refused with their codes', async () => {
    const face = Buffer.from(await personA3());
    assert.equal(await codeOf(await put('/selfie', face)), 'ok');
    const { height = 480 } = await sharp(face).metadata();
    assert.equal(await codeOf(await put('/selfie', await sharp(face).blur(Math.max(2, height * 0.015)).jpeg().toBuffer())), '422 image_blurry');
    // The same head shrunk to 100 px in a 640×480 frame: the face is ~0.12 of the height, too far away.
    const small = await sharp(face).resize({ height: 100 }).toBuffer();
    const far = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .composite([{ input: small, left: 270, top: 190 }]).jpeg().toBuffer();
    assert.equal(await codeOf(await put('/selfie', far)), '422 face_too_small');
    const empty = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 140, b: 160 } } }).jpeg().toBuffer();
    assert.equal(await codeOf(await put('/selfie', empty)), '422 no_face');
  });
});
