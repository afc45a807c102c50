// Transcriber backed by Debian's pocketsphinx (0.8+5prealpha in bookworm: the CLI is
// `pocketsphinx_continuous -infile x.wav`, with `-time yes` for word timings/posteriors and
// `-kws <file>` for keyword spotting). English only: `pocketsphinx-en-us` is the only acoustic
// model Debian ships. Free transcription is weak (WER ~38 % on real read speech, see
// bench/speech.ts); spotting the whole expected phrase is the reliable use.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Language, SpotResult, Transcriber, Transcript, Word } from './port.ts';
import { assertSpeechWav, encodeWav, readWav } from './audio.ts';
import { runChecked } from './run.ts';

export interface PocketsphinxConfig {
  binary?: string;
  /** Folder holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  timeoutMs?: number;
  /**
   * Keyword-spotting threshold per phone, as a base-10 exponent: a phrase of n phones is
   * spotted with `-kws_threshold 1e-(n × kwsExponentPerPhone)`; see
   * DEFAULT_KWS_EXPONENT_PER_PHONE.
   */
  kwsExponentPerPhone?: number;
}

/**
 * Calibration (48 synthetic clips: flite slt/rms/awb/kal16 and espeak-ng en-us+klatt, clean and
 * with pink noise at ~15 dB SNR, × 7 phrases: consent, name+date, digits, near-miss dates):
 * right phrases spotted 36/48 at 0.1 per phone, 39/48 at 1.5, 40/48 at 3.0; wrong or near-miss
 * phrases 0/288 at every value up to 3.0. 1.5 sits mid-way in that flat region; bench/speech.ts
 * re-measures acceptance and false acceptance on real recordings.
 */
export const DEFAULT_KWS_EXPONENT_PER_PHONE = 1.5;

/**
 * pocketsphinx 0.8 starts cepstral mean normalisation from fixed values (-cmninit) and adapts
 * only as it goes, so the first seconds of a short clip are decoded with a wrong mean: "one two
 * three" came out "waterman two three", and whole-phrase spotting failed on clean clips. The
 * decoder is therefore fed the clip's own first PRIME_SECONDS (or the whole clip) first, and
 * words/detections inside that prefix are dropped.
 */
const PRIME_SECONDS = 5;
/** Quiet gap between prefix and clip so no word straddles the junction (300 ms ≈ a pause). */
const GAP_SECONDS = 0.3;

/** Writes prefix+clip to a temp file; returns its path and the prefix length in seconds. */
async function writePrimed(wavPath: string, dir: string): Promise<{ path: string; primeS: number; offsetS: number; whole: boolean; totalS: number }> {
  const pcm = await readWav(wavPath);
  const n = Math.min(pcm.samples.length, PRIME_SECONDS * pcm.sampleRate);
  const gap = Math.round(GAP_SECONDS * pcm.sampleRate);
  const out = new Int16Array(n + gap + pcm.samples.length);
  out.set(pcm.samples.subarray(0, n), 0);
  // ±1 LSB dither rather than digital zeros, whose log energy is undefined for the front end.
  for (let i = n; i < n + gap; i++) out[i] = (i % 3) - 1;
  out.set(pcm.samples, n + gap);
  const path = join(dir, 'primed.wav');
  await writeFile(path, encodeWav(out, pcm.sampleRate));
  return { path, primeS: n / pcm.sampleRate, offsetS: (n + gap) / pcm.sampleRate, whole: n === pcm.samples.length,
    totalS: out.length / pcm.sampleRate };
}

const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const round2 = (x: number): number => Math.round(x * 100) / 100;
const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

/** Parses `-time yes` output: hypothesis lines followed by `word start end posterior` lines. */
export function parsePocketsphinxTimes(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const token = m[1] ?? '';
    // Sentence markers, silence and fillers ([NOISE], <sil>, ++BREATH++) are not words.
    if (/^[<[+]/.test(token)) continue;
    words.push({ word: token.replace(/\(\d+\)$/, ''), start: Number(m[2]), end: Number(m[3]), confidence: Number(m[4]) });
  }
  return words;
}

export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  private readonly bin: string;
  private readonly modelDir: string;
  private readonly timeoutMs: number;
  private readonly perPhone: number;
  private dict: Promise<Map<string, string[]>> | null = null;

  constructor(cfg: PocketsphinxConfig = {}) {
    this.bin = cfg.binary ?? 'pocketsphinx_continuous';
    this.modelDir = cfg.modelDir ?? DEFAULT_MODEL_DIR;
    this.timeoutMs = cfg.timeoutMs ?? 30_000;
    this.perPhone = cfg.kwsExponentPerPhone ?? DEFAULT_KWS_EXPONENT_PER_PHONE;
  }

  /** True when the acoustic model, LM and dictionary are installed. */
  available(): boolean {
    return ['en-us', 'en-us.lm.bin', 'cmudict-en-us.dict'].every((f) => existsSync(join(this.modelDir, f)));
  }

  languages(): Language[] {
    return this.available() ? ['en'] : [];
  }

  /**
   * The configured timeout plus 10 s per second of audio: decoding needs ~1 CPU-second per audio
   * second (measured, 30 s clip), and a shared machine may give it a fraction of a core.
   */
  private timeoutFor(audioS: number): number {
    return this.timeoutMs + Math.ceil(audioS * 10_000);
  }

  private baseArgs(wavPath: string): string[] {
    return ['-infile', wavPath, '-hmm', join(this.modelDir, 'en-us'), '-logfn', '/dev/null'];
  }

  async transcribe(wavPath: string, language: Language, signal?: AbortSignal): Promise<Transcript> {
    if (language !== 'en') throw new Error(`pocketsphinx: no model for language ${language}`);
    await assertSpeechWav(wavPath);
    const dir = await mkdtemp(join(tmpdir(), 'vkyc-ps-'));
    let words: Word[];
    try {
      const primed = await writePrimed(wavPath, dir);
      const args = [...this.baseArgs(primed.path), '-lm', join(this.modelDir, 'en-us.lm.bin'),
        '-dict', join(this.modelDir, 'cmudict-en-us.dict'), '-time', 'yes'];
      const r = await runChecked(this.bin, args, { timeoutMs: this.timeoutFor(primed.totalS), ...(signal ? { signal } : {}) });
      // Words starting inside the gap belong to the clip (its first word may be aligned early).
      words = parsePocketsphinxTimes(r.stdout).filter((w) => w.start >= primed.primeS)
        .map((w) => ({ ...w, start: round2(Math.max(0, w.start - primed.offsetS)), end: round2(Math.max(0, w.end - primed.offsetS)) }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
    return { text: words.map((w) => w.word).join(' '), words, confidence, language, engine: this.name };
  }

  /** Pronunciations of the CMU dictionary, loaded once per engine instance. */
  private loadDict(): Promise<Map<string, string[]>> {
    this.dict ??= readFile(join(this.modelDir, 'cmudict-en-us.dict'), 'utf8').then((text) => {
      const map = new Map<string, string[]>();
      for (const line of text.split('\n')) {
        const sp = line.indexOf(' ');
        if (sp < 0) continue;
        const word = line.slice(0, sp).replace(/\(\d+\)$/, '');
        const prons = map.get(word) ?? [];
        prons.push(line.slice(sp + 1).trim());
        map.set(word, prons);
      }
      return map;
    });
    return this.dict;
  }

  /**
   * Spots any of `phrases` (alternative spoken forms of one expected phrase, lower-case words).
   * Words missing from the dictionary make a variant unusable; when no variant is usable the
   * result says so in `unsupportedWords` and the caller falls back to transcription.
   */
  async spot(wavPath: string, phrases: string[], language: Language, signal?: AbortSignal): Promise<SpotResult> {
    if (language !== 'en') throw new Error(`pocketsphinx: no model for language ${language}`);
    await assertSpeechWav(wavPath);
    const dict = await this.loadDict();
    const missing = new Set<string>();
    const usable = phrases.map((p) => p.trim().split(/\s+/).filter(Boolean)).filter((ws) => {
      const oov = ws.filter((w) => !dict.has(w));
      oov.forEach((w) => missing.add(w));
      return ws.length > 0 && oov.length === 0;
    });
    if (!usable.length) return { detected: false, confidence: 0, engine: this.name, unsupportedWords: [...missing] };
    const dir = await mkdtemp(join(tmpdir(), 'vkyc-kws-'));
    try {
      const lines: string[] = [];
      const dictLines: string[] = [];
      for (const ws of usable) {
        // Shortest pronunciation of each word: a conservative phone count for the threshold.
        const phones = ws.reduce((n, w) => n + Math.min(...(dict.get(w) ?? ['']).map((p) => p.split(' ').length)), 0);
        lines.push(`${ws.join(' ')} /1e-${Math.max(1, Math.round(phones * this.perPhone))}/`);
      }
      for (const w of new Set(usable.flat())) (dict.get(w) ?? []).forEach((p, i) => dictLines.push(`${i ? `${w}(${i + 1})` : w} ${p}`));
      await writeFile(join(dir, 'kws.txt'), `${lines.join('\n')}\n`);
      await writeFile(join(dir, 'words.dict'), `${dictLines.join('\n')}\n`);
      const primed = await writePrimed(wavPath, dir);
      const args = [...this.baseArgs(primed.path), '-kws', join(dir, 'kws.txt'), '-dict', join(dir, 'words.dict'), '-time', 'yes'];
      const r = await runChecked(this.bin, args, { timeoutMs: this.timeoutFor(primed.totalS), ...(signal ? { signal } : {}) });
      // With the whole clip as prefix a detection in either copy is the same audio; with a
      // partial prefix only detections in the real clip count.
      const minStart = primed.whole ? 0 : primed.primeS;
      return { ...parseSpotOutput(r.stdout, usable.map((ws) => ws.join(' ')), minStart), engine: this.name };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** A detection line is `<phrase> <start> <end> <posterior>`; the best posterior wins. */
export function parseSpotOutput(stdout: string, phrases: string[], minStart = 0): { detected: boolean; confidence: number; phrase?: string } {
  let best: { detected: boolean; confidence: number; phrase?: string } = { detected: false, confidence: 0 };
  for (const line of stdout.split('\n')) {
    // With -kws the phrase is printed with a trailing space: "<phrase>  0.200 2.790 0.932".
    const m = /^(.*?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+(?:\.\d+)?)$/.exec(line.trim());
    const phrase = m?.[1]?.trim();
    if (!m || phrase === undefined || !phrases.includes(phrase) || Number(m[2]) < minStart) continue;
    const confidence = Number(m[4]);
    if (!best.detected || confidence > best.confidence) best = { detected: true, confidence, phrase };
  }
  return best;
}
