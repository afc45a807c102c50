// Audio-visual sync benchmark (issue 20 item 3): is the person on screen the one speaking?
// Positives: windows of every clip with on-camera speech in ../shared/data/video (bench/av-sync-clips.ts),
// with their own audio. Negatives, made from the same windows: audio shifted by ±0.3, ±0.5, ±1, ±2 s
// (circularly within the clip, so speech stays under the face), audio of another clip (foreign), and
// read speech of ../shared/data/speech muxed onto the talking face (dubbed).
// Inputs are the pipeline's own: decode's frames at FRAME_RATE (10/s) through the face engine's mesh,
// and the 16 kHz mono WAV decode extracts (bench/av-sync-media.ts).
// Calibrate on the calibration split, report on the report split (bench/av-sync-clips.ts).
// Run: npm run bench:av-sync        (first run measures every frame: ~2 min on 2 cores; then cached)

import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { audioVisualSync, type PcmAudio } from '../src/liveness/av-sync.ts';
import type { LipFrame } from '../src/liveness/mouth-signal.ts';
import { SPEECH_CLIPS, type SpeechClip } from './av-sync-clips.ts';
import { lazyEngine, lipSeries, pipelineAudio } from './av-sync-media.ts';

const DATA = resolve(import.meta.dirname, '../../shared/data');
/** The pipeline's FRAME_RATE (config default): every decoded frame. */
const FPS = 10;
/** The faces stage's phrase-window rate before this bench (2.5/s: every 4th decoded frame). */
const PIPELINE_PHRASE_EVERY = 4;
const WINDOW_S = Number(process.env.AV_WINDOW_S ?? 6);
const HOP_S = 1.5;
const SHIFTS = [-2, -1, -0.5, -0.3, 0.3, 0.5, 1, 2];

type Verdict = 'sync' | 'mismatch' | 'abstain';
interface Detector { name: string; run(lips: LipFrame[], audio: PcmAudio): { verdict: Verdict; r: number | null; lag: number | null } }
interface Sample { clip: string; split: SpeechClip['split']; from: number; kind: string; lips: LipFrame[]; audio: PcmAudio }

function sliceAudio(a: PcmAudio, from: number, seconds: number, shift = 0): PcmAudio {
  // Audio shifted later by `shift`: the sound at window time t is the clip's sound at t − shift (circular).
  const n = Math.round(seconds * a.sampleRate), len = a.samples.length;
  const start = Math.round((from - shift) * a.sampleRate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a.samples[(((start + i) % len) + len) % len]!;
  return { sampleRate: a.sampleRate, samples: out };
}

function windowsOf(c: SpeechClip, end: number): number[] {
  const out: number[] = [];
  for (const [a, b0] of c.speech) {
    const b = Math.min(b0, end);
    if (b - a < 4) continue;
    if (b - a <= WINDOW_S) { out.push(a); continue; }
    for (let t = a; t + WINDOW_S <= b + 1e-6; t += HOP_S) out.push(t);
  }
  return out;
}

/** The read-speech set (transcripts.csv), each file through the pipeline's audio extraction, end to end. */
async function speechSet(): Promise<PcmAudio> {
  const csv = join(DATA, 'speech/transcripts.csv');
  const files = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
  const parts: Float32Array[] = [];
  for (const f of files) { const a = await pipelineAudio(join(DATA, 'speech', f)); if (a) parts.push(a.samples); }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return { sampleRate: 16000, samples: out };
}

async function samples(): Promise<Sample[]> {
  const engine = lazyEngine();
  const clips = [];
  for (const c of SPEECH_CLIPS) {
    const file = join(DATA, 'video', c.file);
    const lips = await lipSeries(engine, file, FPS);
    const audio = await pipelineAudio(file);
    if (!audio) throw new Error(`${c.file} has no audio track`);
    clips.push({ c, lips, audio });
  }
  const dub = await speechSet();
  const out: Sample[] = [];
  let dubAt = 0;
  for (const [ci, { c, lips, audio }] of clips.entries()) {
    const end = Math.min(lips.at(-1)!.t, audio.samples.length / audio.sampleRate);
    for (const from of windowsOf(c, end)) {
      const len = Math.min(WINDOW_S, end - from);
      const w = lips.filter((l) => l.t >= from && l.t < from + len).map((l) => ({ ...l, t: l.t - from }));
      const base = { clip: c.name, split: c.split, from, lips: w };
      out.push({ ...base, kind: 'genuine', audio: sliceAudio(audio, from, len) });
      for (const s of SHIFTS) out.push({ ...base, kind: `shift ${s > 0 ? '+' : ''}${s}s`, audio: sliceAudio(audio, from, len, s) });
      const other = clips[(ci + 1) % clips.length]!;
      out.push({ ...base, kind: 'foreign', audio: sliceAudio(other.audio, from, len) });
      out.push({ ...base, kind: 'dubbed', audio: sliceAudio(dub, dubAt, len) });
      dubAt += len;
    }
  }
  return out;
}

/** Every PIPELINE_PHRASE_EVERY-th frame: what the faces stage measured in the phrase window before. */
const sparse = (l: LipFrame[]) => l.filter((_, i) => i % PIPELINE_PHRASE_EVERY === 0);
const openOf = (l: LipFrame[]) => l.flatMap((x) => (x.open === null ? [] : [{ t: x.t, open: x.open }]));

const verdictOf = (synced: boolean | null): Verdict => (synced === null ? 'abstain' : synced ? 'sync' : 'mismatch');
const DETECTORS: Detector[] = [
  { name: 'before: mouthOpen 2.5/s, log RMS, single peak', run: (l, a) => { const r = audioVisualSync(openOf(sparse(l)), a); return { verdict: verdictOf(r.synced), r: r.correlation, lag: r.lagSeconds }; } },
  { name: 'mouthOpen 10/s, log RMS, single peak', run: (l, a) => { const r = audioVisualSync(openOf(l), a); return { verdict: verdictOf(r.synced), r: r.correlation, lag: r.lagSeconds }; } },
];

const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}% (${k}/${n})` : 'n/a');

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'video/videos.csv')) || !existsSync(join(DATA, 'speech/transcripts.csv'))) {
    throw new Error(`bench:av-sync needs ../shared/data (video/ and speech/) at ${DATA}`);
  }
  const all = await samples();
  const verbose = process.argv.includes('--verbose');
  console.log(`windows of ${WINDOW_S} s (hop ${HOP_S} s) inside annotated speech; ${all.filter((s) => s.kind === 'genuine').length} genuine windows from ${SPEECH_CLIPS.length} clips; load average ${loadavg()[0]!.toFixed(1)}`);
  for (const d of DETECTORS) {
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
      console.log(`[${split}] genuine accepted ${pct(gen.filter((r) => r.o.verdict === 'sync').length, gen.length)}; shifted/foreign/dubbed rejected ${pct(neg.filter((r) => r.o.verdict === 'mismatch').length, neg.length)}, passed as sync ${pct(neg.filter((r) => r.o.verdict === 'sync').length, neg.length)}`);
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
