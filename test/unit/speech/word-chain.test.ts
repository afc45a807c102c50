// The word chain (pure): units of a phrase, ordering, skips, numbers against their decoys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WordDetection, WordSpotting } from '../../../src/engines/speech/port.ts';
import { chainUnits, judgeChain, sequencesToSpot } from '../../../src/speech/word-chain.ts';
import { DEFAULT_CHAIN, generatePhrase, templateWords } from '../../../src/speech/phrase.ts';

const nameDate = generatePhrase('name_date', 'en', { name: 'Jane Okafor', date: new Date('2026-03-31T12:00:00Z') });
const units = chainUnits(nameDate.kind, nameDate.text, 'en', templateWords('en'));

test('units: template words, the name, the day as ordinal or cardinal, the year both ways', () => {
  assert.deepEqual(units.map((u) => u.token), ['my', 'name', 'is', 'jane', 'okafor', 'today', 'is', 'march', '31', '2026']);
  assert.deepEqual(units.filter((u) => u.role === 'name').map((u) => u.token), ['jane', 'okafor']);
  const day = units.find((u) => u.token === '31');
  assert.deepEqual(day?.forms, ['thirty first', 'thirty one']);
  assert.equal(day?.required, true);
  // Every other day is a decoy, except those inside the expected form ("first", "thirty").
  assert.ok(day?.decoys.includes('thirtieth') && day.decoys.includes('second') && day.decoys.includes('eighteenth'));
  assert.ok(!day?.decoys.includes('first') && !day?.decoys.includes('thirty'));
  assert.deepEqual(units.find((u) => u.token === '2026')?.decoys.sort(), ['twenty twenty five', 'twenty twenty seven', 'two thousand and twenty five',
    'two thousand and twenty seven', 'two thousand twenty five', 'two thousand twenty seven']);
});

test('digits: a repeated digit is one unit, "oh" is a form of zero but never a decoy', () => {
  const u = chainUnits('digits', '5 5 0 3', 'en');
  assert.deepEqual(u.map((x) => x.token), ['5 5', '0', '3']);
  assert.deepEqual(u[0]?.forms, ['five five']);
  assert.ok(u[0]?.decoys.includes('five six') && u[0]?.decoys.includes('four five'));
  assert.deepEqual(u[1]?.forms, ['zero', 'oh']);
  assert.ok(u.every((x) => !x.decoys.some((d) => d.split(' ').includes('oh'))));
  assert.ok(sequencesToSpot(u).includes('nine'));
});

/** Detections one after another, 0.4 s each, for the given words and scores. */
function said(words: [string, number][], start = 0.5): WordDetection[] {
  return words.map(([text, score], i) => ({ text, score, start: start + 0.45 * i, end: start + 0.45 * i + 0.4 }));
}
const phonesOf = (u: typeof units): Record<string, number> => Object.fromEntries(u.flatMap((x) => [...x.forms, ...x.decoys]).map((f) => [f, f.split(' ').length * 3]));
const spotting = (detections: WordDetection[], u = units): WordSpotting => ({ detections, phones: phonesOf(u), unsupportedWords: [], engine: 'test' });
const RIGHT: [string, number][] = [['my', 10], ['name', 12], ['is', 6], ['jane', 15], ['okafor', 20], ['today', 18], ['is', 6], ['march', 20], ['thirty first', 25], ['twenty twenty six', 40]];

test('the phrase heard in order is accepted; the same words out of order are not', () => {
  const ok = judgeChain(units, spotting(said(RIGHT)), DEFAULT_CHAIN);
  assert.equal(ok.accepted, true, JSON.stringify(ok));
  assert.equal(ok.steps.filter((s) => s.heard).length, 10);
  const shuffled = said([...RIGHT].reverse());
  assert.equal(judgeChain(units, spotting(shuffled), DEFAULT_CHAIN).accepted, false);
});

test('a swallowed "is" costs a little; the name half missing is refused', () => {
  const noIs = said(RIGHT.filter((_, i) => i !== 2));
  const v = judgeChain(units, spotting(noIs), DEFAULT_CHAIN);
  assert.equal(v.accepted, true);
  assert.equal(v.steps[2]?.heard, null);
  const noName = said(RIGHT.filter(([w]) => w !== 'jane' && w !== 'okafor'));
  assert.equal(judgeChain(units, spotting(noName), DEFAULT_CHAIN).failure, 'name_missing');
});

test('yesterday\'s date: the decoy heard where the day was said wins', () => {
  const d = said(RIGHT);
  const day = d[8]!;
  d.push({ text: 'thirtieth', score: 30, start: day.start, end: day.end });
  const v = judgeChain(units, spotting(d), DEFAULT_CHAIN);
  assert.equal(v.failure, 'number_decoy');
  assert.equal(v.decoy?.heard, 'thirtieth');
  // A weaker decoy at the same place is an echo of the right number, not a rival.
  d[d.length - 1] = { ...d[d.length - 1]!, score: 10 };
  assert.equal(judgeChain(units, spotting(d), DEFAULT_CHAIN).accepted, true);
});

test('a number never heard fails, whatever the rest scores', () => {
  const v = judgeChain(units, spotting(said(RIGHT.filter(([w]) => w !== 'thirty first'))), DEFAULT_CHAIN);
  assert.equal(v.failure, 'number_missing');
});

test('another sentence sharing a few words is refused for its low score', () => {
  const other = said([['my', 10], ['name', 12], ['is', 6], ['jane', -6], ['okafor', -8], ['march', -3], ['thirty first', 1], ['twenty twenty six', 2]]);
  const v = judgeChain(units, spotting(other), DEFAULT_CHAIN);
  assert.equal(v.accepted, false);
});

test('a long silent pause between words is fine; the same gap filled with speech breaks the chain', () => {
  const d = said(RIGHT);
  for (const x of d.slice(5)) { x.start += 4; x.end += 4; }
  const silence = (): number => 0;
  assert.equal(judgeChain(units, spotting(d), DEFAULT_CHAIN, silence).accepted, true);
  // Every second counted as speech: "today" is 4 s of talk away from the name.
  assert.equal(judgeChain(units, spotting(d), DEFAULT_CHAIN).accepted, false);
});

test('digits in one breath: the whole string is one unit against its 54 one-digit variants', async () => {
  const { wholeDigitsUnit } = await import('../../../src/speech/word-chain.ts');
  const w = wholeDigitsUnit('4 0 2 1 6 4', 'en');
  assert.deepEqual(w?.forms, ['four zero two one six four', 'four oh two one six four']);
  assert.equal(w?.decoys.length, 54);
  assert.ok(w?.decoys.includes('five zero two one six four') && w.decoys.includes('four zero two one six five'));
  assert.equal(wholeDigitsUnit('My name is 4', 'en'), null);
  const u = [w!];
  const sp = (d: WordDetection[]): WordSpotting => ({ detections: d, phones: Object.fromEntries([...w!.forms, ...w!.decoys].map((f) => [f, 16])), unsupportedWords: [], engine: 'test' });
  const heard = { text: 'four zero two one six four', start: 0.5, end: 2.3, score: 90 };
  assert.equal(judgeChain(u, sp([heard]), DEFAULT_CHAIN).accepted, true);
  assert.equal(judgeChain(u, sp([heard, { ...heard, text: 'five zero two one six four', score: 97 }]), DEFAULT_CHAIN).failure, 'number_decoy');
});
