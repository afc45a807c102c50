// The FaceEngine adapter on real photos and compareFaces' typed errors. Models load once (before).

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createFaceEngine } from '../../../src/engines/face/human-faceapi.ts';
import { cropSquare, decodeImage } from '../../../src/engines/face/image.ts';
import { detectForMatching, embedForMatching, embedSingleFace, ZOOM_BELOW_PX, zoomOnFace } from '../../../src/faces/face-for-matching.ts';
import { MATCH_THRESHOLD } from '../../../src/domain/face-match.ts';
import { DEFAULT_CHALLENGE_THRESHOLDS } from '../../../src/domain/liveness-challenges.ts';
import { AppError } from '../../../src/domain/errors.ts';
import { compareFaces } from '../../../src/faces/compare-faces.ts';
import type { Box, DetectedFace, FaceEngine, RgbImage } from '../../../src/engines/face/port.ts';
import { PERSON_A_S1, PERSON_A_S3, PERSON_B_S6, blankJpeg, frame, headCrop, sample } from './helpers.ts';

let engine: FaceEngine;
before(async () => {
  engine = createFaceEngine();
  await engine.init();
});

/**
 * How far the mesh's mouth width may move when the same photo is only tilted, scaled or mirrored:
 * less than what passes as a smile on its own (DEFAULT_CHALLENGE_THRESHOLDS.smileWidthGain).
 * Measured: ≤ 8.8 % (sample6, −6°) and ≤ 11.5 % (sample3, mirrored).
 */
const WIDTH_TOLERANCE = DEFAULT_CHALLENGE_THRESHOLDS.smileWidthGain;

function near(faces: DetectedFace[], box: Box): DetectedFace {
  const f = faces.find((x) => Math.abs(x.box.x - box.x) < box.width / 3 && Math.abs(x.box.y - box.y) < box.height / 3);
  assert.ok(f, `no face near ${JSON.stringify(box)} in ${JSON.stringify(faces.map((x) => x.box))}`);
  return f;
}

async function mirror(img: RgbImage): Promise<RgbImage> {
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).flop().raw().toBuffer();
  return { ...img, data: new Uint8Array(data) };
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof AppError && err.code === code);
}

describe('FaceEngine (Human + face-api on tfjs-wasm)', () => {
  it('detects the three faces of sample1 with mesh, quality and sane eye/mouth values', async () => {
    const faces = await engine.detect(await decodeImage(await sample(1)));
    assert.equal(faces.length, 3);
    for (const f of faces) {
      assert.ok(f.confidence >= 0.5);
      assert.ok(f.landmarks.length >= 468);
      assert.ok(f.quality.score > 30 && f.quality.score <= 100, `quality ${f.quality.score}`);
      assert.ok(f.mouthOpen >= 0 && f.mouthOpen <= 1);
      assert.ok(f.eyeOpenLeft >= 0 && f.eyeOpenLeft <= 1);
    }
  });

  it('follows the port pose convention: turning to one\'s own right gives negative yaw, mirror flips it', async () => {
    // sample2, woman on the left: profile turned towards the image's left = her own right.
    const img = await decodeImage(await sample(2));
    const face = near(await engine.detect(img), { x: 281, y: 117, width: 328, height: 328 });
    assert.ok(face.pose.yaw < -15, `yaw ${face.pose.yaw}`);
    const mirrored = await engine.detect(await mirror(img));
    const twin = near(mirrored, { x: img.width - 281 - 328, y: 117, width: 328, height: 328 });
    assert.ok(twin.pose.yaw > 15, `mirrored yaw ${twin.pose.yaw}`);
    assert.ok(Math.sign(twin.pose.roll) !== Math.sign(face.pose.roll) || Math.abs(face.pose.roll) < 3);
  });

  it("measures the mouth's width about the same on a face tilted, scaled and mirrored in the image", async () => {
    // The smile challenge compares mouthWidth with the same person's neutral: tilting the head a
    // little, coming closer or the camera mirroring must stay short of a smile. Two near-upright
    // faces; sample1's blonde (already rolled 16°) moves far more (0.74–1.06 over ±9°): the mesh
    // runs without roll correction (human-loader.ts), the limit noted in docs/acceptance.md.
    const grey = { r: 120, g: 125, b: 130 };
    const widthOf = async (jpeg: Buffer) => {
      const [f] = await engine.detect(await decodeImage(jpeg));
      assert.ok(f && f.landmarks.length >= 468, 'a face with its mesh');
      return f.mouthWidth;
    };
    for (const [n, box] of [[3, PERSON_A_S3], [6, PERSON_B_S6]] as const) {
      const crop = await headCrop(n, box, 360);
      const upright = await widthOf(crop);
      assert.ok(upright > 0.6 && upright < 1.3, `sample${n}: width ${upright} inter-ocular distances`);
      const variants: Array<[string, sharp.Sharp]> = [
        ...[-6, -3, 3, 6].map((deg): [string, sharp.Sharp] => [`tilted ${deg}°`, sharp(crop).rotate(deg, { background: grey })]),
        ['smaller', sharp(crop).resize(220, 220)],
        ['mirrored', sharp(crop).flop()],
      ];
      for (const [name, img] of variants) {
        const w = await widthOf(await img.jpeg({ quality: 92 }).toBuffer());
        assert.ok(Math.abs(w / upright - 1) < WIDTH_TOLERANCE, `sample${n} ${name}: width ${w} vs ${upright}`);
      }
    }
  });

  it('scores the same person above and different people below the threshold', async () => {
    const s1 = await decodeImage(await sample(1));
    const s3 = await decodeImage(await sample(3));
    const s6 = await decodeImage(await sample(6));
    const a1 = await engine.embed(s1, near(await engine.detect(s1), PERSON_A_S1));
    const a3 = await engine.embed(s3, near(await engine.detect(s3), PERSON_A_S3));
    const b6 = await engine.embed(s6, near(await engine.detect(s6), PERSON_B_S6));
    assert.equal(a1.length, 128);
    const same = engine.similarity(a1, a3);
    const diff = engine.similarity(a1, b6);
    assert.ok(same >= MATCH_THRESHOLD + 20, `same-person score ${same}`);
    assert.ok(diff < MATCH_THRESHOLD - 20, `different-person score ${diff}`);
  });

  it('runs concurrent calls safely (serialised internally)', async () => {
    const img = await decodeImage(await headCrop(1, PERSON_A_S1, 320));
    const results = await Promise.all([1, 2, 3].map(() => engine.detect(img, { mesh: false })));
    for (const r of results) assert.equal(r.length, 1);
  });
});

describe('compareFaces', () => {
  it('matches two photos of one person and returns boxes and quality', async () => {
    const r = await compareFaces(engine, await headCrop(1, PERSON_A_S1, 360), await headCrop(3, PERSON_A_S3, 300));
    assert.equal(r.match, true);
    assert.equal(r.threshold, MATCH_THRESHOLD);
    assert.ok(r.faces.a.box.width > 48 && r.faces.b.quality.score > 0);
  });

  it('does not match different people', async () => {
    const r = await compareFaces(engine, await headCrop(1, PERSON_A_S1, 360), await headCrop(6, PERSON_B_S6, 360));
    assert.equal(r.match, false);
  });

  it('refuses a non-image, a blank image and a photo with two faces', async () => {
    const face = await headCrop(1, PERSON_A_S1, 300);
    await rejects(compareFaces(engine, new TextEncoder().encode('not an image at all'), face), 'not_an_image');
    await rejects(compareFaces(engine, face, await blankJpeg()), 'no_face');
    const two = await frame([{ img: await headCrop(1, PERSON_A_S1, 300), x: 10, y: 90 }, { img: await headCrop(6, PERSON_B_S6, 300), x: 330, y: 90 }]);
    await rejects(compareFaces(engine, two, face), 'multiple_faces');
  });

  it('refuses a face too small to match', async () => {
    // A 60-px head crop on a 640×480 frame: BlazeFace still finds the ~44-px face.
    const tiny = await frame([{ img: await headCrop(1, PERSON_A_S1, 60), x: 280, y: 200 }]);
    await rejects(compareFaces(engine, tiny, await headCrop(1, PERSON_A_S1, 300)), 'face_too_small');
  });
});

describe('face for matching: edge padding and zoomed re-detection', () => {
  it('detects a small face again on a zoomed crop that still matches a large photo of the same person', async () => {
    // An ~80-px face in a 640×480 frame: under ZOOM_BELOW_PX, so the embedder gets the zoomed crop.
    const small = await frame([{ img: await headCrop(3, PERSON_A_S3, 120), x: 400, y: 150 }]);
    const found = await detectForMatching(engine, small);
    const face = found.faces[0]!;
    assert.ok(face.box.height < ZOOM_BELOW_PX);
    const zoomed = await zoomOnFace(engine, found.image, face);
    assert.equal(zoomed.image.width, 384);
    assert.ok(zoomed.face.box.height > 1.5 * face.box.height, `zoomed box ${zoomed.face.box.height} vs ${face.box.height}`);
    const reference = await embedSingleFace(engine, await decodeImage(await headCrop(1, PERSON_A_S1, 480)), 'reference');
    const z = engine.similarity(reference.embedding, await engine.embed(zoomed.image, zoomed.face, { augment: true }));
    assert.ok(z >= MATCH_THRESHOLD, `zoomed small face scored ${z}`);
    // A match embeds both views: the mean still matches, and the box is reported in the original image.
    const single = await embedSingleFace(engine, small, 'small');
    assert.ok(engine.similarity(reference.embedding, single.embedding) >= MATCH_THRESHOLD);
    assert.equal(single.image, found.image);
    assert.ok(Math.abs(single.box.x - face.box.x / found.scale) < 2);
  });

  it('a failing embed rejects the match once and is not left unhandled while the zoom runs', async () => {
    const small = await frame([{ img: await headCrop(3, PERSON_A_S3, 120), x: 400, y: 150 }]);
    const found = await detectForMatching(engine, small);
    const failing: FaceEngine = { ...engine, embed: () => Promise.reject(new Error('face worker exited')) };
    await assert.rejects(embedForMatching(failing, found.image, found.faces[0]!), /face worker exited/);
  });

  it('leaves a large face as found', async () => {
    const img = await decodeImage(await headCrop(1, PERSON_A_S1, 600));
    const found = await detectForMatching(engine, img);
    assert.ok(found.faces[0]!.box.height >= ZOOM_BELOW_PX);
    const zoomed = await zoomOnFace(engine, found.image, found.faces[0]!);
    assert.equal(zoomed.image, found.image);
  });

  it('re-detects a face cut by the image edge on a padded copy', async () => {
    // A crop inside the face box leaves the face touching every edge (face-api.js' 150-px samples).
    const tight = await decodeImage(await headCrop(1, PERSON_A_S1, 300, -0.1));
    const found = await detectForMatching(engine, tight);
    assert.ok(found.dx > 0 && found.dy > 0, 'expected the padded copy');
    assert.equal(found.faces.length, 1);
  });

  it('cropSquare fills what lies outside the image with grey', () => {
    const img = { width: 2, height: 2, data: new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]) };
    const c = cropSquare(img, -1, 0, 3);
    assert.deepEqual(Array.from(c.data.filter((_, i) => i % 3 === 0)), [128, 1, 2, 128, 3, 4, 128, 128, 128]);
  });
});
