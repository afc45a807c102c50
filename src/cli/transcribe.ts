import { createSpeechEngines, speechConfigFromEnv } from '../engines/speech/select.ts';
import { runTranscribeCommand } from '../speech/transcribe-command.ts';
import type { Command } from './command.ts';

/** `vkyc transcribe file.wav --lang en`: text, words with times, confidence, engine (JSON). */
export const transcribeCommand: Command = {
  name: 'transcribe',
  usage: 'transcribe FILE --lang en',
  help: 'transcribe speech (JSON)',
  async run(args) {
    const engines = await createSpeechEngines(speechConfigFromEnv(process.env));
    process.exitCode = await runTranscribeCommand(args, { engines, write: (t) => process.stdout.write(t) });
  },
};
