// Speech benchmark: word error rate per language and real-time factor on real recordings
// (../shared/data/speech, read in place), spoken-phrase verification (right phrase accepted,
// other sentences and near-miss numbers rejected) on real speech, on the same speech through
// the capture codec with noise, and on generated speech (flite, espeak-ng, with pink noise),
// and the time of the speech stage on a 30 s video.
//
//   node --import tsx bench/speech.ts [--quick] [--details] [--stage-only] [--no-stage] [--languages] [--chain '{"acceptPerPhone":2}']
// --languages: only the digits of es/fr/de/pt spotted with the English model (speech-languages.ts);
// --all-digits: strings of all ten digits instead of each language's SPOTTABLE_DIGITS.
// --quick: one voice per synthesiser, no clean or codec passes. --details: a line per right
// phrase too. Whisper is measured too when VKYC_WHISPER_MODEL (and VKYC_WHISPER_BIN) are set.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LANGUAGES } from '../src/domain/languages.ts';
import type { Language, Transcriber } from '../src/engines/speech/port.ts';
import { toSpeechWav } from '../src/engines/speech/audio.ts';
import { PocketsphinxTranscriber } from '../src/engines/speech/pocketsphinx.ts';
import { WhisperCppTranscriber } from '../src/engines/speech/whisper-cpp.ts';
import { speechConfigFromEnv } from '../src/engines/speech/select.ts';
import { canonicalTokens, wordErrorRate } from '../src/speech/normalize.ts';
import { DEFAULT_CHAIN, templateWords, verifyAttempt } from '../src/speech/phrase.ts';
import { chainUnits, sequencesToSpot, type ChainParams } from '../src/speech/word-chain.ts';
import { cpuSeconds, DATA, ESPEAK, FLITE, isTuningClip, loadClips, MemoEngine, realTrials, syntheticTrials, throughCodec, wilson,
  type Clip, type Trial } from './speech-sets.ts';
import { stageBench } from './speech-stage.ts';
import { languagesBench } from './speech-languages.ts';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, details: { type: 'boolean', default: false },
  chain: { type: 'string' }, 'synthetic-only': { type: 'boolean', default: false }, 'no-stage': { type: 'boolean', default: false },
  'stage-only': { type: 'boolean', default: false }, languages: { type: 'boolean', default: false },
  'all-digits': { type: 'boolean', default: false } } });
const ENGINE_LANGS = new Set<string>(LANGUAGES);
const chain: ChainParams = { ...DEFAULT_CHAIN, ...(args.chain ? JSON.parse(args.chain) as Partial<ChainParams> : {}) };

async function werBench(engine: Transcriber, clips: { clip: Clip; wav: string }[]): Promise<void> {
  const byLang = new Map<string, { errs: number; words: number; audio: number; cpu: number; n: number }>();
  for (const { clip, wav } of clips) {
    const agg = byLang.get(clip.language) ?? { errs: 0, words: 0, audio: 0, cpu: 0, n: 0 };
    byLang.set(clip.language, agg);
    const lang = clip.language as Language;
    if (!ENGINE_LANGS.has(lang) || !engine.languages().includes(lang)) continue;
    const c0 = cpuSeconds();
    const t = await engine.transcribe(wav, lang);
    const cpu = cpuSeconds() - c0;
    const ref = canonicalTokens(clip.transcript, lang);
    const wer = wordErrorRate(ref, canonicalTokens(t.text, lang));
    Object.assign(agg, { errs: agg.errs + wer * ref.length, words: agg.words + ref.length, audio: agg.audio + clip.duration, cpu: agg.cpu + cpu, n: agg.n + 1 });
    console.log(`  ${clip.file.padEnd(68)} WER ${(100 * wer).toFixed(0).padStart(3)} %  ${cpu.toFixed(2)} CPU-s  "${t.text.slice(0, 60)}"`);
  }
  for (const [lang, a] of [...byLang].sort()) {
    if (!a.n) { console.log(`  ${lang}: no ${engine.name} model → transcript null, reason transcriber_unavailable (only whisper weights, when configured, cover it)`); continue; }
    console.log(`  ${engine.name} ${lang}: WER ${(100 * a.errs / a.words).toFixed(1)} % over ${a.n} clips / ${a.words} words; ` +
      `real-time factor ${(a.cpu / a.audio).toFixed(2)} CPU-s per audio second (${a.cpu.toFixed(1)} CPU-s for ${a.audio.toFixed(1)} s, model loading included)`);
  }
}

interface Tally { right: number; acc: number; wrong: number; falseAcc: number; near: number; nearAcc: number; byMethod: Record<string, number> }

async function phraseBench(engine: MemoEngine, trials: Trial[]): Promise<Map<string, Tally>> {
  for (const t of trials) engine.register(t.wav, sequencesToSpot(chainUnits(t.expected.kind, t.expected.text, 'en', templateWords('en'))));
  const tallies = new Map<string, Tally>();
  for (const t of trials) {
    const r = await verifyAttempt(t.wav, t.expected, 'en', engine, undefined, { chain });
    const ok = r.status === 'SUCCESS';
    const a = tallies.get(t.group) ?? { right: 0, acc: 0, wrong: 0, falseAcc: 0, near: 0, nearAcc: 0, byMethod: {} };
    tallies.set(t.group, a);
    const c = r.evidence.chain;
    const how = c ? `chain ${c.scorePerPhone}/phone${c.failure ? ` (${c.failure})` : ''}, skipped [${c.steps.filter((s) => !s.heard).map((s) => s.token).join(' ')}]` : 'no chain';
    if (t.kind === 'right') {
      a.right++;
      if (ok) a.acc++;
      if (!ok || args.details) console.log(`    ${ok ? 'accepted' : 'REJECTED'} ${t.label}: ${r.status} by ${r.evidence.method}; ${how}; heard "${(r.userInput ?? '').slice(0, 60)}"`);
    } else if (t.kind === 'near') {
      a.near++;
      if (ok) { a.nearAcc++; console.log(`    ACCEPTED NEAR MISS ${t.label} (${r.reason}; ${how})`); }
    } else {
      a.wrong++;
      if (ok) { a.falseAcc++; console.log(`    ACCEPTED WRONG ${t.label} (${r.reason}; ${how})`); }
    }
    if (ok) a.byMethod[r.reason] = (a.byMethod[r.reason] ?? 0) + 1;
  }
  return tallies;
}

const pct = (k: number, n: number): string => (n ? `${((100 * k) / n).toFixed(1)} % (${k}/${n}, 95 % CI ${wilson(k, n)})` : 'n/a');

function printTallies(title: string, tallies: Map<string, Tally>): void {
  const sum = (f: (t: Tally) => number): number => [...tallies.values()].reduce((s, t) => s + f(t), 0);
  const line = (name: string, get: (f: (t: Tally) => number) => number): void => {
    console.log(`  ${name}: right phrase accepted ${pct(get((t) => t.acc), get((t) => t.right))}; other sentences rejected ` +
      `${pct(get((t) => t.wrong - t.falseAcc), get((t) => t.wrong))}; near-miss numbers rejected ${pct(get((t) => t.near - t.nearAcc), get((t) => t.near))}`);
  };
  console.log(` ${title}`);
  if (tallies.size > 1) for (const [g, t] of tallies) line(g, (f) => f(t));
  line(tallies.size > 1 ? 'all' : [...tallies.keys()][0] ?? 'all', sum);
  const methods: Record<string, number> = {};
  for (const t of tallies.values()) for (const [k, v] of Object.entries(t.byMethod)) methods[k] = (methods[k] ?? 0) + v;
  console.log(`  successes by method: ${JSON.stringify(methods)}`);
}

async function main(): Promise<void> {
  const haveData = existsSync(join(DATA, 'transcripts.csv')) && !args['synthetic-only'];
  if (!haveData) console.log(`../shared/data/speech is absent or skipped (${DATA}): real-speech numbers not computed.`);
  const ps = new PocketsphinxTranscriber();
  const engines: Transcriber[] = ps.available() ? [ps] : [];
  const cfg = speechConfigFromEnv(process.env);
  if (cfg.whisper) engines.push(await WhisperCppTranscriber.create(cfg.whisper));
  else console.log('whisper.cpp: not measured (set VKYC_WHISPER_MODEL to a ggml model; no weights ship in any package)');
  console.log(`chain parameters: ${JSON.stringify(chain)}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (CPU-s are inflated when the other core is busy)`);
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-speech-'));
  try {
    const { listed, clips } = haveData ? loadClips() : { listed: 0, clips: [] };
    const prepared: { clip: Clip; wav: string }[] = [];
    for (const [i, clip] of clips.entries()) {
      const wav = join(dir, `clip${i}.wav`);
      await toSpeechWav(join(DATA, clip.file), wav);
      prepared.push({ clip, wav });
    }
    if (haveData) {
      const byLang = Object.entries(clips.reduce<Record<string, number>>((m, c) => ({ ...m, [c.language]: (m[c.language] ?? 0) + 1 }), {}));
      const claimed = /(\d+) clips/.exec(readFileSync(join(DATA, 'MANIFEST.md'), 'utf8'))?.[1];
      console.log(`clips: ${clips.length} present of ${listed} listed in transcripts.csv (${byLang.map(([l, n]) => `${l} ${n}`).join(', ')})` +
        `${claimed && Number(claimed) !== listed ? `; MANIFEST.md claims ${claimed} clips (picovoice/ and ljspeech/ are not in this copy)` : ''}`);
    }
    if (args.languages) {
      await languagesBench(dir, { details: args.details, allDigits: args['all-digits'] });
      return;
    }
    if (args['stage-only']) {
      console.log('\n== pocketsphinx: speech stage of a 30 s self-record video (decoded audio in, phrase check + transcript out)');
      await stageBench(new PocketsphinxTranscriber(), prepared.filter((p) => p.clip.language === 'en').map((p) => p.wav));
      return;
    }
    for (const e of engines) {
      const m = new MemoEngine(e);
      if (prepared.length) {
        console.log(`\n== ${e.name}: word error rate per language (canonical tokens: case, punctuation, numbers as digits)`);
        await werBench(m, prepared);
      }
      if (!e.languages().includes('en')) continue;
      if (prepared.length) {
        console.log(`\n== ${e.name}: phrase verification on real English speech (right: the clip's sentence; wrong: every other sentence; near miss: its first number +1)`);
        const group = (c: Clip): string => (isTuningClip(c.file) ? 'pocketsphinx-testdata clips (used for tuning)' : 'other clips (held out)');
        printTallies('real speech, 16 kHz as recorded', await phraseBench(m, realTrials(prepared, group)));
        if (!args.quick) {
          const coded = await Promise.all(prepared.map(async (p, i) => { const out = join(dir, `coded${i}.wav`); await throughCodec(p.wav, out); return { ...p, wav: out }; }));
          printTallies('real speech through Opus 24 kbit/s WebM with pink noise ~15 dB below it', await phraseBench(m, realTrials(coded, group)));
        }
      }
      console.log(`\n== ${e.name}: phrase verification on generated speech (our phrase kinds; names partly outside the dictionary)`);
      const flite = args.quick ? FLITE.slice(0, 1) : FLITE;
      const espeak = args.quick ? ESPEAK.slice(0, 1) : ESPEAK;
      printTallies('flite + pink noise (~15 dB SNR)', await phraseBench(m, await syntheticTrials(dir, flite, 0.03, 'flite+noise')));
      printTallies('espeak-ng + pink noise (~15 dB SNR)', await phraseBench(m, await syntheticTrials(dir, espeak, 0.03, 'espeak+noise')));
      if (!args.quick) {
        printTallies('flite, clean', await phraseBench(m, await syntheticTrials(dir, flite, 0, 'flite')));
        printTallies('espeak-ng, clean', await phraseBench(m, await syntheticTrials(dir, espeak, 0, 'espeak')));
      }
      if (!args['no-stage'] && e instanceof PocketsphinxTranscriber) {
        console.log(`\n== ${e.name}: speech stage of a 30 s self-record video (decoded audio in, phrase check + transcript out)`);
        await stageBench(new PocketsphinxTranscriber(), prepared.filter((p) => p.clip.language === 'en').map((p) => p.wav));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
