// The Transcriber port: audio (16 kHz mono WAV file) → words with timings. Phrase verification
// (speech/phrase.ts) sits on top and uses `spotWords` when an engine supports keyword spotting.

// The port speaks the product's languages (one list, domain/languages.ts).
import type { Language } from '../../domain/languages.ts';
export type { Language };

export interface Word { word: string; start: number; end: number; confidence: number }

export interface Transcript {
  text: string;
  words: Word[];
  /** Mean word confidence 0–1. */
  confidence: number;
  language: Language;
  engine: string;
}

/** One place in the audio where the engine heard a word sequence. */
export interface WordDetection {
  /** The spotted word sequence (lower-case words, as asked for). */
  text: string;
  start: number;
  end: number;
  /**
   * How much better the words explain these frames than the best free phone sequence does: a
   * base-10 log-likelihood ratio (pocketsphinx: > 0 on clean speech of the word, typically +5 to
   * +40 for a content word; negative for other words).
   */
  score: number;
}

export interface WordSpotting {
  /** Every detection of every asked-for word sequence; several per sequence when heard several times. */
  detections: WordDetection[];
  /** Phones of the shortest pronunciation of each spottable sequence (scores scale with it). */
  phones: Record<string, number>;
  /** Words the engine can neither find in its dictionary nor pronounce by rule. */
  unsupportedWords: string[];
  engine: string;
}

export interface Transcriber {
  /** Languages this engine can transcribe on this installation. */
  languages(): Language[];
  transcribe(wavPath: string, language: Language, signal?: AbortSignal): Promise<Transcript>;
  /** Short engine name reported in results (`pocketsphinx`, `whisper.cpp`). */
  readonly name: string;
  /**
   * Spots word sequences ("my", "name", "march eighteenth", "twenty twenty six") anywhere in the
   * audio and scores each detection; absent when the engine cannot. Phrase verification chains
   * the detections in the expected order (speech/word-chain.ts), so pauses between words, a
   * skipped "a" and the decoder's utterance breaks do not matter.
   */
  spotWords?(wavPath: string, sequences: string[], language: Language, signal?: AbortSignal): Promise<WordSpotting>;
  /**
   * Languages `spotWords` accepts, which may be more than `languages()`: pocketsphinx spots the
   * digits of es/fr/de/pt with its English model (foreign-phones.ts) but cannot transcribe them.
   */
  spotLanguages?(): Language[];
}
