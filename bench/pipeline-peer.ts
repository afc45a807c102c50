// The naive peer of bench:pipeline: what an integrator gets by wiring @vladmandic/human with its
// default configuration (face detector + mesh + iris + emotion + faceres, body, hands, its frame
// cache) to every frame of the video, decoded at the video's own frame rate. Same WASM backend,
// same machine, same clip as our pipeline run, so the ratio is measured, not quoted.

import { spawn } from 'node:child_process';
import { loadHuman } from '../src/engines/face/human-loader.ts';
import { cpuSample, cpuSince } from './cpu-clock.ts';

export interface PeerResult {
  framesInVideo: number;
  framesRun: number;
  /** Wall/CPU ms of the frames run; `extrapolated` when only every k-th frame ran (--peer-every k). */
  wallMs: number;
  cpuMs: number;
  estimatedWallMs: number;
  extrapolated: boolean;
  facesSeen: number;
}

/** Every frame as raw RGB through a pipe (kinder to the peer than the JPEG files a naive integrator writes). */
async function* rawFrames(file: string, width: number, height: number): AsyncGenerator<Uint8Array> {
  const ff = spawn('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const size = width * height * 3;
  let buf = Buffer.alloc(0);
  try {
    for await (const chunk of ff.stdout) {
      buf = Buffer.concat([buf, chunk as Buffer]);
      while (buf.length >= size) {
        yield new Uint8Array(buf.subarray(0, size));
        buf = buf.subarray(size);
      }
    }
  } finally {
    ff.kill();
  }
}

export async function naivePeer(file: string, opts: { width: number; height: number; every?: number }): Promise<PeerResult> {
  const every = Math.max(1, Math.floor(opts.every ?? 1));
  const human = await loadHuman({ defaults: true });
  let framesInVideo = 0, framesRun = 0, facesSeen = 0;
  const c0 = cpuSample();
  for await (const rgb of rawFrames(file, opts.width, opts.height)) {
    if (framesInVideo++ % every !== 0) continue;
    const t = human.tf.tensor3d(rgb, [opts.height, opts.width, 3], 'int32');
    try {
      const r = await human.detect(t);
      if (r.error) throw new Error(`human: ${r.error}`);
      facesSeen += r.face.length;
    } finally {
      t.dispose();
    }
    framesRun++;
  }
  const { wallMs, cpuMs } = cpuSince(c0);
  return { framesInVideo, framesRun, wallMs, cpuMs, estimatedWallMs: wallMs * (framesInVideo / Math.max(1, framesRun)), extrapolated: framesRun < framesInVideo, facesSeen };
}
