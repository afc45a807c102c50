// Digits in languages without a transcriber (es/fr/de/pt), spotted with the English model and
// espeak-ng pronunciations (speech/spot-digits.ts): how many right digit strings are accepted,
// and how many wrong ones are, per language. `npm run bench:speech -- --languages`.
//
// Splits. Calibration: espeak-ng voices es, fr-fr, de, pt-br, pink noise (sox 0.02), strings from
// seed 1. Report: other voices of the same languages (es-419, fr-be, de+f3, pt) through the
// capture codec (pink noise 15 dB below the speech, then Opus 24 kbit/s WebM), strings from seed
// 2. The chain thresholds are chosen on the calibration split (most right strings accepted with
// no wrong one accepted) and only reported on the other.
// Negatives for every clip: another digit string of its language; the string with one digit
// changed; its own digits expected in each other language; and every real clip of
// ../shared/data/speech (English, French, Russian, Chinese speech, none of it digits in that
// language) against a random string of each language. No real recording of es/fr/de/pt digits
// exists in the data set, so acceptance is measured on generated speech only.
import { join } from 'node:path';
import { toSpeechWav } from '../src/engines/speech/audio.ts';
import type { Language } from '../src/engines/speech/port.ts';
import { PocketsphinxTranscriber } from '../src/engines/speech/pocketsphinx.ts';
import { numberToWords } from '../src/speech/numbers.ts';
import type { ExpectedPhrase } from '../src/speech/phrase.ts';
import { FOREIGN_DIGITS_CHAIN, SPOTTABLE_DIGITS, verifyDigitsBySpotting } from '../src/speech/spot-digits.ts';
import { chainUnits, sequencesToSpot, wholeDigitsUnit, type ChainParams } from '../src/speech/word-chain.ts';
import { synthSpeech } from '../test/unit/speech/synth.ts';
import { DATA, loadClips, MemoEngine, throughCodec, wilson } from './speech-sets.ts';

type Lang = Exclude<Language, 'en'>;
const LANGS: Lang[] = ['es', 'fr', 'de', 'pt'];
const SPLITS = {
  calibration: { voices: { es: 'es', fr: 'fr-fr', de: 'de', pt: 'pt-br' } as Record<Lang, string>, noise: 0.02, codec: false, seed: 1 },
  // Clean voices into the capture codec, which adds its own noise (15 dB below the speech), as the English codec pass does.
  report: { voices: { es: 'es-419', fr: 'fr-be', de: 'de+f3', pt: 'pt' } as Record<Lang, string>, noise: 0, codec: true, seed: 2 },
};
type Split = keyof typeof SPLITS;
const STRINGS_PER_LANGUAGE = 8;
const DIGITS = 6;

interface Case { wav: string; lang: Language; expected: ExpectedPhrase; kind: 'right' | 'other_string' | 'one_digit' | 'other_language' | 'unrelated'; said: string }

/** A small deterministic generator (mulberry32): the same strings on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** What a session asks for: six digits of the language's alphabet (SPOTTABLE_DIGITS; all ten with --all-digits). */
const digitString = (r: () => number, from: readonly number[] = ALL): string => Array.from({ length: DIGITS }, () => String(from[Math.floor(r() * from.length)])).join(' ');
const phrase = (text: string, language: Language): ExpectedPhrase => ({ kind: 'digits', language, text });

async function splitCases(dir: string, split: Split, allDigits: boolean): Promise<Case[]> {
  const s = SPLITS[split];
  const r = rng(s.seed);
  const cases: Case[] = [];
  for (const lang of LANGS) {
    const alphabet = allDigits ? ALL : SPOTTABLE_DIGITS[lang];
    for (let i = 0; i < STRINGS_PER_LANGUAGE; i++) {
      const text = digitString(r, alphabet);
      // Said with a short pause between digits, as people read a code aloud.
      const said = text.split(' ').map((d) => numberToWords(Number(d), lang)).join(', ');
      const name = `${split}-${lang}-${i}`;
      let wav = await synthSpeech(dir, name, said, { tts: 'espeak-ng', voice: s.voices[lang] }, s.noise);
      if (s.codec) { const out = join(dir, `${name}.codec.wav`); await throughCodec(wav, out); wav = out; }
      const label = `${s.voices[lang]} "${said}"`;
      cases.push({ wav, lang, expected: phrase(text, lang), kind: 'right', said: label });
      // Another code this language could be asked for, and this one with one digit replaced by any other digit.
      cases.push({ wav, lang, expected: phrase(digitString(r, alphabet), lang), kind: 'other_string', said: label });
      const toks = text.split(' ');
      const k = Math.floor(r() * DIGITS);
      toks[k] = String((Number(toks[k]) + 1 + Math.floor(r() * 9)) % 10);
      cases.push({ wav, lang, expected: phrase(toks.join(' '), lang), kind: 'one_digit', said: label });
      for (const other of LANGS) if (other !== lang) cases.push({ wav, lang: other, expected: phrase(text, other), kind: 'other_language', said: label });
    }
  }
  return cases;
}

/** Every real clip of the data set (no digits in any of our languages) against a random string per language. */
async function unrelatedCases(dir: string, split: Split): Promise<Case[]> {
  const r = rng(SPLITS[split].seed + 100);
  const cases: Case[] = [];
  for (const [i, clip] of loadClips().clips.entries()) {
    const wav = join(dir, `real-${i}.wav`);
    await toSpeechWav(join(DATA, clip.file), wav);
    for (const lang of LANGS) cases.push({ wav, lang, expected: phrase(digitString(r), lang), kind: 'unrelated', said: `${clip.language} ${clip.file}` });
  }
  return cases;
}

/** Spots every clip once per language for the union of what it is tried against, then judges any chain parameters quickly. */
function memoFor(cases: Case[]): Map<Language, MemoEngine> {
  const engines = new Map<Language, MemoEngine>();
  for (const c of cases) {
    let e = engines.get(c.lang);
    if (!e) { e = new MemoEngine(new PocketsphinxTranscriber()); engines.set(c.lang, e); }
    const units = chainUnits('digits', c.expected.text, c.lang);
    const whole = wholeDigitsUnit(c.expected.text, c.lang);
    e.register(c.wav, sequencesToSpot(whole ? [...units, whole] : units));
  }
  return engines;
}

interface Count { n: number; acc: number }
type Table = Map<string, Count>;

async function judge(cases: Case[], engines: Map<Language, MemoEngine>, params: ChainParams, details = false): Promise<Table> {
  const t: Table = new Map();
  for (const c of cases) {
    const engine = engines.get(c.lang);
    if (!engine) throw new Error(`no engine for ${c.lang}`);
    const v = await verifyDigitsBySpotting(c.wav, c.expected, c.lang, engine, undefined, params);
    const key = `${c.kind === 'other_language' || c.kind === 'unrelated' ? c.lang : (c.lang as string)}/${c.kind}`;
    const k = t.get(key) ?? { n: 0, acc: 0 };
    k.n++;
    if (v.status === 'SUCCESS') k.acc++;
    t.set(key, k);
    if (details && ((c.kind === 'right') !== (v.status === 'SUCCESS'))) {
      console.log(`    ${c.kind === 'right' ? 'missed' : 'ACCEPTED'} ${c.lang} "${c.expected.text}" ← ${c.said}  (${v.evidence.chain?.failure ?? 'ok'}, ${v.evidence.chain?.scorePerPhone})`);
    }
  }
  return t;
}

const sum = (t: Table, kind: string, lang?: string): Count => [...t].filter(([k]) => k.endsWith(`/${kind}`) && (!lang || k.startsWith(`${lang}/`)))
  .reduce((a, [, v]) => ({ n: a.n + v.n, acc: a.acc + v.acc }), { n: 0, acc: 0 });
const negatives = ['other_string', 'one_digit', 'other_language', 'unrelated'];
const falseAccepts = (t: Table): number => negatives.reduce((n, k) => n + sum(t, k).acc, 0);

function print(t: Table, split: string, params: ChainParams): void {
  console.log(`\n  split "${split}", thresholds acceptPerPhone ${params.acceptPerPhone}, numberMinPerPhone ${params.numberMinPerPhone}, decoyMargin ${params.decoyMargin}`);
  console.log(`  ${'language'.padEnd(9)}${'right accepted'.padEnd(22)}${'other string'.padEnd(15)}${'one digit off'.padEnd(15)}${'other language'.padEnd(16)}unrelated real speech  (wrong: accepted/tried)`);
  for (const lang of LANGS) {
    const r = sum(t, 'right', lang);
    const f = (k: string): string => { const c = sum(t, k, lang); return `${c.acc}/${c.n}`.padEnd(15); };
    console.log(`  ${lang.padEnd(9)}${`${r.acc}/${r.n} (${wilson(r.acc, r.n)})`.padEnd(22)}${f('other_string')}${f('one_digit')}${f('other_language').padEnd(16)}${f('unrelated')}`);
  }
  const r = sum(t, 'right');
  const neg = negatives.reduce((a, k) => ({ n: a.n + sum(t, k).n, acc: a.acc + sum(t, k).acc }), { n: 0, acc: 0 });
  console.log(`  all      right ${r.acc}/${r.n} (${wilson(r.acc, r.n)}); wrong accepted ${neg.acc}/${neg.n}`);
}

/** Candidate thresholds, from the English defaults to looser ones (the decoys still guard each digit). */
const GRID: Partial<ChainParams>[] = [0, -0.5, -1, -2].flatMap((numberMinPerPhone) => [1.5, 1, 0.5, 0].map((acceptPerPhone) => ({ acceptPerPhone, numberMinPerPhone })));

export async function languagesBench(dir: string, o: { details: boolean; allDigits: boolean }): Promise<void> {
  console.log(`\n== digits in es/fr/de/pt: English acoustic model + espeak-ng pronunciations (speech/spot-digits.ts); ${o.allDigits ? 'all ten digits' : 'SPOTTABLE_DIGITS per language'} ==`);
  const cal = [...await splitCases(dir, 'calibration', o.allDigits), ...await unrelatedCases(dir, 'calibration')];
  const rep = [...await splitCases(dir, 'report', o.allDigits), ...await unrelatedCases(dir, 'report')];
  const calEngines = memoFor(cal);
  const repEngines = memoFor(rep);
  let best: { params: ChainParams; right: number } | null = null;
  console.log('  calibration sweep (right accepted / wrong accepted):');
  for (const g of GRID) {
    const params = { ...FOREIGN_DIGITS_CHAIN, ...g };
    const t = await judge(cal, calEngines, params);
    const right = sum(t, 'right').acc, wrong = falseAccepts(t);
    console.log(`    acceptPerPhone ${String(params.acceptPerPhone).padEnd(4)} numberMinPerPhone ${String(params.numberMinPerPhone).padEnd(4)} → ${right}/${sum(t, 'right').n}, wrong ${wrong}`);
    if (wrong === 0 && (!best || right > best.right)) best = { params, right };
  }
  const shipped = FOREIGN_DIGITS_CHAIN;
  console.log(`  calibration pick (most right, no wrong accepted): ${best ? JSON.stringify({ acceptPerPhone: best.params.acceptPerPhone, numberMinPerPhone: best.params.numberMinPerPhone }) : 'none'}; ` +
    `shipped FOREIGN_DIGITS_CHAIN: ${JSON.stringify({ acceptPerPhone: shipped.acceptPerPhone, numberMinPerPhone: shipped.numberMinPerPhone })}`);
  print(await judge(cal, calEngines, shipped, o.details), 'calibration', shipped);
  print(await judge(rep, repEngines, shipped, o.details), 'report (held out)', shipped);
}
