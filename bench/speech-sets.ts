// Test material for bench/speech.ts: the real clips of ../shared/data/speech (read in place,
// never copied), the same clips through the capture codec with noise, and generated speech
// (flite / espeak-ng, with pink noise) saying our own phrase kinds. Also the memo engine and CPU
// accounting the benchmark needs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Language, Transcriber, Transcript, WordSpotting } from '../src/engines/speech/port.ts';
import { runChecked } from '../src/engines/process.ts';
import { generatePhrase, type ExpectedPhrase } from '../src/speech/phrase.ts';
import { spokenVariants } from '../src/speech/normalize.ts';
import { synthSpeech, type Voice } from '../test/unit/speech/synth.ts';

export const DATA = resolve(import.meta.dirname, '../../shared/data/speech');

export interface Clip { file: string; language: string; transcript: string; duration: number }

/** RFC 4180 CSV (quoted fields with commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** Clips listed in transcripts.csv, and how many of them are present on disk. */
export function loadClips(): { listed: number; clips: Clip[] } {
  const [head, ...rows] = parseCsv(readFileSync(join(DATA, 'transcripts.csv'), 'utf8'));
  const col = (n: string): number => head?.indexOf(n) ?? -1;
  const all = rows.filter((r) => r.length > 3).map((r) => ({ file: r[col('file')] ?? '', language: r[col('language')] ?? '',
    transcript: r[col('transcript')] ?? '', duration: Number(r[col('duration_s')]) }));
  return { listed: all.length, clips: all.filter((c) => existsSync(join(DATA, c.file))) };
}

/** The clips that come from Debian's pocketsphinx-testdata were used to choose thresholds; the rest were not. */
export const isTuningClip = (file: string): boolean => file.startsWith('pocketsphinx/');

export interface Trial { wav: string; expected: ExpectedPhrase; kind: 'right' | 'wrong' | 'near'; label: string; group: string }

const asPhrase = (text: string, language: Language = 'en'): ExpectedPhrase => ({ kind: 'consent', language, text });

/** Each clip with its own sentence (right), every other sentence (wrong), and its first number ±1 (near miss). */
export function realTrials(prepared: { clip: Clip; wav: string }[], group: (c: Clip) => string): Trial[] {
  const en = prepared.filter((p) => p.clip.language === 'en');
  const trials: Trial[] = [];
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'];
  for (const a of en) {
    const g = group(a.clip);
    trials.push({ wav: a.wav, expected: asPhrase(a.clip.transcript), kind: 'right', label: a.clip.file, group: g });
    for (const b of en) if (b !== a) trials.push({ wav: a.wav, expected: asPhrase(b.clip.transcript), kind: 'wrong', label: `${a.clip.file} said, expected "${b.clip.transcript.slice(0, 40)}"`, group: g });
    const toks = (spokenVariants(a.clip.transcript, 'en')[0] ?? '').split(' ');
    const k = toks.findIndex((w) => words.includes(w) && w !== 'eleven');
    if (k >= 0) {
      const alt = toks.map((w, i) => (i === k ? words[words.indexOf(w) + 1] ?? w : w)).join(' ');
      trials.push({ wav: a.wav, expected: asPhrase(alt), kind: 'near', label: `${a.clip.file} said, expected "${alt}"`, group: g });
    }
  }
  return trials;
}

/** A clip as the capture page delivers it: Opus at 24 kbit/s in WebM, with pink noise ~15 dB below the speech. */
export async function throughCodec(wav: string, out: string): Promise<void> {
  const rms = Number(/RMS\s+amplitude:\s+(\S+)/.exec((await runChecked('sox', [wav, '-n', 'stat'], { timeoutMs: 30_000 })).stderr)?.[1] ?? 0.05);
  const secs = (await runChecked('soxi', ['-D', wav], { timeoutMs: 30_000 })).stdout.trim();
  const noisy = `${out}.noisy.wav`;
  const noise = `${out}.noise.wav`;
  await runChecked('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noise, 'synth', secs, 'pinknoise', 'vol', String(rms * 0.18)], { timeoutMs: 30_000 });
  await runChecked('sox', ['-m', '-v', '1', wav, '-v', '1', noise, noisy], { timeoutMs: 30_000 });
  const webm = `${out}.webm`;
  await runChecked('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', noisy, '-c:a', 'libopus', '-b:a', '24k', webm], { timeoutMs: 60_000 });
  await runChecked('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', webm, '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', out], { timeoutMs: 60_000 });
}

const at = (s: string): Date => new Date(`${s}T12:00:00Z`);
const nameDate = (name: string, date: string): ExpectedPhrase => generatePhrase('name_date', 'en', { name, date: at(date) });
const digits = (s: string): ExpectedPhrase => ({ kind: 'digits', language: 'en', text: s });

/** What a person says for each of our phrase kinds, the phrase expected, and near misses of it. */
export const SPOKEN: { said: string; expected: ExpectedPhrase; near: ExpectedPhrase[] }[] = [
  { said: 'I confirm that I want to open an account.', expected: generatePhrase('consent', 'en'), near: [] },
  { said: 'I agree to the terms and conditions.', expected: asPhrase('I agree to the terms and conditions.'), near: [] },
  { said: 'My name is John Smith. Today is March eighteenth, twenty twenty six.', expected: nameDate('John Smith', '2026-03-18'),
    near: [nameDate('John Smith', '2026-03-19'), nameDate('John Smith', '2026-03-17')] },
  { said: 'My name is Maria Garcia. Today is April second, twenty twenty six.', expected: nameDate('Maria Garcia', '2026-04-02'),
    near: [nameDate('Maria Garcia', '2026-04-03'), nameDate('Maria Garcia', '2026-04-12')] },
  // Names missing from the CMU dictionary: pronounced by espeak-ng's rules (g2p.ts).
  { said: 'My name is Oluwaseun Adeyemi. Today is November twenty third, twenty twenty five.', expected: nameDate('Oluwaseun Adeyemi', '2025-11-23'),
    near: [nameDate('Oluwaseun Adeyemi', '2025-11-24')] },
  { said: 'My name is Priya Raman. Today is July thirty first, twenty twenty six.', expected: nameDate('Priya Raman', '2026-07-31'), near: [nameDate('Priya Raman', '2026-07-30')] },
  { said: 'My name is Wojciech Kowalczyk. Today is January ninth, twenty twenty six.', expected: nameDate('Wojciech Kowalczyk', '2026-01-09'),
    near: [nameDate('Wojciech Kowalczyk', '2026-01-08')] },
  { said: 'four seven two nine one three', expected: digits('4 7 2 9 1 3'), near: [digits('4 7 2 9 1 8'), digits('4 1 2 9 1 3')] },
  { said: 'eight three five zero six two', expected: digits('8 3 5 0 6 2'), near: [digits('8 3 5 0 6 3'), digits('9 3 5 0 6 2')] },
  { said: 'five five one nine seven zero', expected: digits('5 5 1 9 7 0'), near: [digits('5 5 1 9 7 6')] },
  { said: 'six zero three three eight four', expected: digits('6 0 3 3 8 4'), near: [digits('6 0 3 2 8 4')] },
];

export const FLITE: Voice[] = [{ tts: 'flite', voice: 'slt' }, { tts: 'flite', voice: 'rms' }, { tts: 'flite', voice: 'awb' }, { tts: 'flite', voice: 'kal16' }];
export const ESPEAK: Voice[] = [{ tts: 'espeak-ng', voice: 'en-us' }, { tts: 'espeak-ng', voice: 'en-us+klatt' }, { tts: 'espeak-ng', voice: 'en' }, { tts: 'espeak-ng', voice: 'en-us+f3' }];

/** Every SPOKEN sentence in every voice: right, every other phrase wrong, near misses. noise: sox pink-noise amplitude (0.03 ≈ 15 dB SNR). */
export async function syntheticTrials(dir: string, voices: Voice[], noise: number, group: string): Promise<Trial[]> {
  const trials: Trial[] = [];
  for (const v of voices) {
    for (const [i, s] of SPOKEN.entries()) {
      const wav = await synthSpeech(dir, `${group}-${v.voice}-${i}`.replace(/[^a-z0-9-]/gi, '_'), s.said, v, noise);
      const who = `${v.tts}:${v.voice}`;
      trials.push({ wav, expected: s.expected, kind: 'right', label: `${who} "${s.said.slice(0, 50)}"`, group });
      for (const n of s.near) trials.push({ wav, expected: n, kind: 'near', label: `${who} said "${s.said.slice(0, 40)}", expected "${n.text}"`, group });
      for (const o of SPOKEN) if (o !== s) trials.push({ wav, expected: o.expected, kind: 'wrong', label: `${who} said "${s.said.slice(0, 30)}", expected "${o.expected.text.slice(0, 30)}"`, group });
    }
  }
  return trials;
}

/**
 * Wraps an engine so each audio is transcribed once and spotted once for the union of every
 * phrase it is tried against (register them first); each call then gets the detections of the
 * sequences it asked for. Detections of one sequence do not depend on the others spotted with it.
 */
export class MemoEngine implements Transcriber {
  readonly name: string;
  private readonly transcripts = new Map<string, Promise<Transcript>>();
  private readonly spots = new Map<string, Promise<WordSpotting>>();
  private readonly wanted = new Map<string, Set<string>>();
  spotWords?: Transcriber['spotWords'];

  constructor(private readonly inner: Transcriber) {
    this.name = inner.name;
    if (inner.spotWords) this.spotWords = (wav, seqs, lang, signal) => this.spot(wav, seqs, lang, signal);
  }

  languages(): Language[] { return this.inner.languages(); }

  register(wav: string, sequences: string[]): void {
    const s = this.wanted.get(wav) ?? new Set<string>();
    sequences.forEach((q) => s.add(q));
    this.wanted.set(wav, s);
  }

  transcribe(wav: string, lang: Language, signal?: AbortSignal): Promise<Transcript> {
    let p = this.transcripts.get(wav);
    if (!p) { p = this.inner.transcribe(wav, lang, signal); this.transcripts.set(wav, p); }
    return p;
  }

  private async spot(wav: string, seqs: string[], lang: Language, signal?: AbortSignal): Promise<WordSpotting> {
    let p = this.spots.get(wav);
    if (!p) {
      const all = [...new Set([...(this.wanted.get(wav) ?? []), ...seqs])];
      p = this.inner.spotWords?.(wav, all, lang, signal) ?? Promise.reject(new Error('no spotWords'));
      this.spots.set(wav, p);
    }
    const r = await p;
    const asked = new Set(seqs);
    return { ...r, detections: r.detections.filter((d) => asked.has(d.text)),
      phones: Object.fromEntries(Object.entries(r.phones).filter(([k]) => asked.has(k))) };
  }
}

/** CPU seconds of this process and of the children it has waited for (Linux /proc; clock ticks at 100 Hz). */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ');
  const children = (Number(f[13]) + Number(f[14])) / 100;
  return (own.user + own.system) / 1e6 + children;
}

/** 95 % Wilson interval of a proportion, in percent: how little 14 clips can tell. */
export function wilson(k: number, n: number): string {
  if (!n) return 'n/a';
  const z = 1.96, p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return `${(100 * Math.max(0, mid - half)).toFixed(0)}–${(100 * Math.min(1, mid + half)).toFixed(0)} %`;
}
