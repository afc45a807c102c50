import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttemptsClosedError, attemptState, recordAttempt } from '../../../src/speech/attempts.ts';
import { generatePhrase } from '../../../src/speech/phrase.ts';

test('attempts are numbered from 1 and a SUCCESS closes the step', () => {
  const a1 = recordAttempt([], { status: 'WRONG_ANSWER', userInput: 'test' });
  assert.equal(a1.state, 'retry');
  assert.equal(a1.remaining, 2);
  const a2 = recordAttempt(a1.attempts, { status: 'SUCCESS', userInput: 'I confirm' });
  assert.equal(a2.state, 'passed');
  // The VideoVerify willingRetryRecords sample, exactly.
  assert.deepEqual(a2.attempts, [
    { status: 'WRONG_ANSWER', userInput: 'test', attemptNumber: 1 },
    { status: 'SUCCESS', userInput: 'I confirm', attemptNumber: 2 },
  ]);
  assert.throws(() => recordAttempt(a2.attempts, { status: 'SUCCESS', userInput: 'again' }), AttemptsClosedError);
});

test('the maximum number of attempts ends in LIMIT_EXCEEDED (default 3, configurable)', () => {
  let out = recordAttempt([], { status: 'NO_SPEECH', userInput: null });
  out = recordAttempt(out.attempts, { status: 'WRONG_ANSWER', userInput: 'hello' });
  out = recordAttempt(out.attempts, { status: 'WRONG_ANSWER', userInput: 'i confirmed' });
  assert.equal(out.state, 'LIMIT_EXCEEDED');
  assert.equal(out.remaining, 0);
  assert.equal(out.attempts[0]?.userInput, '');
  assert.throws(() => recordAttempt(out.attempts, { status: 'SUCCESS', userInput: 'x' }), AttemptsClosedError);
  const one = recordAttempt([], { status: 'WRONG_ANSWER', userInput: 'x' }, 1);
  assert.equal(one.state, 'LIMIT_EXCEEDED');
  const five = recordAttempt(out.attempts.slice(0, 2), { status: 'WRONG_ANSWER', userInput: 'x' }, 5);
  assert.equal(five.state, 'retry');
  assert.equal(attemptState(five.attempts, 5).remaining, 2);
  assert.throws(() => recordAttempt([], { status: 'SUCCESS', userInput: 'x' }, 0), RangeError);
});

test('UNAVAILABLE goes to human review, never to an automatic success', () => {
  const out = recordAttempt([], { status: 'UNAVAILABLE', userInput: null });
  assert.equal(out.state, 'needs_review');
});

test('phrases per language: name + date, consent, random digits', () => {
  const date = new Date('2026-03-18T10:15:00Z');
  assert.equal(generatePhrase('name_date', 'en', { name: 'Jean Dupont', date }).text, 'My name is Jean Dupont. Today is March 18, 2026.');
  assert.equal(generatePhrase('name_date', 'de', { name: 'Jürgen Groß', date }).text, 'Mein Name ist Jürgen Groß. Heute ist der 18. März 2026.');
  assert.equal(generatePhrase('name_date', 'es', { name: 'Ana', date }).text, 'Me llamo Ana. Hoy es 18 de marzo de 2026.');
  assert.equal(generatePhrase('consent', 'fr').text, 'Je confirme que je veux ouvrir un compte.');
  let i = 0;
  const digits = generatePhrase('digits', 'pt', { digits: 4, random: () => [4, 7, 2, 9][i++] ?? 0 });
  assert.equal(digits.text, '4 7 2 9');
  assert.match(generatePhrase('digits', 'en').text, /^(\d ){5}\d$/);
  assert.throws(() => generatePhrase('name_date', 'en', { name: '<script>' }));
  assert.throws(() => generatePhrase('name_date', 'en', {}));
});

test('pocketsphinx output parsing: -time word lines and -kws detections', async () => {
  const { parsePocketsphinxTimes, parseKwsDetections } = await import('../../../src/engines/speech/pocketsphinx.ts');
  const words = parsePocketsphinxTimes('go forward\n<s> 0.390 0.460 1.000100\ngo 0.470 0.640 0.997303\n[NOISE] 0.65 0.7 1\nto(2) 1.360 1.500 0.594069\n</s> 2.130 2.610 1.000000\n');
  assert.deepEqual(words.map((w) => w.word), ['go', 'to']);
  assert.equal(words[0]?.start, 0.47);
  // -kws prints the words with a trailing space before the times; alternative pronunciations as word(n).
  const out = 'she had  your(2) \nshe had  0.210 0.600 0.869257\nyour(2)  1.000 1.200 0.500000\nbroken  2.000 1.500 0.9\n';
  const d = parseKwsDetections(out);
  assert.deepEqual(d.map((x) => x.text), ['she had', 'your']);
  // 0.869257 printed = a ratio of 10^4.39 against the phone loop (kept at -kws_threshold 1e4, dropped at 1e5).
  assert.ok(Math.abs((d[0]?.score ?? 0) - 4.39) < 0.01, String(d[0]?.score));
  assert.ok((d[1]?.score ?? 0) < 0);
});
