// Audio-visual sync benchmark (issue 20 item 3): is the person on screen the one speaking?
// Positives: windows of every clip with on-camera speech in ../shared/data/video (bench/av-sync-clips.ts),
// with their own audio. Negatives, made from the same windows: audio shifted by ±0.3, ±0.5, ±1, ±2 s
// (circularly within the clip, so speech stays under the face), audio of another clip (foreign), and
// read speech of ../shared/data/speech muxed onto the talking face (dubbed).
// Inputs are the pipeline's own: decode's frames at FRAME_RATE (10/s) through the face engine's mesh,
// and the 16 kHz mono WAV decode extracts (bench/av-sync-media.ts).
// Calibrate on the calibration split, report on the report split (bench/av-sync-clips.ts).
// Run: npm run bench:av-sync        (first run measures every frame: ~2 min on 2 cores; then cached)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioVisualSync, type PcmAudio } from '../src/liveness/av-sync.ts';
import type { LipFrame } from './av-sync-mouth.ts';
import { SPEECH_CLIPS } from './av-sync-clips.ts';
import { DATA, FPS, HOP_S, samples, WINDOW_S } from './av-sync-samples.ts';

/** The faces stage's phrase-window rate before this bench (2.5/s: every 4th decoded frame). */
const PIPELINE_PHRASE_EVERY = 4;
type Verdict = 'sync' | 'mismatch' | 'abstain';
interface Detector { name: string; run(lips: LipFrame[], audio: PcmAudio): { verdict: Verdict; r: number | null; lag: number | null } }

/** Every `every`-th decoded frame (the faces stage measured the phrase window at 2.5/s = every 4th before). */
const thin = (l: LipFrame[], every: number) => l.filter((_, i) => i % every === 0);
const openOf = (l: LipFrame[]) => l.flatMap((x) => (x.open === null ? [] : [{ t: x.t, open: x.open }]));
const verdictOf = (synced: boolean | null): Verdict => (synced === null ? 'abstain' : synced ? 'sync' : 'mismatch');

/** main's av-sync.ts (the BEFORE figure), read from git so the comparison runs in one command. */
async function mainVersion(): Promise<typeof audioVisualSync | null> {
  try {
    const src = execFileSync('git', ['show', 'main:src/liveness/av-sync.ts'], { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const file = join(mkdtempSync(join(tmpdir(), 'vkyc-av-main-')), 'av-sync.ts');
    writeFileSync(file, src);
    return ((await import(file)) as { audioVisualSync: typeof audioVisualSync }).audioVisualSync;
  } catch {
    return null;
  }
}

async function detectors(): Promise<Detector[]> {
  const run = (f: typeof audioVisualSync, every: number): Detector['run'] => (l, a) => {
    const r = f(openOf(thin(l, every)), a);
    return { verdict: verdictOf(r.synced), r: r.correlation, lag: r.lagSeconds };
  };
  const before = await mainVersion();
  return [
    ...(before ? [{ name: `BEFORE (main): mouthOpen at ${FPS / PIPELINE_PHRASE_EVERY}/s, broadband log RMS, one correlation, lags ±0.5 s`, run: run(before, PIPELINE_PHRASE_EVERY) }] : []),
    ...(process.argv.includes('--all') ? [
      { name: `now, mouthOpen at ${FPS / PIPELINE_PHRASE_EVERY}/s`, run: run(audioVisualSync, PIPELINE_PHRASE_EVERY) },
      { name: `now, mouthOpen at ${FPS / 2}/s`, run: run(audioVisualSync, 2) },
      // Inner-lip gap / eye-corner distance (bench/av-sync-mouth.ts) instead of the engine's gap / mouth width.
      { name: `now, lip gap / eye distance at ${FPS}/s`, run: (l: LipFrame[], a: PcmAudio) => { const r = audioVisualSync(l.flatMap((x) => (x.gap === null ? [] : [{ t: x.t, open: x.gap }])), a); return { verdict: verdictOf(r.synced), r: r.correlation, lag: r.lagSeconds }; } },
    ] : []),
    { name: `AFTER: mouthOpen at ${FPS}/s (every decoded frame), log RMS, 3 s sub-window mean correlation, lags ±1 s, abstain`, run: run(audioVisualSync, 1) },
  ];
}

const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}% (${k}/${n})` : 'n/a');

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'video/videos.csv')) || !existsSync(join(DATA, 'speech/transcripts.csv'))) {
    throw new Error(`bench:av-sync needs ../shared/data (video/ and speech/) at ${DATA}`);
  }
  const all = await samples();
  const verbose = process.argv.includes('--verbose');
  console.log(`windows of ${WINDOW_S} s (hop ${HOP_S} s) inside annotated speech; ${all.filter((s) => s.kind === 'genuine').length} genuine windows from ${SPEECH_CLIPS.length} clips; load average ${loadavg()[0]!.toFixed(1)}`);
  for (const d of await detectors()) {
    console.log(`\n== ${d.name} ==`);
    for (const split of ['calibration', 'report'] as const) {
      const rows = all.filter((s) => s.split === split).map((s) => ({ s, o: d.run(s.lips, s.audio) }));
      const kinds = [...new Set(rows.map((r) => r.s.kind))];
      const line = kinds.map((k) => {
        const ks = rows.filter((r) => r.s.kind === k);
        const good = k === 'genuine' ? ks.filter((r) => r.o.verdict === 'sync').length : ks.filter((r) => r.o.verdict === 'mismatch').length;
        const abst = ks.filter((r) => r.o.verdict === 'abstain').length;
        return `${k} ${k === 'genuine' ? 'accepted' : 'rejected'} ${pct(good, ks.length)}${abst ? ` abstain ${abst}` : ''}`;
      });
      const gen = rows.filter((r) => r.s.kind === 'genuine');
      const neg = rows.filter((r) => r.s.kind !== 'genuine');
      const count = (rs: typeof rows, v: Verdict) => rs.filter((r) => r.o.verdict === v).length;
      console.log(`[${split}] genuine: accepted (sync) ${pct(count(gen, 'sync'), gen.length)}, abstain ${count(gen, 'abstain')}, mismatch ${count(gen, 'mismatch')}; shifted/foreign/dubbed: rejected (mismatch) ${pct(count(neg, 'mismatch'), neg.length)}, abstain ${count(neg, 'abstain')}, passed as sync ${pct(count(neg, 'sync'), neg.length)}`);
      console.log(`   ${line.join(' | ')}`);
      for (const c of [...new Set(gen.map((r) => r.s.clip))]) {
        const g = gen.filter((r) => r.s.clip === c);
        const n = neg.filter((r) => r.s.clip === c);
        console.log(`   ${c.padEnd(9)} genuine ${g.map((r) => `${r.o.verdict[0]}${r.o.r === null ? '' : `(r=${r.o.r.toFixed(2)},lag=${r.o.lag})`}`).join(' ')}; negatives rejected ${pct(n.filter((r) => r.o.verdict === 'mismatch').length, n.length)}`);
        if (verbose) for (const r of n.filter((x) => x.o.verdict !== 'mismatch')) console.log(`      ${r.s.kind} @${r.s.from}: ${r.o.verdict} r=${r.o.r?.toFixed(2)} lag=${r.o.lag}`);
      }
    }
  }
}

await main();
process.exit(0);
