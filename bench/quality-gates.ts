// Calibration of the upload quality gates (src/sessions/image-quality.ts) on real data:
// - selfies: every photo in ../shared/data/faces as is (genuine: must pass) and blurred (σ = 1 % of
//   the image height after scaling to 640 px; must be refused as image_blurry); closed eyes: the
//   frame of smallest eye openness inside the blinks of liveportrait d9/d14/d18 (labelled by eye in
//   bench/liveness.ts) against the same clip's median frame (open);
// - documents: every image in ../shared/data/docs/images as is (clean specimens: must pass: 0 refused),
//   with a synthetic specular glare spot (clipped white disc with a soft halo over the document's
//   interior) and blurred (σ 3 px at 1000 px wide).
// Run: node --import tsx bench/quality-gates.ts      (~3 min on 2 busy cores)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import { AppError } from '../src/domain/errors.ts';
import { assertDocumentQuality, assertSelfieQuality, documentMetrics, selfieMetrics } from '../src/sessions/image-quality.ts';

const DATA = resolve(import.meta.dirname, '../../shared/data');
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : /\.(jpe?g|png)$/i.test(f) ? [p] : [];
});
const verdict = (f: () => void) => { try { f(); return 'ok'; } catch (e) { if (e instanceof AppError) return e.code; throw e; } };
const tally = (xs: string[]) => Object.entries(xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', ');
const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN; };
const stats = (name: string, xs: number[]) => console.log(`  ${name.padEnd(28)} n=${xs.length} min=${q(xs, 0).toFixed(3)} p5=${q(xs, 0.05).toFixed(3)} median=${q(xs, 0.5).toFixed(3)} max=${q(xs, 1).toFixed(3)}`);

async function main() {
  if (!existsSync(DATA)) throw new Error(`${DATA} is missing: this benchmark needs the shared data set`);
  const engine = createFaceEngine();
  await engine.init();

  console.log('== documents: ../shared/data/docs/images ==');
  const glareOk: number[] = [], glareBad: number[] = [], lapOk: number[] = [], lapBlur: number[] = [];
  const dOk: string[] = [], dGlare: string[] = [], dBlur: string[] = [];
  for (const f of files(join(DATA, 'docs/images'))) {
    const buf = await sharp(readFileSync(f)).rotate().resize({ width: 1000, height: 1000, fit: 'inside' }).jpeg({ quality: 92 }).toBuffer();
    const img = await decodeImage(buf);
    const m = await documentMetrics(img);
    glareOk.push(m.glareBlobShare); lapOk.push(m.laplacianVariance); dOk.push(verdict(() => assertDocumentQuality(m)));
    const r = Math.round(Math.min(img.width, img.height) * 0.12);
    const spot = Buffer.from(`<svg width="${img.width}" height="${img.height}"><defs><radialGradient id="g"><stop offset="0.55" stop-color="white" stop-opacity="1"/><stop offset="1" stop-color="white" stop-opacity="0"/></radialGradient></defs><ellipse cx="${img.width * 0.55}" cy="${img.height * 0.45}" rx="${r * 1.6}" ry="${r}" fill="url(#g)"/></svg>`);
    const mg = await documentMetrics(await decodeImage(await sharp(buf).composite([{ input: spot }]).jpeg({ quality: 92 }).toBuffer()));
    glareBad.push(mg.glareBlobShare); dGlare.push(verdict(() => assertDocumentQuality(mg)));
    const mb = await documentMetrics(await decodeImage(await sharp(buf).blur(3).jpeg({ quality: 92 }).toBuffer()));
    lapBlur.push(mb.laplacianVariance); dBlur.push(verdict(() => assertDocumentQuality(mb)));
  }
  stats('glare blob share (clean)', glareOk); stats('glare blob share (glare)', glareBad); stats('laplacian var (clean)', lapOk); stats('laplacian var (blurred)', lapBlur);
  console.log(`  verdicts clean: ${tally(dOk)}\n  verdicts glare: ${tally(dGlare)}\n  verdicts blurred: ${tally(dBlur)}`);
  console.log('== selfies: ../shared/data/faces ==');
  const sharpOk: number[] = [], sharpBlur: number[] = [], size: number[] = [], eyes: number[] = [];
  const vOk: string[] = [], vBlur: string[] = [];
  // QUALITY_BENCH_FACES=n: every k-th face so that n are measured (the face models are the slow part).
  const allFaces = files(join(DATA, 'faces'));
  const step = Math.max(1, Math.floor(allFaces.length / Number(process.env.QUALITY_BENCH_FACES ?? allFaces.length)));
  for (const f of allFaces.filter((_, i) => i % step === 0)) {
    const buf = await sharp(readFileSync(f)).rotate().resize({ height: 640, width: 640, fit: 'inside' }).jpeg({ quality: 92 }).toBuffer();
    const m = await selfieMetrics(engine, await decodeImage(buf));
    vOk.push(verdict(() => assertSelfieQuality(m)));
    if (m.faceSize === null) continue;
    size.push(m.faceSize); if (m.sharpness !== null) sharpOk.push(m.sharpness); if (m.eyeOpen !== null) eyes.push(m.eyeOpen);
    const meta = await sharp(buf).metadata();
    const blurred = await sharp(buf).blur(Math.max(1, (meta.height ?? 640) * 0.01)).jpeg({ quality: 92 }).toBuffer();
    const mb = await selfieMetrics(engine, await decodeImage(blurred));
    vBlur.push(verdict(() => assertSelfieQuality(mb)));
    if (mb.sharpness !== null) sharpBlur.push(mb.sharpness);
  }
  stats('face size (genuine)', size); stats('sharpness (genuine)', sharpOk); stats('sharpness (blurred)', sharpBlur); stats('eye open (genuine)', eyes);
  console.log(`  verdicts genuine: ${tally(vOk)}\n  verdicts blurred: ${tally(vBlur)}`);

  console.log('== closed eyes: blink frames of liveportrait d9, d14, d18 ==');
  const work = mkdtempSync(join(tmpdir(), 'vkyc-bench-gates-'));
  try {
    for (const [clip, from, to] of [['d9', 0, 2.0], ['d14', 1.2, 2.0], ['d18', 2.8, 3.5]] as const) {
      const dir = join(work, clip);
      execFileSync('mkdir', ['-p', dir]);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-t', '6', '-i', join(DATA, `video/liveportrait/driving_${clip}.mp4`), '-vf', 'fps=10', '-q:v', '3', join(dir, 'f_%04d.jpg')]);
      const ms = [];
      for (const [i, f] of readdirSync(dir).sort().entries()) ms.push({ t: i / 10, f, m: await selfieMetrics(engine, await decodeImage(readFileSync(join(dir, f)))) });
      const withEyes = ms.filter((x) => x.m.eyeOpen !== null);
      const closed = withEyes.filter((x) => x.t >= from && x.t <= to).sort((a, b) => a.m.eyeOpen! - b.m.eyeOpen!)[0];
      const open = [...withEyes].sort((a, b) => a.m.eyeOpen! - b.m.eyeOpen!)[Math.floor(withEyes.length / 2)];
      console.log(`  ${clip}: closed t=${closed?.t} eye_open=${closed?.m.eyeOpen?.toFixed(3)} -> ${closed ? verdict(() => assertSelfieQuality(closed.m)) : '-'}; open (median) eye_open=${open?.m.eyeOpen?.toFixed(3)} -> ${open ? verdict(() => assertSelfieQuality(open.m)) : '-'}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }


}

await main();
