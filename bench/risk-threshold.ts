// The 1:N decision distance of duplicate-face search, calibrated on one split of
// ../shared/data/faces and reported on the other. Splits are by source repository so no photo
// session, camera or labelling convention is shared between them:
//   calibration: deepface, face_recognition, facenet-pytorch, lfw_misc
//   report:      face-api.js, trueface, openface
// Genuine pairs: two photos with the same identity label. Impostor pairs: different labels, except
// across sources when either label is an anonymous cluster id (deepface_personNN), which MANIFEST.md
// says may be a named person of another source.
// Rule: the largest distance on a 0.01 grid at or below the closest impostor pair of the calibration
// split (no stranger of the calibration split matches), so every remaining false match at scale
// comes from the tail of the stranger distribution, estimated here from a normal fit to it.

import { euclideanSq } from '../src/duplicates/face-index.ts';
import type { RealFace } from './risk-faces.ts';

export const CALIBRATION_SOURCES = ['deepface', 'face_recognition', 'facenet-pytorch', 'lfw_misc'] as const;
export const REPORT_SOURCES = ['face-api.js', 'trueface', 'openface'] as const;

const sourceOf = (f: RealFace) => f.file.split('/')[0]!;
const anonymous = (id: string) => /^deepface_person\d+$/.test(id);

interface Split { photos: RealFace[]; genuine: number[]; impostor: number[] }

function split(real: RealFace[], sources: readonly string[]): Split {
  const photos = real.filter((r) => sources.includes(sourceOf(r)));
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < photos.length; i++) {
    for (let j = i + 1; j < photos.length; j++) {
      const a = photos[i]!, b = photos[j]!;
      const d = Math.sqrt(euclideanSq(a.embedding, b.embedding));
      if (a.identity === b.identity) genuine.push(d);
      else if (sourceOf(a) === sourceOf(b) || !(anonymous(a.identity) || anonymous(b.identity))) impostor.push(d);
    }
  }
  return { photos, genuine: genuine.sort((x, y) => x - y), impostor: impostor.sort((x, y) => x - y) };
}

/** Photos that have another photo of their person, and how many of them find one under t. */
function photoRecall(s: Split, t: number) {
  const withMate = s.photos.filter((q) => s.photos.some((o) => o !== q && o.identity === q.identity));
  const found = withMate.filter((q) => s.photos.some((o) => o !== q && o.identity === q.identity && euclideanSq(q.embedding, o.embedding) < t * t));
  return { found: found.length, of: withMate.length };
}

/** Complementary error function (Chebyshev fit, fractional error < 1.2e-7: good in the far tail). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const lowerTail = (x: number, mean: number, sd: number) => 0.5 * erfc((mean - x) / (sd * Math.SQRT2));

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;

export function calibrateThreshold(real: RealFace[], sizes: readonly number[]) {
  const cal = split(real, CALIBRATION_SOURCES);
  const rep = split(real, REPORT_SOURCES);
  const closest = cal.impostor[0] ?? 1;
  const threshold = Math.floor(closest * 100) / 100;
  const mean = cal.impostor.reduce((s, d) => s + d, 0) / cal.impostor.length;
  const sd = Math.sqrt(cal.impostor.reduce((s, d) => s + (d - mean) ** 2, 0) / (cal.impostor.length - 1));
  const describe = (name: string, s: Split, t: number) => {
    const r = photoRecall(s, t);
    const g = s.genuine.filter((d) => d < t).length;
    const f = s.impostor.filter((d) => d < t).length;
    return `${name}: ${s.photos.length} photos; photos finding their person ${r.found}/${r.of} (${pct(r.found, r.of)}), genuine pairs ${g}/${s.genuine.length} (${pct(g, s.genuine.length)}), impostor pairs ${f}/${s.impostor.length}`;
  };
  console.log(`\n1:N threshold, calibrated on [${CALIBRATION_SOURCES.join(', ')}], reported on [${REPORT_SOURCES.join(', ')}]`);
  console.log(`  calibration: closest impostor pair at distance ${closest.toFixed(3)} → threshold ${threshold.toFixed(2)}`);
  for (const t of [0.4, 0.45, threshold, 0.55, 0.6]) {
    console.log(`  distance ${t.toFixed(2)}  ${describe('calibration', cal, t)}`);
    console.log(`                 ${describe('report', rep, t)}`);
  }
  const fmr = lowerTail(threshold, mean, sd);
  console.log(`  stranger distances (calibration impostors): mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)}; normal-tail false-match rate per stored stranger at ${threshold.toFixed(2)}: ${fmr.toExponential(1)}`);
  for (const n of sizes) {
    // The distance a project of this size would need for 1 false face hit per 100 searches, by bisection on the fitted tail.
    let lo = 0, hi = threshold;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (n * lowerTail(mid, mean, sd) > 0.01) hi = mid;
      else lo = mid;
    }
    const r = photoRecall(rep, lo);
    console.log(`    ${n.toLocaleString('en')} strangers stored: expected false face hits per search ${(n * fmr).toFixed(3)}; 0.01 would need distance ${lo.toFixed(3)}, where the report split's photos find their person ${r.found}/${r.of}`);
  }
  return { threshold, fmr };
}
