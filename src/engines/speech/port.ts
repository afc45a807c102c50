// The Transcriber port: audio (16 kHz mono WAV file) → words with timings. Phrase verification
// (speech/phrase.ts) sits on top and may use `spot` when an engine supports keyword spotting.

export type Language = 'en' | 'es' | 'fr' | 'de' | 'pt';

export interface Word { word: string; start: number; end: number; confidence: number }

export interface Transcript {
  text: string;
  words: Word[];
  /** Mean word confidence 0–1. */
  confidence: number;
  language: Language;
  engine: string;
}

export interface SpotResult {
  /** True when the engine heard the whole phrase. */
  detected: boolean;
  /** 0–1 (the engine's posterior of the detection; 0 when nothing was detected). */
  confidence: number;
  engine: string;
  /** The spoken form that was detected. */
  phrase?: string;
  /** Words the engine cannot spot (not in its dictionary); the caller must fall back. */
  unsupportedWords?: string[];
}

export interface Transcriber {
  /** Languages this engine can transcribe on this installation. */
  languages(): Language[];
  transcribe(wavPath: string, language: Language, signal?: AbortSignal): Promise<Transcript>;
  /** Short engine name reported in results (`pocketsphinx`, `whisper.cpp`). */
  readonly name: string;
  /**
   * Keyword-spot a whole expected phrase, given as alternative spoken forms (lower-case words,
   * numbers and dates already spelled out, e.g. "march eighteenth twenty twenty six"); absent
   * when the engine cannot spot.
   */
  spot?(wavPath: string, phrases: string[], language: Language, signal?: AbortSignal): Promise<SpotResult>;
}
