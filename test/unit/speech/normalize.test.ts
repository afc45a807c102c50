import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalText, foldText, spokenVariants, wordErrorRate } from '../../../src/speech/normalize.ts';
import { numberToWords, ordinalToWords, yearToWords } from '../../../src/speech/numbers.ts';
import { matchTranscript } from '../../../src/speech/match.ts';
import { formatDate } from '../../../src/speech/phrase.ts';

const MARCH_18 = new Date('2026-03-18T10:15:00Z');

test('folding: case, accents, punctuation, written ordinals', () => {
  assert.equal(foldText('My name is Jean Dupont. Today is March 18th, 2026!', 'en'), 'my name is jean dupont today is march 18 2026');
  assert.equal(foldText('Ich bestätige, dass ich ein Konto eröffnen möchte.', 'de'), 'ich bestatige dass ich ein konto eroffnen mochte');
  assert.equal(foldText("Je m'appelle Françoise, le 1er avril.", 'fr'), 'je m appelle francoise le 1 avril');
  assert.equal(foldText('Straße', 'de'), 'strasse');
});

test('numbers to words in all five languages', () => {
  assert.equal(numberToWords(18, 'en'), 'eighteen');
  assert.equal(numberToWords(2026, 'en'), 'two thousand twenty six');
  assert.deepEqual(yearToWords(2026, 'en').slice(0, 1), ['twenty twenty six']);
  assert.equal(ordinalToWords(18, 'en'), 'eighteenth');
  assert.equal(ordinalToWords(21, 'en'), 'twenty first');
  assert.equal(numberToWords(2026, 'es'), 'dos mil veintiséis');
  assert.equal(numberToWords(131, 'es'), 'ciento treinta y uno');
  assert.equal(numberToWords(97, 'fr'), 'quatre-vingt-dix-sept');
  assert.equal(numberToWords(71, 'fr'), 'soixante et onze');
  assert.equal(numberToWords(2026, 'fr'), 'deux mille vingt-six');
  assert.equal(numberToWords(2026, 'de'), 'zweitausendsechsundzwanzig');
  assert.equal(ordinalToWords(18, 'de'), 'achtzehnte');
  assert.equal(numberToWords(2026, 'pt'), 'dois mil e vinte e seis');
  assert.equal(numberToWords(123, 'pt'), 'cento e vinte e três');
});

test('a written date and its spoken forms compare equal, per language', () => {
  const pairs: [Parameters<typeof canonicalText>[1], string, string][] = [
    ['en', `Today is ${formatDate(MARCH_18, 'en')}.`, 'today is march eighteenth twenty twenty six'],
    ['en', 'Today is March 18, 2026.', 'today is march eighteen two thousand and twenty six'],
    ['es', `Hoy es ${formatDate(MARCH_18, 'es')}.`, 'hoy es dieciocho de marzo de dos mil veintiséis'],
    ['fr', `Nous sommes le ${formatDate(MARCH_18, 'fr')}.`, 'nous sommes le dix-huit mars deux mille vingt-six'],
    ['de', `Heute ist der ${formatDate(MARCH_18, 'de')}.`, 'Heute ist der achtzehnte März zweitausendsechsundzwanzig'],
    ['pt', `Hoje é ${formatDate(MARCH_18, 'pt')}.`, 'hoje é dezoito de março de dois mil e vinte e seis'],
  ];
  for (const [lang, written, spoken] of pairs) {
    assert.equal(canonicalText(written, lang), canonicalText(spoken, lang), `${lang}: ${written} vs ${spoken}`);
  }
  assert.equal(formatDate(MARCH_18, 'de'), '18. März 2026');
  assert.equal(formatDate(new Date('2026-04-01T12:00:00Z'), 'fr'), '1er avril 2026');
  assert.equal(canonicalText('le premier avril', 'fr'), canonicalText('le 1er avril', 'fr'));
});

test('spoken numbers read back as digits (both directions)', () => {
  assert.equal(canonicalText('four seven two nine one', 'en'), '4 7 2 9 1');
  assert.equal(canonicalText('nineteen oh five', 'en'), '1905');
  assert.equal(canonicalText('two hundred and five', 'en'), '205');
  assert.equal(canonicalText('einundzwanzigsten dreihundertzwölf', 'de'), '21 312');
  assert.equal(canonicalText('quatre-vingt-dix-sept soixante et onze', 'fr'), '97 71');
  assert.equal(canonicalText('ciento veintiuno, cien', 'es'), '121 100');
  assert.equal(canonicalText('cento e vinte e três, duzentas', 'pt'), '123 200');
  // Round trip for every number below 3000 in every language.
  for (const lang of ['en', 'es', 'fr', 'de', 'pt'] as const) {
    for (let n = 0; n < 3000; n += 7) assert.equal(canonicalText(numberToWords(n, lang), lang), String(n), `${lang} ${n}`);
  }
});

test('spoken variants give words for keyword spotting', () => {
  const v = spokenVariants('My name is Jean Dupont. Today is March 18, 2026.', 'en');
  assert.ok(v.includes('my name is jean dupont today is march eighteenth twenty twenty six'));
  assert.ok(v.includes('my name is jean dupont today is march eighteen two thousand twenty six'));
  assert.deepEqual(spokenVariants('4 7 2 9', 'en'), ['four seven two nine']);
});

test('transcript matching: numbers exact, words within the WER tolerance', () => {
  const phrase = 'My name is Jean Dupont. Today is March 18, 2026.';
  assert.ok(matchTranscript('name_date', phrase, 'my name is john dupont today is march eighteenth twenty twenty six', 'en').match);
  assert.ok(!matchTranscript('name_date', phrase, 'my name is jean dupont today is march nineteenth twenty twenty six', 'en').match);
  assert.ok(!matchTranscript('consent', 'I confirm that I want to open an account.', 'he was not an ill disposed young man', 'en').match);
  assert.ok(matchTranscript('digits', '4 7 2 9', 'forty seven twenty nine', 'en').match);
  assert.ok(!matchTranscript('digits', '4 7 2 9', 'four seven two eight', 'en').match);
  assert.ok(matchTranscript('digits', '4 7 2 9 1 8', 'four seven to nine one eight', 'en').match);
  // whisper on flite's rms voice, a CI run: th-fronted "three"
  assert.ok(matchTranscript('digits', '6 3 0 5 0 0', 'six free zero five zero zero', 'en').match);
  assert.ok(!matchTranscript('digits', '6 3 0 5 0 0', 'six free zero five zero', 'en').match);
  assert.ok(matchTranscript('consent', 'Confirmo que quiero abrir una cuenta.', 'confirmo que quiero abrir una cuenta', 'es').match);
  assert.equal(wordErrorRate(['a', 'b', 'c'], ['a', 'x', 'c', 'd']), 2 / 3);
});
