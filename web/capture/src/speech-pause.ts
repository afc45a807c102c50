// "The user has said the phrase": some speech, then a pause. Lets the page move on from the phrase
// without a tap, while the "I said it" button stays the sure way. Pure part (levels in, decision
// out) plus a small Web Audio probe of the recording's own microphone track.
//
// Thresholds are reasoned, not measured on users:
// - a level counts as voice above 4× the quietest level heard so far (room noise floor, ~12 dB),
//   and never below 0.01 RMS (−40 dBFS: a phone mic's hiss in a quiet room sits well below);
// - MIN_SPEECH_S 1.5 s of voice: the shortest phrase (6 digits) takes ~2 s to read out;
// - PAUSE_S 1.5 s of quiet: pauses inside a sentence last 0.2–0.8 s, so 1.5 s means "finished".
export const MIN_VOICE_RMS = 0.01;
export const NOISE_FACTOR = 4;
export const MIN_SPEECH_S = 1.5;
export const PAUSE_S = 1.5;

export class SpeechPause {
  private floor = Number.POSITIVE_INFINITY;
  private voiced = 0;
  private lastT: number | null = null;
  private quietSince: number | null = null;

  /** Feed one level (RMS, 0–1) at time t (s); true once enough speech was followed by a pause. */
  push(rms: number, t: number): boolean {
    const dt = this.lastT === null ? 0 : Math.max(0, Math.min(0.5, t - this.lastT));
    this.lastT = t;
    if (rms > 0) this.floor = Math.min(this.floor, rms);
    const voice = rms >= Math.max(MIN_VOICE_RMS, this.floor * NOISE_FACTOR);
    if (voice) {
      this.voiced += dt;
      this.quietSince = null;
      return false;
    }
    this.quietSince ??= t;
    return this.voiced >= MIN_SPEECH_S && t - this.quietSince >= PAUSE_S;
  }
}

/** RMS level of the stream's microphone, or null without an audio track / Web Audio. */
export function micLevel(stream: MediaStream): { level(): number; close(): void } | null {
  if (!stream.getAudioTracks().length || typeof AudioContext === 'undefined') return null;
  try {
    const ac = new AudioContext();
    const src = ac.createMediaStreamSource(stream);
    const an = ac.createAnalyser();
    an.fftSize = 2048;
    src.connect(an);
    const buf = new Float32Array(an.fftSize);
    return {
      level() {
        an.getFloatTimeDomainData(buf);
        let s = 0;
        for (const v of buf) s += v * v;
        return Math.sqrt(s / buf.length);
      },
      close() {
        void ac.close().catch(() => {});
      },
    };
  } catch {
    return null;
  }
}
