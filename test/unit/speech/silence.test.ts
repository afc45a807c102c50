import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasSpeech, measureSpeechActivity } from '../../../src/speech/silence.ts';
import { encodeWav, parseWav } from '../../../src/engines/speech/audio.ts';

const RATE = 16000;

function signal(seconds: number, f: (t: number, i: number) => number): Int16Array {
  return Int16Array.from({ length: Math.round(seconds * RATE) }, (_, i) => Math.round(f(i / RATE, i)));
}

test('digital silence and steady noise are not speech; a voiced burst is', () => {
  assert.equal(hasSpeech(measureSpeechActivity(signal(2, () => 0), RATE)), false);
  let s = 7;
  const noise = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return (s / 2 ** 31 - 0.5) * 600; };
  assert.equal(hasSpeech(measureSpeechActivity(signal(2, noise), RATE)), false);
  // 0.6 s of a 200 Hz tone with syllable-like on/off (4 Hz) over the same noise.
  const voiced = signal(2, (t) => noise() + (t > 0.5 && t < 1.1 && Math.sin(2 * Math.PI * 4 * t) > 0 ? 8000 * Math.sin(2 * Math.PI * 200 * t) : 0));
  const a = measureSpeechActivity(voiced, RATE);
  assert.ok(hasSpeech(a), JSON.stringify(a));
  assert.ok(a.speechSeconds > 0.25 && a.speechSeconds < 0.7);
});

test('WAV encode/parse round trip', () => {
  const pcm = signal(0.1, (t) => 1000 * Math.sin(2 * Math.PI * 440 * t));
  const back = parseWav(encodeWav(pcm, RATE));
  assert.equal(back.sampleRate, RATE);
  assert.equal(back.channels, 1);
  assert.deepEqual(Array.from(back.samples), Array.from(pcm));
  assert.throws(() => parseWav(Buffer.from('nope')), /RIFF/);
});
