import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { glareSpot } from '../../../web/capture/src/glare.ts';
import { assessLuma, GLARE_FRACTION } from '../../../web/capture/src/quality.ts';

// The page's glare check on real document specimens (../shared/data/docs, read by path, never
// copied): no clean specimen may show a glare warning, and the same specimens with a specular
// spot painted over the printed card must. Fails loudly when the data set is absent.

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/docs/images');

interface Luma {
  name: string;
  luma: Uint8Array;
  w: number;
  h: number;
}
let specimens: Luma[] = [];
/** Spot radius as a share of the picture's short side: ~1/6 of the card height blown out. */
const SPOT = 0.085;

/** Same size as the page's working copy: 320 px wide grayscale (quality.lumaOf). */
async function load(file: string): Promise<Luma> {
  const { data, info } = await sharp(file).resize({ width: 320 }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { name: path.relative(DOCS, file), luma: new Uint8Array(data), w: info.width, h: info.height };
}

/** A specular highlight: a Gaussian spot that clips to 255 over a disc of about `r` px. */
function withSpot(s: Luma, cx: number, cy: number, r: number): Uint8Array {
  const out = Uint8Array.from(s.luma);
  for (let y = 0; y < s.h; y++) {
    for (let x = 0; x < s.w; x++) {
      const a = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      out[y * s.w + x] = Math.min(255, Math.round(out[y * s.w + x]! * (1 - a) + 400 * a));
    }
  }
  return out;
}

describe('document glare on real specimens', () => {
  before(async () => {
    assert.ok(existsSync(DOCS), `document specimens missing: expected ${DOCS} (the shared data set, see README)`);
    const files = readdirSync(DOCS, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.(jpe?g|png)$/i.test(d.name))
      .map((d) => path.join(d.parentPath, d.name));
    specimens = await Promise.all(files.map(load));
    assert.ok(specimens.length >= 15, `expected ≥ 15 specimen images, found ${specimens.length}`);
  });

  test('no clean specimen shows glare (white passport pages, white MRZ bands, white backgrounds)', () => {
    const flagged = specimens.filter((s) => assessLuma(s.luma, s.w, s.h).issues.includes('glare')).map((s) => s.name);
    assert.deepEqual(flagged, []);
  });

  test('a specular spot over the printed card is found on the coloured specimens', () => {
    // The ICAO specimens have a white page (glare on white paper is invisible and harmless);
    // the others are printed cards/pages where a reflection hides data.
    const coloured = specimens.filter((s) => /ultimatemrz\/(Czech|Passport-France)|mrz-detection\/id[12]\./.test(s.name));
    assert.ok(coloured.length >= 10, `expected the coloured specimens, found ${coloured.length}`);
    const missed = coloured.filter((s) => !assessLuma(withSpot(s, s.w * 0.65, s.h * 0.3, SPOT * Math.min(s.w, s.h)), s.w, s.h).issues.includes('glare')).map((s) => s.name);
    assert.deepEqual(missed, []);
    for (const s of coloured) assert.ok(glareSpot(withSpot(s, s.w * 0.65, s.h * 0.3, SPOT * Math.min(s.w, s.h)), s.w, s.h) > GLARE_FRACTION, s.name);
  });
});
