// Video part of bench/faces.ts: generates a 30 s 640×480 clip with ffmpeg from one portrait
// (slow zoom + pan), extracts JPEG frames, and times the face part of the pipeline on them.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../src/engines/face/image.ts';
import type { FaceEngine } from '../src/engines/face/port.ts';
import { analyzeFrames, type FrameInput } from '../src/verification/faces/analyze-frames.ts';
import { bestFrames } from '../src/verification/faces/best-frames.ts';
import { passiveLiveness } from '../src/verification/faces/passive-liveness.ts';
import { trackFaces } from '../src/verification/faces/track-faces.ts';

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/**
 * Sampling plan (what the pipeline is expected to do): detector only at 1 fps for presence and
 * second faces; 5 fps with the mesh inside three 3-s challenge windows (blinks last 100–400 ms, so
 * 5 fps sees most of them); anti-spoof models on 5 frames; 5 frames embedded for identity.
 */
export const PLAN = { baseFps: 1, challengeFps: 5, windows: [[5, 8], [13, 16], [21, 24]] as Array<[number, number]> };
const inWindow = (t: number) => PLAN.windows.some(([a, b]) => t >= a && t < b);

export interface VideoTiming {
  frames: number;
  meshed: number;
  ffmpegGenerateMs: number;
  ffmpegExtractMs: number;
  decodeMs: number;
  analyzeMs: number;
  trackMs: number;
  totalFaceMs: number;
  /** CPU time of this process during the face part (excludes ffmpeg; ≈ wall time on an idle machine). */
  totalFaceCpuMs: number;
  reasons: string[];
  best: number;
  passive: number | null;
}

export async function benchVideo(engine: FaceEngine, portraitJpeg: Buffer): Promise<VideoTiming> {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-faces-'));
  try {
    const src = join(dir, 'portrait.jpg');
    await writeFile(src, portraitJpeg);
    const video = join(dir, 'clip.mp4');
    let t = performance.now();
    await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', src, '-t', '30', '-vf',
      "scale=960:720,zoompan=z='1.25+0.15*sin(on/45)':x='iw/2-(iw/zoom/2)+60*sin(on/35)':y='ih/2-(ih/zoom/2)+30*sin(on/50)':d=1:s=640x480:fps=30",
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video]);
    const ffmpegGenerateMs = performance.now() - t;
    t = performance.now();
    const framesDir = join(dir, 'frames');
    await run('mkdir', ['-p', framesDir]);
    await run('ffmpeg', ['-v', 'error', '-i', video, '-vf', `fps=${PLAN.challengeFps}`, '-q:v', '3', join(framesDir, 'f%05d.jpg')]);
    const ffmpegExtractMs = performance.now() - t;

    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const names = (await readdir(framesDir)).filter((n) => n.endsWith('.jpg')).sort();
    // Keep every frame inside challenge windows, 1 fps elsewhere.
    const step = PLAN.challengeFps / PLAN.baseFps;
    const chosen = names.map((n, i) => ({ n, t: i / PLAN.challengeFps })).filter(({ t }, i) => inWindow(t) || i % step === 0);
    const frames: FrameInput[] = [];
    for (const c of chosen) frames.push({ t: c.t, image: await decodeImage(await readFile(join(framesDir, c.n))) });
    const decodeMs = performance.now() - started;
    t = performance.now();
    const spoofTimes = new Set([5, 10, 15, 20, 25]);
    const measurements = await analyzeFrames(engine, frames, { meshAt: inWindow, antispoofAt: (x) => spoofTimes.has(x) });
    const analyzeMs = performance.now() - t;
    t = performance.now();
    const track = await trackFaces(engine, frames, measurements);
    const best = bestFrames(measurements, 3);
    const trackMs = performance.now() - t;
    return {
      frames: frames.length, meshed: measurements.filter((m) => m.meshed).length,
      ffmpegGenerateMs, ffmpegExtractMs, decodeMs, analyzeMs, trackMs,
      totalFaceMs: performance.now() - started,
      totalFaceCpuMs: cpuMs(process.cpuUsage(cpu0)),
      reasons: track.reasons, best: best.length, passive: passiveLiveness(measurements).score,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
