import type { Command } from './command.ts';

/** `vkyc transcribe file.wav --lang en`: text, words with times, confidence, engine (JSON). */
export const transcribeCommand: Command = {
  name: 'transcribe',
  usage: 'transcribe FILE --lang en',
  help: 'transcribe speech (JSON)',
  async run(args) {
    // Imported on use: other commands do not pay for the speech engines' modules.
    const [{ createSpeechEngines, speechConfigFromEnv }, { runTranscribeCommand }] = await Promise.all([import('../engines/speech/select.ts'), import('../speech/transcribe-command.ts')]);
    const engines = await createSpeechEngines(speechConfigFromEnv(process.env));
    process.exitCode = await runTranscribeCommand(args, { engines, write: (t) => process.stdout.write(t) });
  },
};
