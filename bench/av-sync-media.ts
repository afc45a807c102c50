// Inputs of bench/av-sync.ts, made by the pipeline's own code: decode's frames (extractFrames at
// FRAME_RATE, decodeImage), the face engine's mesh on each (analyzeFrames) and the 16 kHz mono WAV
// (extractAudio). Measuring the engine on every frame of every clip takes minutes on 2 cores, so
// the per-frame lip landmarks are cached in the OS temp dir (delete it to re-measure).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { FaceEngine } from '../src/engines/face/port.ts';
import { extractAudio, extractFrames } from '../src/engines/media/ffmpeg.ts';
import { readWav } from '../src/engines/speech/audio.ts';
import { analyzeFrames } from '../src/faces/analyze-frames.ts';
import { lipFrame, type LipFrame } from './av-sync-mouth.ts';
import { monoAudio, type PcmAudio } from '../src/liveness/av-sync.ts';

export const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const CACHE = join(tmpdir(), 'vkyc-bench-av-sync-cache');

/** Every decoded frame's lip measure (null: no face or no mesh) at `fps`, cached per clip and rate. */
export async function lipSeries(engine: () => Promise<FaceEngine>, file: string, fps: number): Promise<LipFrame[]> {
  mkdirSync(CACHE, { recursive: true });
  const key = join(CACHE, `${file.replace(/\W/g, '_')}_${fps}.json`);
  if (existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as LipFrame[];
  const dir = mkdtempSync(join(tmpdir(), 'vkyc-av-frames-'));
  try {
    const frames = await extractFrames(tools, file, dir, { fps, maxWidth: 640 });
    const inputs = frames.map((f) => ({ t: f.t, image: readFile(f.path).then(decodeImage) }));
    // The phrase window's settings in the faces stage: mesh on, no iris / expression models.
    const ms = await analyzeFrames(await engine(), inputs, { irisAt: () => false, expressionsAt: () => false });
    const out = ms.map((m) => lipFrame(m.t, m.faces[0] ?? null));
    writeFileSync(key, JSON.stringify(out));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 16 kHz mono track the pipeline extracts (decode stage), or null when the file has none. */
export async function pipelineAudio(file: string): Promise<PcmAudio | null> {
  const dir = mkdtempSync(join(tmpdir(), 'vkyc-av-wav-'));
  try {
    const wav = join(dir, 'a.wav');
    return (await extractAudio(tools, file, wav)) ? monoAudio(await readWav(wav)) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One engine for the whole run, loaded on first use (cached runs never load the models). */
export function lazyEngine(): () => Promise<FaceEngine> {
  let e: Promise<FaceEngine> | null = null;
  return () => (e ??= (async () => { const x = createFaceEngine(); await x.init(); return x; })());
}
