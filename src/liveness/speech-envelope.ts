// Speech-band loudness envelope of a 16 kHz mono track, for audio-visual sync. Broadband RMS follows
// whatever is loudest (hum, traffic, music beds, the low rumble of a room); mouth opening follows the
// voice, whose energy and formants lie in the telephone band (300–3400 Hz). So the track is
// band-passed first (two 2nd-order Butterworth sections, RBJ audio-EQ cookbook biquads), then the
// log RMS is taken in short windows.

/** Mono samples in [-1, 1) (av-sync.ts monoAudio makes them from a WAV). */
export interface PcmAudio { sampleRate: number; samples: Float32Array }

interface Biquad { b0: number; b1: number; b2: number; a1: number; a2: number }

function biquad(kind: 'lowpass' | 'highpass', f0: number, fs: number): Biquad {
  const w = (2 * Math.PI * f0) / fs;
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2); // Q = 1/√2: Butterworth, flat pass band
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  const [b0, b1, b2] = kind === 'lowpass' ? [(1 - c) / 2, 1 - c, (1 - c) / 2] : [(1 + c) / 2, -(1 + c), (1 + c) / 2];
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

function filter(x: Float32Array, f: Biquad): Float32Array {
  const y = new Float32Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = f.b0 * x[i]! + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1; x1 = x[i]!; y2 = y1; y1 = v; y[i] = v;
  }
  return y;
}

/** The track limited to 300–3400 Hz (upper edge capped below Nyquist for low sample rates). */
export function speechBand(audio: PcmAudio): PcmAudio {
  const hi = Math.min(3400, audio.sampleRate * 0.45);
  return { sampleRate: audio.sampleRate, samples: filter(filter(audio.samples, biquad('highpass', 300, audio.sampleRate)), biquad('lowpass', hi, audio.sampleRate)) };
}

/**
 * Log RMS (natural log, floor 1e-4 ≈ −80 dBFS) of [t − half, t + half) at each time in seconds.
 * Prefix sums of squares: O(1) per time, so dense lag searches stay cheap.
 */
export function logEnergyAt(audio: PcmAudio, halfWindow: number): (t: number) => number {
  const s = audio.samples;
  const cum = new Float64Array(s.length + 1);
  for (let i = 0; i < s.length; i++) cum[i + 1] = cum[i]! + s[i]! * s[i]!;
  return (t) => {
    const a = Math.max(0, Math.floor((t - halfWindow) * audio.sampleRate));
    const b = Math.min(s.length, Math.ceil((t + halfWindow) * audio.sampleRate));
    return Math.log((b > a ? Math.sqrt((cum[b]! - cum[a]!) / (b - a)) : 0) + 1e-4);
  };
}
