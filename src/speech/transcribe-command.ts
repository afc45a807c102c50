// `vkyc transcribe file.wav --lang en`: prints JSON (text, words with times, confidence, engine).
// Any audio/video ffmpeg reads is accepted; it is decoded to 16 kHz mono first.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { toSpeechWav } from '../engines/speech/audio.ts';
import type { SpeechEngines } from '../engines/speech/select.ts';
import { LANGUAGES } from '../domain/languages.ts';

const languageSchema = z.enum(LANGUAGES);

interface TranscribeCommandDeps {
  engines: SpeechEngines;
  write: (text: string) => void;
}

/** Returns the process exit code: 0 transcribed, 2 usage error, 3 no engine for the language. */
export async function runTranscribeCommand(argv: string[], deps: TranscribeCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { lang: { type: 'string', short: 'l', default: 'en' } } });
  const file = positionals[0];
  const lang = languageSchema.safeParse(values.lang);
  if (!file || !lang.success) {
    deps.write(`${JSON.stringify({ error: 'usage: vkyc transcribe <file> --lang en|es|fr|de|pt' })}\n`);
    return 2;
  }
  const engine = deps.engines.forLanguage(lang.data);
  if (!engine) {
    deps.write(`${JSON.stringify({ transcript: null, reason: 'transcriber_unavailable', language: lang.data })}\n`);
    return 3;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-transcribe-'));
  try {
    const wav = join(dir, 'audio.wav');
    await toSpeechWav(file, wav);
    const t0 = performance.now();
    const t = await engine.transcribe(wav, lang.data);
    const elapsedMs = Math.round(performance.now() - t0);
    deps.write(`${JSON.stringify({ text: t.text, words: t.words, confidence: t.confidence, engine: t.engine, language: t.language, elapsedMs }, null, 2)}\n`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
