// Real recognition (Debian pocketsphinx + pocketsphinx-en-us) on speech synthesised here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketsphinxTranscriber } from '../../../src/engines/speech/pocketsphinx.ts';
import { fromEngines } from '../../../src/engines/speech/select.ts';
import { generatePhrase, recordAttempt, verifyAttempt } from '../../../src/speech/phrase.ts';
import { synthRoomNoise, synthSpeech } from './synth.ts';

const ps = new PocketsphinxTranscriber();
const engines = fromEngines(ps.available() ? [ps] : []);
let dir = '';

before(async () => { dir = await mkdtemp(join(tmpdir(), 'vkyc-speech-test-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const consent = generatePhrase('consent', 'en');

test('pocketsphinx is installed (Debian pocketsphinx-en-us)', () => {
  assert.ok(ps.available(), 'apt-get install pocketsphinx pocketsphinx-en-us');
  assert.deepEqual(engines.coverage(), { en: 'pocketsphinx' });
});

test('the right phrase, with background noise → SUCCESS', async () => {
  const wav = await synthSpeech(dir, 'right', consent.text, { tts: 'flite', voice: 'slt' }, 0.03);
  const r = await verifyAttempt(wav, consent, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'SUCCESS', JSON.stringify({ userInput: r.userInput, chain: r.evidence.chain }));
  assert.equal(r.evidence.engine, 'pocketsphinx');
  assert.ok(r.userInput && r.userInput.length > 0);
  assert.equal(r.evidence.method, 'keyword_spotting');
});

test('a name + date phrase said with the date in words → SUCCESS', async () => {
  const expected = generatePhrase('name_date', 'en', { name: 'John Smith', date: new Date('2026-03-18T12:00:00Z') });
  const wav = await synthSpeech(dir, 'date', 'My name is John Smith. Today is March eighteenth, twenty twenty six.', { tts: 'flite', voice: 'rms' });
  const r = await verifyAttempt(wav, expected, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'SUCCESS', JSON.stringify({ userInput: r.userInput, chain: r.evidence.chain, forms: r.evidence.spokenForms }));
});

test('another sentence (espeak-ng voice) → WRONG_ANSWER, then the records count it', async () => {
  const wav = await synthSpeech(dir, 'wrong', 'Good morning, how are you?', { tts: 'espeak-ng', voice: 'en-us+klatt' }, 0.02);
  const r = await verifyAttempt(wav, consent, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'WRONG_ANSWER', JSON.stringify({ userInput: r.userInput, chain: r.evidence.chain }));
  assert.equal(r.reason, 'phrase_mismatch');
  const out = recordAttempt([], r);
  assert.deepEqual(out.attempts[0], { status: 'WRONG_ANSWER', userInput: r.userInput, attemptNumber: 1 });
});

test('background noise without speech → NO_SPEECH (energy check, no engine run)', async () => {
  const wav = await synthRoomNoise(dir, 'silence', 2.5);
  const r = await verifyAttempt(wav, consent, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'NO_SPEECH');
  assert.equal(r.evidence.transcript, null);
  assert.ok(r.evidence.speech.speechSeconds < 0.25);
});

test('a language without an engine → UNAVAILABLE, transcriber_unavailable, no transcript', async () => {
  const fr = generatePhrase('consent', 'fr');
  const wav = await synthSpeech(dir, 'fr', fr.text, { tts: 'espeak-ng', voice: 'fr' });
  const r = await verifyAttempt(wav, fr, 'fr', engines.forLanguage('fr'));
  assert.equal(r.status, 'UNAVAILABLE');
  assert.equal(r.reason, 'transcriber_unavailable');
  assert.equal(r.userInput, null);
  assert.equal(r.evidence.transcript, null);
  assert.equal(recordAttempt([], r).state, 'needs_review');
});

test('a name the dictionary lacks (espeak-ng letter-to-sound) + date → SUCCESS by spotting', async () => {
  const expected = generatePhrase('name_date', 'en', { name: 'Oluwaseun Adeyemi', date: new Date('2025-11-23T12:00:00Z') });
  const wav = await synthSpeech(dir, 'oov', 'My name is Oluwaseun Adeyemi. Today is November twenty third, twenty twenty five.', { tts: 'flite', voice: 'slt' }, 0.03);
  const r = await verifyAttempt(wav, expected, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'SUCCESS', JSON.stringify({ userInput: r.userInput, chain: r.evidence.chain }));
  assert.equal(r.evidence.method, 'keyword_spotting');
  assert.ok(r.evidence.chain && r.evidence.chain.unsupported.length === 0);
});

test('digits read one by one with pauses → SUCCESS; one digit different → WRONG_ANSWER', async () => {
  const wav = await synthSpeech(dir, 'digits', 'four. seven. two. nine. one. three.', { tts: 'flite', voice: 'rms' });
  const right = await verifyAttempt(wav, { kind: 'digits', language: 'en', text: '4 7 2 9 1 3' }, 'en', engines.forLanguage('en'));
  assert.equal(right.status, 'SUCCESS', JSON.stringify(right.evidence.chain));
  const wrong = await verifyAttempt(wav, { kind: 'digits', language: 'en', text: '4 7 2 9 1 8' }, 'en', engines.forLanguage('en'));
  assert.equal(wrong.status, 'WRONG_ANSWER', JSON.stringify({ chain: wrong.evidence.chain, heard: wrong.userInput }));
});

test('yesterday\'s date said for today\'s → WRONG_ANSWER (the decoy day is heard better)', async () => {
  const wav = await synthSpeech(dir, 'yesterday', 'My name is John Smith. Today is March eighteenth, twenty twenty six.', { tts: 'flite', voice: 'slt' }, 0.03);
  const expected = generatePhrase('name_date', 'en', { name: 'John Smith', date: new Date('2026-03-19T12:00:00Z') });
  const r = await verifyAttempt(wav, expected, 'en', engines.forLanguage('en'));
  assert.equal(r.status, 'WRONG_ANSWER', JSON.stringify({ chain: r.evidence.chain?.failure, decoy: r.evidence.chain?.decoy, heard: r.userInput }));
});

test('transcript words carry times of the original recording, silence before the speech included', async () => {
  const speech = await synthSpeech(dir, 'late', 'I confirm that I want to open an account.', { tts: 'flite', voice: 'slt' });
  const late = join(dir, 'late-3s.wav');
  const { runChecked } = await import('../../../src/engines/process.ts');
  await runChecked('sox', [speech, late, 'pad', '3', '0'], { timeoutMs: 10_000 });
  const t = await ps.transcribe(late, 'en');
  assert.ok(t.words.length >= 4, t.text);
  assert.ok((t.words[0]?.start ?? 0) >= 3.2 && (t.words[0]?.start ?? 0) < 3.8, JSON.stringify(t.words[0]));
  assert.ok(t.words.every((w, i) => w.end >= w.start && (i === 0 || w.start >= (t.words[i - 1]?.start ?? 0))));
});
