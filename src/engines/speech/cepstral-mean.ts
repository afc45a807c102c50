// Cepstral mean of a clip, computed the way pocketsphinx's front end computes cepstra (pure).
//
// Why: pocketsphinx_continuous normalises cepstra with a *live* mean that starts from the
// model's `-cmninit` (feat.params) and only moves after ~8 s of speech. A clip recorded with a
// different microphone starts far from that mean ("one two three" came out "waterman two
// three"), and keyword spotting of whole phrases failed on clean clips. Feeding the clip's own
// mean as `-cmninit` fixes the start. Computing it here costs ~4 ms per second of audio on one
// core; asking pocketsphinx_batch for its batch mean cost 0.035 CPU-s per audio second.
//
// The front end follows sphinxbase's float build with the en-us model's feat.params: 25.6 ms
// Hamming frames every 10 ms, pre-emphasis 0.97, 512-point FFT, 25 unit-area mel filters
// 130–6800 Hz rounded to FFT bins, natural log, orthogonal DCT-II, lifter 22, 13 coefficients.
// Checked against `pocketsphinx_batch` (batch CMN, its log line "CMN: …") on the 14 English
// clips of ../shared/data/speech: mean |difference| 0.87 per coefficient, c0 within ±2.
// Sphinx's noise removal is not replicated; frames of digital silence are left out instead, as
// its VAD leaves them out.

import { fft } from '../signal/fft.ts';

interface FrontEndParams {
  sampleRate: number;
  lowerf: number;
  upperf: number;
  nfilt: number;
  ncep: number;
  lifter: number;
  nfft: number;
  /** Samples per frame (sphinx -wlen × samprate, truncated). */
  frameLength: number;
  /** Samples between frames (samprate / -frate). */
  frameShift: number;
  alpha: number;
}

/** pocketsphinx-en-us 5prealpha: feat.params plus sphinxbase defaults (-wlen 0.025625, -frate 100, -nfft 512, -alpha 0.97). */
const EN_US_FRONT_END: FrontEndParams = {
  sampleRate: 16000, lowerf: 130, upperf: 6800, nfilt: 25, ncep: 13, lifter: 22, nfft: 512, frameLength: 410, frameShift: 160, alpha: 0.97,
};

const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
const melInverse = (m: number): number => 700 * (Math.pow(10, m / 2595) - 1);

interface Filter { start: number; weights: Float64Array }

/** Triangular filters on the power spectrum, edges rounded to FFT bins, each of unit area. */
function melFilters(p: FrontEndParams): Filter[] {
  const lo = mel(p.lowerf);
  const width = (mel(p.upperf) - lo) / (p.nfilt + 1);
  const binHz = p.sampleRate / p.nfft;
  const filters: Filter[] = [];
  for (let i = 0; i < p.nfilt; i++) {
    const [left, centre, right] = [0, 1, 2].map((j) => Math.trunc(melInverse(lo + (i + j) * width) / binHz + 0.5) * binHz) as [number, number, number];
    const weights: number[] = [];
    let start = -1;
    for (let bin = 0; bin < p.nfft / 2; bin++) {
      const hz = bin * binHz;
      if (hz < left) continue;
      if (hz > right) break;
      if (start < 0) start = bin;
      const area = 2 / (right - left);
      weights.push(Math.min(((hz - left) / (centre - left)) * area, ((right - hz) / (right - centre)) * area));
    }
    filters.push({ start: Math.max(0, start), weights: Float64Array.from(weights) });
  }
  return filters;
}

/**
 * Peak |sample| at or below which a frame is digital silence (zeros or ±1–2 LSB dither): sphinx's
 * VAD never passes such frames to the decoder, and their log spectrum (floored at -10) would drag
 * c0 down by 15 on a clip with 0.7 s of zeros.
 */
const DIGITAL_SILENCE_PEAK = 2;

/**
 * Every other frame is enough for a mean (50 a second) and halves the cost (the stage computes it
 * for three decoder runs of 5–10 s each): agreement with pocketsphinx_batch on the 14 English
 * clips went from 0.82 to 0.87 mean |difference| per coefficient.
 */
const FRAME_STRIDE = 2;

interface Tables { filters: Filter[]; hamming: Float64Array; cosines: Float64Array[]; lifter: Float64Array }
const TABLES = new WeakMap<FrontEndParams, Tables>();

/** Constant tables of a front end, built once per parameter set. */
function tablesFor(p: FrontEndParams): Tables {
  let t = TABLES.get(p);
  if (!t) {
    t = {
      filters: melFilters(p),
      hamming: Float64Array.from({ length: p.frameLength }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (p.frameLength - 1))),
      cosines: Array.from({ length: p.ncep }, (_, i) => Float64Array.from({ length: p.nfilt }, (_, j) => Math.cos((Math.PI / p.nfilt) * i * (j + 0.5)))),
      lifter: Float64Array.from({ length: p.ncep }, (_, i) => 1 + (p.lifter / 2) * Math.sin((i * Math.PI) / p.lifter)),
    };
    TABLES.set(p, t);
  }
  return t;
}

/** Mean of the 13 cepstra over the frames that are not digital silence; null when there are none. */
export function cepstralMean(samples: Int16Array, p: FrontEndParams = EN_US_FRONT_END): number[] | null {
  const { filters, hamming, cosines, lifter } = tablesFor(p);
  const sum = new Float64Array(p.ncep);
  const re = new Float64Array(p.nfft), im = new Float64Array(p.nfft), logMel = new Float64Array(p.nfilt);
  let frames = 0;
  for (let s = 0; s + p.frameLength <= samples.length; s += p.frameShift * FRAME_STRIDE) {
    let peak = 0;
    for (let i = 0; i < p.frameLength; i++) peak = Math.max(peak, Math.abs(samples[s + i] ?? 0));
    if (peak <= DIGITAL_SILENCE_PEAK) continue;
    re.fill(0); im.fill(0);
    for (let i = 0; i < p.frameLength; i++) {
      const prev = s + i > 0 ? (samples[s + i - 1] ?? 0) : 0;
      re[i] = ((samples[s + i] ?? 0) - p.alpha * prev) * (hamming[i] ?? 0);
    }
    fft(re, im);
    filters.forEach((f, k) => {
      let acc = 0;
      for (let w = 0; w < f.weights.length; w++) {
        const bin = f.start + w;
        acc += ((re[bin] ?? 0) ** 2 + (im[bin] ?? 0) ** 2) * (f.weights[w] ?? 0);
      }
      logMel[k] = acc > 0 ? Math.log(acc) : -10;
    });
    let c0 = 0;
    for (let j = 0; j < p.nfilt; j++) c0 += logMel[j] ?? 0;
    sum[0] = (sum[0] ?? 0) + c0 * Math.sqrt(1 / p.nfilt);
    for (let i = 1; i < p.ncep; i++) {
      let acc = 0;
      const row = cosines[i] ?? new Float64Array(p.nfilt);
      for (let j = 0; j < p.nfilt; j++) acc += (logMel[j] ?? 0) * (row[j] ?? 0);
      sum[i] = (sum[i] ?? 0) + acc * Math.sqrt(2 / p.nfilt) * (lifter[i] ?? 1);
    }
    frames++;
  }
  return frames ? Array.from(sum, (v) => v / frames) : null;
}
