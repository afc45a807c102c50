// Pure parts of the pocketsphinx engine: cepstral mean, letter-to-sound mapping, keyword files,
// feat.params override, cutting audio at pauses; and the short-phrase transcript confirmation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cepstralMean } from '../../../src/engines/speech/cepstral-mean.ts';
import { ipaToArpabet, pronounce } from '../../../src/engines/speech/g2p.ts';
import { featParamsWithMean, kwsLines, kwsScore } from '../../../src/engines/speech/pocketsphinx-io.ts';
import { cutTimes, keepRegions, originalTime, speechFrames, speechRegions } from '../../../src/engines/speech/split-audio.ts';
import { confirmsPhrase } from '../../../src/speech/match.ts';

/** A vowel-like buzz: a few harmonics of 150 Hz. */
function buzz(seconds: number, amp: number, rate = 16000): Int16Array {
  return Int16Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.round(amp * [1, 2, 3, 5].reduce((s, h) => s + Math.sin((2 * Math.PI * 150 * h * i) / rate) / h, 0)));
}

/** Deterministic white noise (every mel band gets energy, so int16 rounding is negligible). */
function hiss(seconds: number, amp: number, rate = 16000): Int16Array {
  let x = 12345;
  return Int16Array.from({ length: Math.round(seconds * rate) }, () => { x = (x * 1103515245 + 12345) % 2 ** 31; return Math.round(amp * (x / 2 ** 30 - 1)); });
}

test('cepstral mean: 6 dB louder raises c0 by 25·ln 4 / √25 and leaves the shape alone; digital silence is no frame', () => {
  const a = cepstralMean(hiss(1, 3000));
  const b = cepstralMean(hiss(1, 6000));
  assert.ok(a && b);
  assert.ok(Math.abs((b[0] ?? 0) - (a[0] ?? 0) - (25 * Math.log(4)) / 5) < 0.01, `${b[0]} - ${a[0]}`);
  for (let i = 1; i < 13; i++) assert.ok(Math.abs((b[i] ?? 0) - (a[i] ?? 0)) < 0.01, `c${i}`);
  assert.equal(cepstralMean(new Int16Array(16000)), null);
  const withZeros = new Int16Array(32000);
  withZeros.set(hiss(1, 3000), 16000);
  assert.ok(Math.abs((cepstralMean(withZeros)?.[0] ?? 0) - (a[0] ?? 0)) < 0.5);
});

test('feat.params: -cmninit replaced with the clip mean; an unknown front end is left alone', () => {
  const model = '-lowerf 130\n-upperf 6800\n-nfilt 25\n-transform dct\n-lifter 22\n-cmn batch\n-cmninit 41.00,-5.29\n';
  const out = featParamsWithMean(model, Array.from({ length: 13 }, (_, i) => i + 0.5));
  assert.match(out ?? '', /^-cmninit 0\.50,1\.50,2\.50,.*,12\.50$/m);
  assert.equal((out ?? '').match(/-cmninit/g)?.length, 1);
  assert.equal(featParamsWithMean(model.replace('-nfilt 25', '-nfilt 40'), new Array(13).fill(0)), null);
});

test('keyword file: every first-listed pronunciation combination, alternatives named word(n)', () => {
  const prons = new Map([['your', ['Y AO R', 'Y UH R']], ['dark', ['D AA R K']]]);
  const { keyphrases, dictionary } = kwsLines(['your dark', 'dark'], prons, '1e-5', 8);
  assert.deepEqual(keyphrases, ['your dark /1e-5/', 'your(2) dark /1e-5/', 'dark /1e-5/']);
  assert.deepEqual(dictionary, ['your Y AO R', 'your(2) Y UH R', 'dark D AA R K']);
  // The printed "posterior" back to a log10 ratio against the phone loop.
  assert.ok(Math.abs(kwsScore(0.869257) - 4.39) < 0.01);
  assert.ok(kwsScore(0.5) < 0);
});

test('IPA from espeak-ng to ARPAbet', () => {
  assert.deepEqual(ipaToArpabet('smˈɪθ'), ['S', 'M', 'IH', 'TH']);
  assert.deepEqual(ipaToArpabet('ʃwˈɔːɹzənˌɛɡɚ'), ['SH', 'W', 'AO', 'R', 'Z', 'AH', 'N', 'EH', 'G', 'ER']);
  assert.deepEqual(ipaToArpabet('tʃˈɜːtʃ'), ['CH', 'ER', 'CH']);
  assert.deepEqual(ipaToArpabet('bˈʌʔn̩'), ['B', 'AH', 'T', 'AH', 'N']);
  assert.equal(ipaToArpabet('ǂ'), null);
});

test('letter-to-sound with Debian espeak-ng: a name missing from the CMU dictionary', async () => {
  assert.deepEqual(await pronounce('Nguyen'), ['N', 'UW', 'Y', 'EH', 'N']);
  assert.equal(await pronounce('rm -rf'), null);
});

test('speech regions: silence dropped, times mapped back; cuts land in pauses', () => {
  const rate = 16000;
  const pcm = new Int16Array(rate * 6);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i % 7) - 3; // room hiss
  pcm.set(buzz(1, 4000), rate * 1);
  pcm.set(buzz(1, 4000), rate * 4);
  const f = speechFrames(pcm, rate);
  const regions = speechRegions(f, 0.3, 6);
  assert.equal(regions.length, 2);
  assert.ok(Math.abs((regions[0]?.from ?? 0) - 0.7) < 0.05 && Math.abs((regions[1]?.to ?? 0) - 5.3) < 0.05, JSON.stringify(regions));
  const kept = keepRegions(pcm, rate, regions);
  assert.ok(kept.samples.length < 0.6 * pcm.length);
  // 0.3 s into the kept audio is the start of the first buzz (1.0 s); 2.0 s is inside the second.
  assert.ok(Math.abs(originalTime(kept.map, 0.3) - 1.0) < 0.05);
  assert.ok(Math.abs(originalTime(kept.map, 2.0) - (regions[1]!.from + 2.0 - (regions[0]!.to - regions[0]!.from))) < 1e-9);
  const [cut] = cutTimes(f, 2);
  assert.ok(cut !== undefined && cut > 2.1 && cut < 3.9, String(cut));
});

test('short phrases: a loose transcript confirms, another number does not', () => {
  assert.equal(confirmsPhrase('four queen of clubs', 'for queen of clubs', 'en'), true);
  assert.equal(confirmsPhrase('one two three', 'want to three', 'en'), true);
  assert.equal(confirmsPhrase('ten of clubs', 'seven of clubs', 'en'), false);
  assert.equal(confirmsPhrase('one two three', 'and so my fellow americans ask not', 'en'), false);
});
