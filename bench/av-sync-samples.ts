// The samples of bench/av-sync.ts: windows of the speech clips with their own audio (genuine) and
// the negatives made from them (shifted, foreign, dubbed).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PcmAudio } from '../src/liveness/av-sync.ts';
import type { LipFrame } from './av-sync-mouth.ts';
import { SPEECH_CLIPS, type SpeechClip } from './av-sync-clips.ts';
import { lazyEngine, lipSeries, pipelineAudio } from './av-sync-media.ts';

export const DATA = resolve(import.meta.dirname, '../../shared/data');
/** The pipeline's FRAME_RATE (config default): every decoded frame. */
export const FPS = 10;
export const WINDOW_S = Number(process.env.AV_WINDOW_S ?? 6);
export const HOP_S = 1;
const SHIFTS = [-2, -1, -0.5, -0.3, 0.3, 0.5, 1, 2];

export interface Sample { clip: string; split: SpeechClip['split']; from: number; kind: string; lips: LipFrame[]; audio: PcmAudio }

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

export async function samples(): Promise<Sample[]> {
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

