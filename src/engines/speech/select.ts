// Chooses a transcriber per language from configuration. whisper.cpp (when the operator configured
// a binary and a model) is preferred for every language its model covers: it transcribes far
// better than pocketsphinx. pocketsphinx covers English when Debian's model is installed, and is
// the only engine that can keyword-spot. A language with no engine gets null: callers then report
// `transcriber_unavailable` and route the phrase check to review.
import { z } from 'zod';
import { LANGUAGES } from '../../domain/languages.ts';
import type { Language, Transcriber } from './port.ts';
import { PocketsphinxTranscriber } from './pocketsphinx.ts';
import { WhisperCppTranscriber } from './whisper-cpp.ts';
import { builtWhisperBinary } from './build-whisper.ts';

const speechConfigSchema = z.object({
  /** 'auto': whisper.cpp where configured, else pocketsphinx; 'pocketsphinx'/'whisper': only that one. */
  engine: z.enum(['auto', 'pocketsphinx', 'whisper', 'none']).default('auto'),
  pocketsphinx: z.object({
    binary: z.string().default('pocketsphinx_continuous'),
    modelDir: z.string().default('/usr/share/pocketsphinx/model/en-us'),
    /** Decoder processes per transcription (long recordings are cut at pauses and decoded in parallel). */
    parallelism: z.number().int().positive().default(2),
  }).default({ binary: 'pocketsphinx_continuous', modelDir: '/usr/share/pocketsphinx/model/en-us', parallelism: 2 }),
  whisper: z.object({
    binary: z.string().min(1),
    model: z.string().min(1),
    threads: z.number().int().positive().default(2),
    beamSize: z.number().int().positive().optional(),
    noFallback: z.boolean().default(false),
  }).optional(),
  timeoutMs: z.number().int().positive().default(60_000),
  /** Scratch directory for decoder files (main.ts: DATA_DIR/tmp); absent → the OS temp dir. */
  scratchDir: z.string().optional(),
});
type SpeechConfig = z.infer<typeof speechConfigSchema>;

/**
 * Reads VKYC_SPEECH_ENGINE, VKYC_WHISPER_MODEL, VKYC_WHISPER_BIN (default: the binary built by
 * build-whisper.ts), VKYC_WHISPER_THREADS, VKYC_POCKETSPHINX_BIN, VKYC_POCKETSPHINX_MODEL_DIR
 * (the config module may fold these in).
 */
export function speechConfigFromEnv(env: Record<string, string | undefined>): SpeechConfig {
  const whisper = env.VKYC_WHISPER_MODEL
    ? { binary: env.VKYC_WHISPER_BIN || builtWhisperBinary(), model: env.VKYC_WHISPER_MODEL, ...(env.VKYC_WHISPER_THREADS ? { threads: Number(env.VKYC_WHISPER_THREADS) } : {}) }
    : undefined;
  return speechConfigSchema.parse({
    ...(env.VKYC_SPEECH_ENGINE ? { engine: env.VKYC_SPEECH_ENGINE } : {}),
    pocketsphinx: {
      ...(env.VKYC_POCKETSPHINX_BIN ? { binary: env.VKYC_POCKETSPHINX_BIN } : {}),
      ...(env.VKYC_POCKETSPHINX_MODEL_DIR ? { modelDir: env.VKYC_POCKETSPHINX_MODEL_DIR } : {}),
    },
    ...(whisper ? { whisper } : {}),
  });
}

export interface SpeechEngines {
  /** The engine for a language, or null when none covers it on this installation. */
  forLanguage(language: Language): Transcriber | null;
  /** Which engine serves which language (for health checks and the dashboard). */
  coverage(): Partial<Record<Language, string>>;
  /** An engine that can spot known words (digits) of a language it may not transcribe, or null. */
  spotterFor(language: Language): Transcriber | null;
}

/** Builds the engines once at start-up; a configured-but-broken whisper setup fails loudly. */
export async function createSpeechEngines(cfg: SpeechConfig): Promise<SpeechEngines> {
  const engines: Transcriber[] = [];
  if (cfg.engine !== 'none' && cfg.engine !== 'pocketsphinx' && cfg.whisper) {
    engines.push(await WhisperCppTranscriber.create({ ...cfg.whisper, timeoutMs: cfg.timeoutMs, ...(cfg.scratchDir ? { scratchDir: cfg.scratchDir } : {}) }));
  } else if (cfg.engine === 'whisper') {
    throw new Error('speech engine "whisper" selected but VKYC_WHISPER_BIN / VKYC_WHISPER_MODEL are not set');
  }
  if (cfg.engine === 'auto' || cfg.engine === 'pocketsphinx') {
    const ps = new PocketsphinxTranscriber({ ...cfg.pocketsphinx, timeoutMs: cfg.timeoutMs, ...(cfg.scratchDir ? { scratchDir: cfg.scratchDir } : {}) });
    if (ps.available()) engines.push(ps);
  }
  return fromEngines(engines);
}

/** First engine in the list that covers a language wins. */
export function fromEngines(engines: Transcriber[]): SpeechEngines {
  const forLanguage = (language: Language): Transcriber | null => engines.find((e) => e.languages().includes(language)) ?? null;
  return {
    forLanguage,
    spotterFor: (language) => engines.find((e) => e.spotWords && e.spotLanguages?.().includes(language)) ?? null,
    coverage: () => {
      const out: Partial<Record<Language, string>> = {};
      for (const l of LANGUAGES) {
        const e = forLanguage(l);
        if (e) out[l] = e.name;
      }
      return out;
    },
  };
}
