// Energy-based speech presence (pure): is there anything louder than the background for long
// enough to be a spoken phrase? Runs before any recogniser so silence is answered NO_SPEECH fast
// and never sent to an engine that might hallucinate words into it.

export interface SpeechActivity {
  durationSeconds: number;
  /** Seconds of 30-ms frames louder than the speech threshold. */
  speechSeconds: number;
  /** 10th percentile of frame energies: the background level. */
  noiseFloorDbfs: number;
  peakFrameDbfs: number;
}

const FRAME_S = 0.03;
/**
 * A frame is speech when it is ≥ 10 dB above the background and above -50 dBFS. Read speech
 * has inter-word dips of 15–30 dB (LibriVox and LJSpeech clips of ../shared/data/speech), while
 * stationary noise (sox pink/white noise, fan hum) varies by < 3 dB frame to frame; -50 dBFS
 * is below any voice recorded at a normal distance by a phone or laptop microphone.
 */
const ABOVE_FLOOR_DB = 10;
const ABSOLUTE_MIN_DBFS = -50;
/** Shortest phrase we ask for ("I confirm") lasts ~0.6 s; 0.25 s of loud frames is a syllable or two. */
const MIN_SPEECH_SECONDS = 0.25;

function frameDbfs(samples: Int16Array, start: number, len: number): number {
  let sum = 0;
  for (let i = start; i < start + len; i++) { const v = (samples[i] ?? 0) / 32768; sum += v * v; }
  const rms = Math.sqrt(sum / len);
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

/** Mono samples (interleaved channels are averaged by the caller's decoder: we use 16 kHz mono). */
export function measureSpeechActivity(samples: Int16Array, sampleRate: number): SpeechActivity {
  const len = Math.max(1, Math.round(FRAME_S * sampleRate));
  const energies: number[] = [];
  for (let s = 0; s + len <= samples.length; s += len) energies.push(frameDbfs(samples, s, len));
  const durationSeconds = samples.length / sampleRate;
  if (!energies.length) return { durationSeconds, speechSeconds: 0, noiseFloorDbfs: -120, peakFrameDbfs: -120 };
  const sorted = [...energies].sort((a, b) => a - b);
  const noiseFloorDbfs = sorted[Math.floor(0.1 * (sorted.length - 1))] ?? -120;
  const threshold = Math.max(noiseFloorDbfs + ABOVE_FLOOR_DB, ABSOLUTE_MIN_DBFS);
  const loud = energies.filter((e) => e > threshold).length;
  return { durationSeconds, speechSeconds: loud * FRAME_S, noiseFloorDbfs, peakFrameDbfs: sorted.at(-1) ?? -120 };
}

export function hasSpeech(a: SpeechActivity): boolean {
  return a.speechSeconds >= MIN_SPEECH_SECONDS;
}
