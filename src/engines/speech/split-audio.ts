// Where to cut a recording so that parts can be decoded in parallel (pure): in the middle of the
// longest pause near each target, the targets splitting the *speech* (not the duration) evenly,
// because decoding cost follows speech: pocketsphinx's VAD skips silence almost for free.

const FRAME_S = 0.03;
/** Same rule as speech/silence.ts: ≥ 10 dB above the background and above -50 dBFS is speech. */
const ABOVE_FLOOR_DB = 10;
const ABSOLUTE_MIN_DBFS = -50;
/** A cut needs a pause of at least this long, so no word is split (150 ms ≈ a short pause between words). */
const MIN_PAUSE_S = 0.15;

interface SpeechFrames { frameS: number; speech: boolean[] }

export function speechFrames(samples: Int16Array, sampleRate: number): SpeechFrames {
  const len = Math.max(1, Math.round(FRAME_S * sampleRate));
  const db: number[] = [];
  for (let s = 0; s + len <= samples.length; s += len) {
    let sum = 0;
    for (let i = s; i < s + len; i++) { const v = (samples[i] ?? 0) / 32768; sum += v * v; }
    const rms = Math.sqrt(sum / len);
    db.push(rms > 0 ? 20 * Math.log10(rms) : -120);
  }
  const sorted = [...db].sort((a, b) => a - b);
  const floor = sorted[Math.floor(0.1 * (sorted.length - 1))] ?? -120;
  const threshold = Math.max(floor + ABOVE_FLOOR_DB, ABSOLUTE_MIN_DBFS);
  return { frameS: len / sampleRate, speech: db.map((d) => d > threshold) };
}

/** Seconds of speech in [fromS, toS). */
export function speechSeconds(f: SpeechFrames, fromS = 0, toS = Infinity): number {
  let n = 0;
  f.speech.forEach((sp, i) => { const t = i * f.frameS; if (sp && t >= fromS && t < toS) n++; });
  return n * f.frameS;
}

/**
 * Up to parts-1 cut times (seconds, ascending). A target with no pause within ±maxShiftS is
 * dropped (fewer parts rather than a word cut in two).
 */
export function cutTimes(f: SpeechFrames, parts: number, maxShiftS = 3): number[] {
  const total = f.speech.filter(Boolean).length;
  if (parts < 2 || total === 0) return [];
  // Pauses: runs of non-speech frames long enough to cut in.
  const pauses: { mid: number; len: number }[] = [];
  for (let i = 0; i < f.speech.length;) {
    if (f.speech[i]) { i++; continue; }
    let j = i;
    while (j < f.speech.length && !f.speech[j]) j++;
    if ((j - i) * f.frameS >= MIN_PAUSE_S && i > 0 && j < f.speech.length) pauses.push({ mid: ((i + j) / 2) * f.frameS, len: (j - i) * f.frameS });
    i = j;
  }
  const cuts: number[] = [];
  let seen = 0, k = 1;
  for (let i = 0; i < f.speech.length && k < parts; i++) {
    if (f.speech[i]) seen++;
    if (seen < (k * total) / parts) continue;
    const t = i * f.frameS;
    // Prefer long pauses, then nearness: a 1 s pause 1 s away beats a 0.15 s pause next door.
    const best = pauses.filter((p) => Math.abs(p.mid - t) <= maxShiftS && !cuts.includes(p.mid) && p.mid > (cuts.at(-1) ?? 0))
      .sort((a, b) => (b.len - Math.abs(b.mid - t) / 4) - (a.len - Math.abs(a.mid - t) / 4))[0];
    if (best) cuts.push(best.mid);
    k++;
  }
  return cuts.sort((a, b) => a - b);
}

/** Stretches of speech, each padded with `padS` of its surroundings; stretches closer than 2 × padS are merged. */
export function speechRegions(f: SpeechFrames, padS: number, totalS: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  f.speech.forEach((sp, i) => {
    if (!sp) return;
    const from = Math.max(0, i * f.frameS - padS), to = Math.min(totalS, (i + 1) * f.frameS + padS);
    const last = out.at(-1);
    if (last && from <= last.to) last.to = Math.max(last.to, to);
    else out.push({ from, to });
  });
  return out;
}

/** Where each piece of a compressed recording came from: output second `out` is input second `in`. */
export interface TimeMap { out: number; in: number; len: number }

/** Input time of an output time (the last piece that starts at or before it). */
export function originalTime(map: TimeMap[], t: number): number {
  let piece = map[0];
  for (const m of map) if (m.out <= t + 1e-9) piece = m;
  return piece ? piece.in + Math.min(t - piece.out, piece.len) : t;
}

/** The regions' samples back to back (their padding keeps a pause between them), with the time map. */
export function keepRegions(samples: Int16Array, sampleRate: number, regions: { from: number; to: number }[]): { samples: Int16Array; map: TimeMap[] } {
  const parts = regions.map((r) => samples.subarray(Math.round(r.from * sampleRate), Math.round(r.to * sampleRate)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  const map: TimeMap[] = [];
  let at = 0;
  parts.forEach((p, i) => {
    out.set(p, at);
    map.push({ out: at / sampleRate, in: regions[i]?.from ?? 0, len: p.length / sampleRate });
    at += p.length;
  });
  return { samples: out, map };
}
