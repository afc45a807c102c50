// Test speech made at run time: Debian flite / espeak-ng voices, resampled to 16 kHz mono with
// sox, optionally mixed with pink noise. Shared by the speech tests and bench/speech.ts.
import { join } from 'node:path';
import { runChecked } from '../../../src/engines/process.ts';

export type Voice = { tts: 'flite'; voice: 'slt' | 'rms' | 'awb' | 'kal16' } | { tts: 'espeak-ng'; voice: string };

const T = { timeoutMs: 30_000 };

/**
 * Writes `${name}.wav` in dir and returns its path. noiseVol is sox's pink-noise amplitude:
 * 0.03 gives ~15 dB SNR against flite's level (measured with `sox -n stat`). sox -R: the same
 * noise on every run, so a test or bench result does not change from one run to the next.
 */
export async function synthSpeech(dir: string, name: string, text: string, voice: Voice, noiseVol = 0): Promise<string> {
  const raw = join(dir, `${name}.raw.wav`);
  if (voice.tts === 'flite') await runChecked('flite', ['-voice', voice.voice, '-t', text, '-o', raw], T);
  // 150 words/min: espeak-ng's default 175 is faster than people read a prompt.
  else await runChecked('espeak-ng', ['-v', voice.voice, '-s', '150', '-w', raw, text], T);
  const clean = join(dir, `${name}.clean.wav`);
  // 0.4 s of silence either side, as a user starts and stops talking after the prompt.
  await runChecked('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', clean, 'pad', '0.4', '0.4'], T);
  const out = join(dir, `${name}.wav`);
  if (!noiseVol) {
    await runChecked('sox', [clean, out], T);
    return out;
  }
  const seconds = (await runChecked('soxi', ['-D', clean], T)).stdout.trim();
  const noise = join(dir, `${name}.noise.wav`);
  await runChecked('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noise, 'synth', seconds, 'pinknoise', 'vol', String(noiseVol)], T);
  // -v 1 on both inputs: sox -m would otherwise halve each input.
  await runChecked('sox', ['-m', '-v', '1', clean, '-v', '1', noise, out], T);
  return out;
}

/** Background noise only: what a user's microphone records when they say nothing. */
export async function synthRoomNoise(dir: string, name: string, seconds: number, noiseVol = 0.01): Promise<string> {
  const out = join(dir, `${name}.wav`);
  await runChecked('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', out, 'synth', String(seconds), 'pinknoise', 'vol', String(noiseVol)], T);
  return out;
}
