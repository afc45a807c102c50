// Transcriber backed by Debian's pocketsphinx (0.8+5prealpha in bookworm: the CLI is
// `pocketsphinx_continuous -infile x.wav`, with `-time yes` for word timings and `-kws <file>`
// for keyword spotting). English only: `pocketsphinx-en-us` is the only acoustic model Debian
// ships. Free transcription is weak (WER ~30 % on real read speech, see bench/speech.ts); word
// spotting, chained in the expected order by speech/word-chain.ts, is what verifies phrases.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { scratchDirIn } from '../../storage/scratch.ts';
import { join } from 'node:path';
import { LANGUAGES } from '../../domain/languages.ts';
import type { Language, Transcriber, Transcript, Word, WordSpotting } from './port.ts';
import { assertSpeechWav, encodeWav, readWav, type Pcm16 } from './audio.ts';
import { cepstralMean } from './cepstral-mean.ts';
import { pronounce } from './g2p.ts';
import { respell, SPOTTING_VOICES } from './foreign-phones.ts';
import { cutTimes, keepRegions, originalTime, speechFrames, speechRegions, type TimeMap } from './split-audio.ts';
import { runChecked } from '../process.ts';
import { featParamsWithMean, kwsLines, parseKwsDetections, parsePocketsphinxTimes } from './pocketsphinx-io.ts';

export { parseKwsDetections, parsePocketsphinxTimes } from './pocketsphinx-io.ts';

interface PocketsphinxConfig {
  binary?: string;
  /** Where decoder inputs (speech WAVs) are written: the server's DATA_DIR/tmp; else the OS temp dir. */
  scratchDir?: string;
  /** Folder holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  timeoutMs?: number;
  /** espeak-ng binary for pronouncing words the dictionary lacks (names); null: no letter-to-sound. */
  espeakBinary?: string | null;
  /** Decoder processes one transcription may use (default 2: the 2-core machine the targets are set for). */
  parallelism?: number;
  /** Language-model search cap (speed against accuracy, see LM_MAX_HMM_PER_FRAME). */
  maxHmmPerFrame?: number;
  /** Keyword-search tuning (bench/speech.ts sweeps these); defaults KWS_PHONE_LOOP_PENALTY, KWS_FLOOR. */
  kws?: { phoneLoopPenalty?: string; floor?: string; foreignFloor?: string };
}

const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/**
 * Language-model search limits, measured on the 14 English clips (bench/speech.ts; CPU seconds
 * per audio second, the ~0.45 s of loading the model per clip included): at most 6000 active
 * HMMs per frame gave WER 29.5 % at 0.47, the same words as pocketsphinx's uncapped default
 * (29.5 % at 0.66); 2000 gave 37.9 % at 0.42. The cap matters on noisy audio, where the
 * uncapped search ran ~1 CPU-s per second (JFK's 11 s: 11 CPU-s). A 1 s end-of-speech hangover
 * (-vad_postspeech 100, default 50) keeps "one … two … three" said with 0.6 s pauses in one
 * utterance, so the language model sees the sequence.
 */
const LM_MAX_HMM_PER_FRAME = 6000;
const LM_SEARCH_ARGS = ['-maxwpf', '10', '-vad_postspeech', '100'];

/**
 * Keyword search. The phone loop every word is scored against is penalised 1e-5 per phone
 * (pocketsphinx default 1e-1): with the default, short words lost to it even when clearly said
 * (flite "two" at -9, espeak-ng digits below -5) and could not be told from absent ones; at
 * 1e-5 a said word scores +5 to +40 and its neighbours' words stay negative (bench/speech.ts
 * sweep: right phrases on generated speech 30/44 → 39/44 flite, 15 → 34/44 flite + noise, other
 * phrases still 0 accepted). A detection is kept from 1e-5 (base-10 ratio ≥ -5): pocketsphinx
 * merges overlapping detections of the same words, and with a floor far below that every frame
 * "detects" every word, so a word said twice ("is" in "my name is … today is …") collapsed into
 * one detection. The beam is widened from 1e-48 so a long sequence is not pruned before its
 * score is known. `-remove_silence no` keeps one utterance: pocketsphinx restarts the keyword
 * search at every VAD break, and its times after a break were garbage (start > end) in 5prealpha.
 * `-kws_delay 0`: with the default 10 frames, a word ending in the last 0.1 s of the audio was
 * never reported (the last digit of a clip cut right after it).
 */
const KWS_FLOOR = '1e-5';
/**
 * Floor for digits of another language spelled in English phones (foreign-phones.ts): a right
 * digit said by espeak-ng's es/fr/de/pt voices scored -8 to +10 per word through the English model
 * (bench/speech-languages.ts), so 1e-5 dropped many of them before the chain could weigh them
 * against the other nine digits; 1e-10 keeps them (the decoys, not the floor, reject wrong digits).
 */
const KWS_FOREIGN_FLOOR = '1e-10';
const KWS_PHONE_LOOP_PENALTY = '1e-5';
const KWS_ARGS = ['-beam', '1e-60', '-remove_silence', 'no', '-kws_delay', '0'];

/** Alternative pronunciations tried per spotted sequence ("your" Y AO R / Y UH R …), most first-listed. */
const MAX_PRONUNCIATION_VARIANTS = 8;

/** Speech shorter than this is decoded in one process: a second process costs ~0.45 CPU-s to load the LM. */
const MIN_SPEECH_TO_SPLIT_S = 4;
/** Context kept around each stretch of speech: word onsets and endings are quieter than its middle. */
const REGION_PAD_S = 0.3;

export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  private readonly bin: string;
  private readonly scratchDir: string | undefined;
  private readonly modelDir: string;
  private readonly timeoutMs: number;
  private readonly espeak: string | null;
  private readonly parallelism: number;
  private readonly kws: { phoneLoopPenalty: string; floor: string; foreignFloor: string };
  private readonly maxHmm: number;
  private dict: Promise<Map<string, string[]>> | null = null;
  private featParams: Promise<string> | null = null;
  private readonly g2pCache = new Map<string, Promise<string[] | null>>();

  constructor(cfg: PocketsphinxConfig = {}) {
    this.bin = cfg.binary ?? 'pocketsphinx_continuous';
    this.scratchDir = cfg.scratchDir;
    this.modelDir = cfg.modelDir ?? DEFAULT_MODEL_DIR;
    this.timeoutMs = cfg.timeoutMs ?? 30_000;
    this.espeak = cfg.espeakBinary === undefined ? 'espeak-ng' : cfg.espeakBinary;
    this.parallelism = Math.max(1, cfg.parallelism ?? 2);
    this.maxHmm = cfg.maxHmmPerFrame ?? LM_MAX_HMM_PER_FRAME;
    this.kws = { phoneLoopPenalty: cfg.kws?.phoneLoopPenalty ?? KWS_PHONE_LOOP_PENALTY, floor: cfg.kws?.floor ?? KWS_FLOOR,
      foreignFloor: cfg.kws?.foreignFloor ?? KWS_FOREIGN_FLOOR };
  }

  /** True when the acoustic model, LM and dictionary are installed. */
  available(): boolean {
    return ['en-us', 'en-us.lm.bin', 'cmudict-en-us.dict'].every((f) => existsSync(join(this.modelDir, f)));
  }

  languages(): Language[] {
    return this.available() ? ['en'] : [];
  }

  /**
   * Languages whose known words (digits) can be spotted with the English acoustic model: their
   * pronunciations come from espeak-ng's voices mapped to the nearest English phones
   * (foreign-phones.ts). Spotting only: there is no transcript in these languages.
   */
  spotLanguages(): Language[] {
    if (!this.available()) return [];
    return this.espeak ? [...LANGUAGES] : ['en'];
  }

  /**
   * The configured timeout plus 10 s per second of audio: decoding needs up to ~1 CPU-second per
   * audio second (uncapped, noisy audio), and a shared machine may give it a fraction of a core.
   */
  private timeoutFor(audioS: number): number {
    return this.timeoutMs + Math.ceil(audioS * 10_000);
  }

  /** The model's feat.params with this clip's cepstral mean as -cmninit (see cepstral-mean.ts). */
  private async writeFeatParams(pcm: Pcm16, dir: string): Promise<string[]> {
    this.featParams ??= readFile(join(this.modelDir, 'en-us', 'feat.params'), 'utf8').catch(() => '');
    const mean = cepstralMean(pcm.samples);
    const text = mean ? featParamsWithMean(await this.featParams, mean) : null;
    if (!text) return [];
    const path = join(dir, 'feat.params');
    await writeFile(path, text);
    return ['-featparams', path];
  }

  private async run(wavPath: string, args: string[], audioS: number, signal?: AbortSignal): Promise<string> {
    const all = ['-infile', wavPath, '-hmm', join(this.modelDir, 'en-us'), '-logfn', '/dev/null', ...args];
    return (await runChecked(this.bin, all, { timeoutMs: this.timeoutFor(audioS), ...(signal ? { signal } : {}) })).stdout;
  }

  /**
   * The recording's speech (energy detector, 0.3 s of context each side), in up to `parts` groups
   * cut at pauses so they can be decoded in parallel. Silence is dropped before decoding: the
   * decoders' own VAD let 26 s of room noise cost 2.7 CPU-s on a 30 s video with 4 s of speech.
   */
  private speechGroups(pcm: Pcm16, parts: number): { samples: Int16Array; map: TimeMap[] }[] {
    const totalS = pcm.samples.length / pcm.sampleRate;
    const frames = speechFrames(pcm.samples, pcm.sampleRate);
    const speechS = frames.speech.filter(Boolean).length * frames.frameS;
    const cuts = parts > 1 && speechS >= MIN_SPEECH_TO_SPLIT_S ? cutTimes(frames, parts) : [];
    const regions = speechRegions(frames, REGION_PAD_S, totalS).flatMap((r) => {
      const inside = cuts.filter((c) => c > r.from && c < r.to);
      const edges = [r.from, ...inside, r.to];
      return edges.slice(1).map((to, i) => ({ from: edges[i] ?? r.from, to }));
    });
    const bounds = [...cuts, Infinity];
    return bounds.map((b, i) => regions.filter((r) => r.to <= b + 1e-9 && r.from >= (i ? (bounds[i - 1] ?? 0) : 0) - 1e-9))
      .filter((g) => g.length)
      .map((g) => keepRegions(pcm.samples, pcm.sampleRate, g));
  }

  async transcribe(wavPath: string, language: Language, signal?: AbortSignal): Promise<Transcript> {
    if (language !== 'en') throw new Error(`pocketsphinx: no model for language ${language}`);
    await assertSpeechWav(wavPath);
    const pcm = await readWav(wavPath);
    const dir = await scratchDirIn(this.scratchDir, 'speech');
    let words: Word[];
    try {
      const groups = this.speechGroups(pcm, this.parallelism);
      const parts = await Promise.all(groups.map(async (g, i) => {
        const partDir = join(dir, `p${i}`);
        await mkdir(partDir);
        const path = join(partDir, 'speech.wav');
        await writeFile(path, encodeWav(g.samples, pcm.sampleRate));
        const fp = await this.writeFeatParams({ ...pcm, samples: g.samples }, partDir);
        const out = await this.run(path, ['-lm', join(this.modelDir, 'en-us.lm.bin'), '-dict', join(this.modelDir, 'cmudict-en-us.dict'),
          '-time', 'yes', '-maxhmmpf', String(this.maxHmm), ...LM_SEARCH_ARGS, ...fp], g.samples.length / pcm.sampleRate, signal);
        return parsePocketsphinxTimes(out).map((w) => ({ ...w, start: round2(originalTime(g.map, w.start)), end: round2(originalTime(g.map, w.end)) }));
      }));
      words = parts.flat();
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
   * English: dictionary pronunciations, else espeak-ng's. Other languages: espeak-ng's only (one
   * per voice of SPOTTING_VOICES), never the CMU dictionary's: "dos", "six", "null" are English
   * words too, said otherwise. Cached per engine: names and digits repeat across attempts.
   */
  private async pronunciations(word: string, language: Language, signal?: AbortSignal): Promise<string[] | null> {
    if (language === 'en') {
      const known = (await this.loadDict()).get(word);
      if (known) return known;
    }
    if (!this.espeak) return null;
    const voices = language === 'en' ? ['en-us'] : SPOTTING_VOICES[language];
    const all = await Promise.all(voices.map((voice) => this.espeakPhones(respell(word, language), voice)));
    signal?.throwIfAborted();
    const prons = [...new Set(all.filter((p): p is string[] => p !== null).map((p) => p.join(' ')))];
    return prons.length ? prons : null;
  }

  private espeakPhones(word: string, voice: string): Promise<string[] | null> {
    const key = `${voice}:${word}`;
    let p = this.g2pCache.get(key);
    if (!p) {
      // Shared by every request that asks for this word: not tied to one request's abort signal,
      // and a failure is not cached.
      p = pronounce(word, { binary: this.espeak ?? 'espeak-ng', voice });
      this.g2pCache.set(key, p);
      p.catch(() => this.g2pCache.delete(key));
    }
    return p;
  }

  async spotWords(wavPath: string, sequences: string[], language: Language, signal?: AbortSignal): Promise<WordSpotting> {
    if (!this.spotLanguages().includes(language)) throw new Error(`pocketsphinx: cannot spot words of language ${language}`);
    await assertSpeechWav(wavPath);
    const wanted = [...new Set(sequences.map((s) => s.trim().split(/\s+/).filter(Boolean).join(' ')).filter(Boolean))];
    const words = [...new Set(wanted.flatMap((s) => s.split(' ')))];
    const prons = new Map<string, string[]>();
    const unsupported: string[] = [];
    await Promise.all(words.map(async (w) => {
      const p = await this.pronunciations(w, language, signal);
      if (p) prons.set(w, p); else unsupported.push(w);
    }));
    const usable = wanted.filter((s) => s.split(' ').every((w) => prons.has(w)));
    const phones: Record<string, number> = {};
    for (const s of usable) phones[s] = s.split(' ').reduce((n, w) => n + Math.min(...(prons.get(w) ?? ['']).map((p) => p.split(' ').length)), 0);
    if (!usable.length) return { detections: [], phones, unsupportedWords: unsupported.sort(), engine: this.name };
    const pcm = await readWav(wavPath);
    const [speech] = this.speechGroups(pcm, 1);
    if (!speech) return { detections: [], phones, unsupportedWords: unsupported.sort(), engine: this.name };
    const dir = await scratchDirIn(this.scratchDir, 'speech');
    try {
      const { keyphrases, dictionary } = kwsLines(usable, prons, language === 'en' ? this.kws.floor : this.kws.foreignFloor, MAX_PRONUNCIATION_VARIANTS);
      await writeFile(join(dir, 'kws.txt'), `${keyphrases.join('\n')}\n`);
      await writeFile(join(dir, 'words.dict'), `${dictionary.join('\n')}\n`);
      const path = join(dir, 'speech.wav');
      await writeFile(path, encodeWav(speech.samples, pcm.sampleRate));
      const fp = await this.writeFeatParams({ ...pcm, samples: speech.samples }, dir);
      const out = await this.run(path, ['-kws', join(dir, 'kws.txt'), '-dict', join(dir, 'words.dict'), '-time', 'yes', '-kws_plp', this.kws.phoneLoopPenalty, ...KWS_ARGS, ...fp],
        speech.samples.length / pcm.sampleRate, signal);
      const asked = new Set(usable);
      const detections = parseKwsDetections(out).filter((d) => asked.has(d.text))
        .map((d) => ({ ...d, start: round2(originalTime(speech.map, d.start)), end: round2(originalTime(speech.map, d.end)) }));
      return { detections, phones, unsupportedWords: unsupported.sort(), engine: this.name };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
