// Audio-visual synchrony: when someone speaks on camera, mouth opening and speech energy rise and fall
// together, the mouth leading the voice by 0–300 ms (articulation starts before sound; Chandrasekaran
// et al., PLoS Comput Biol 2009). A dubbed, replayed or shifted audio track breaks that. We correlate
// the server-measured mouth opening with the log RMS energy of a 16 kHz mono WAV over a range of lags
// and require an interior correlation peak at a physically plausible lag.

import type { Pcm16 } from '../engines/speech/audio.ts';

export interface PcmAudio { sampleRate: number; samples: Float32Array }

/** 16-bit PCM (read by engines/speech/audio.ts, the one WAV reader) → mono samples in [-1, 1). */
export function monoAudio(pcm: Pcm16): PcmAudio {
  const frames = Math.floor(pcm.samples.length / pcm.channels);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < pcm.channels; c++) s += pcm.samples[i * pcm.channels + c]! / 32768;
    out[i] = s / pcm.channels;
  }
  return { sampleRate: pcm.sampleRate, samples: out };
}

/** RMS of the samples in [t − half, t + half) for each time t (seconds). */
function rmsAt(audio: PcmAudio, times: readonly number[], halfWindow: number): Float64Array {
  const out = new Float64Array(times.length);
  times.forEach((t, k) => {
    const a = Math.max(0, Math.floor((t - halfWindow) * audio.sampleRate));
    const b = Math.min(audio.samples.length, Math.ceil((t + halfWindow) * audio.sampleRate));
    let s = 0;
    for (let i = a; i < b; i++) s += audio.samples[i]! ** 2;
    out[k] = b > a ? Math.sqrt(s / (b - a)) : 0;
  });
  return out;
}

function interpolate(ts: readonly number[], vs: readonly number[], t: number): number {
  if (t <= ts[0]!) return vs[0]!;
  for (let i = 1; i < ts.length; i++) {
    if (t <= ts[i]!) {
      const w = (t - ts[i - 1]!) / (ts[i]! - ts[i - 1]! || 1);
      return vs[i - 1]! * (1 - w) + vs[i]! * w;
    }
  }
  return vs[vs.length - 1]!;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { const x = a[i]! - ma, y = b[i]! - mb; ab += x * y; aa += x * x; bb += y * y; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface AvSyncOptions {
  /**
   * Lag search range. ±0.5 s rather than ±0.3 s: a genuine talking clip in bench/liveness.ts peaks
   * at +0.28–0.32 s, which must be an interior peak, not the edge of the search.
   */
  maxLagSeconds?: number;
  /** Grid step: 40 ms = one frame at 25 fps, the finest the mouth series usually offers. */
  stepSeconds?: number;
  /**
   * Accepted lags of the peak (positive = audio after mouth): the mouth may lead by up to ~0.35 s
   * (see the file comment), the audio may lead by capture jitter only (0.15 s: one or two frames at
   * 12.5–25 fps plus encoder delay).
   */
  minLagSeconds?: number;
  maxAcceptedLagSeconds?: number;
  /** Minimum peak correlation; genuine clips 0.36–0.78, shifted/foreign tracks mostly < 0.3. */
  minCorrelation?: number;
}

export interface AvSyncResult {
  /** null = cannot be judged (too short, silent, or a mouth that never moves). */
  synced: boolean | null;
  correlation: number | null;
  lagSeconds: number | null;
  /** Correlation at every lag searched, for evidence. */
  curve: Array<{ lag: number; r: number }>;
  note?: string;
}

/**
 * `mouth` = server-measured mouth opening at frame times (seconds from the start of the audio).
 * Positive lag = audio comes later than the mouth.
 */
export function audioVisualSync(
  mouth: ReadonlyArray<{ t: number; open: number }>,
  audio: PcmAudio,
  options: AvSyncOptions = {},
): AvSyncResult {
  const maxLag = options.maxLagSeconds ?? 0.5;
  const step = options.stepSeconds ?? 0.04;
  const lagLo = options.minLagSeconds ?? -0.15;
  const lagHi = options.maxAcceptedLagSeconds ?? 0.35;
  const minR = options.minCorrelation ?? 0.3;
  const m = [...mouth].sort((a, b) => a.t - b.t);
  const dur = audio.samples.length / audio.sampleRate;
  const t0 = Math.max(m[0]?.t ?? 0, 0) + maxLag;
  const t1 = Math.min(m[m.length - 1]?.t ?? 0, dur) - maxLag;
  const none = (note: string): AvSyncResult => ({ synced: null, correlation: null, lagSeconds: null, curve: [], note });
  // 2 s: at least a few syllables (~4–5 per second) must be in the overlap.
  if (m.length < 8 || t1 - t0 < 2) return none('less than 2 s of overlapping video and audio');
  const grid: number[] = [];
  for (let t = t0; t <= t1; t += step) grid.push(t);
  const mt = m.map((x) => x.t), mv = m.map((x) => x.open);
  const mouthSeries = grid.map((t) => interpolate(mt, mv, t));
  if (Math.max(...mouthSeries) - Math.min(...mouthSeries) < 0.05) return none('mouth does not move');
  const curve: Array<{ lag: number; r: number }> = [];
  const lags = Math.round(maxLag / step);
  for (let k = -lags; k <= lags; k++) {
    // log energy: loudness is perceived (and mouth opening grows) roughly logarithmically
    const energy = rmsAt(audio, grid.map((t) => t + k * step), step).map((e) => Math.log(e + 1e-4));
    curve.push({ lag: Math.round(k * step * 1000) / 1000, r: pearson(mouthSeries, energy) });
  }
  const best = curve.reduce((a, b) => (b.r > a.r ? b : a));
  const silent = rmsAt(audio, grid, step).every((e) => e < 1e-3);
  if (silent) return { ...none('audio is silent'), curve };
  // A maximum at the edge of the search means the real peak lies outside it: not in sync.
  const interior = best !== curve[0] && best !== curve[curve.length - 1];
  const synced = interior && best.r >= minR && best.lag >= lagLo && best.lag <= lagHi;
  return { synced, correlation: best.r, lagSeconds: best.lag, curve };
}
