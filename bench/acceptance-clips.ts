// Genuine clips of the acceptance bench (npm run bench:acceptance): what the person in each real
// clip of ../shared/data/video does and when, labelled by eye on 4 fps contact sheets
// (ffmpeg `fps=4,scale=120:-2,drawtext=%{pts},tile=10x8`), peaks cross-checked with the face
// engine's measures at 8 fps (yaw/pitch vs the first frames, eye openness, mouth, smile). Times are
// seconds from the start of the clip, ±0.25 s. The media stay in ../shared/data (never copied here).
//
// Which clips are genuine KYC-like captures:
// - the 12 liveportrait/driving_*.mp4: one person facing the camera, moving the head/face — all in.
// - trueface/obama_speech.mp4: OUT. Four people at similar size (Obama, Kerry, Biden, a woman in
//   red); the face engine finds 2–3 faces in every frame and the largest face alternates between
//   speakers, so it is not a single dominant face (a capture like it is rightly `multiple_faces`).
// - face_recognition/short_hamilton_clip.mp4 (stage performance, several actors) and
//   facenet-pytorch/video.mp4 (street, several walking people): OUT, not selfie/KYC captures.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChallengeType } from '../src/domain/liveness-challenges.ts';

export type Move = 'turn_left' | 'turn_right' | 'look_up' | 'look_down' | 'blink' | 'wink' | 'smile' | 'open_mouth' | 'speaking';

export interface GenuineClip {
  /** Short name; file = ../shared/data/video/liveportrait/driving_<name>.mp4 */
  name: string;
  duration: number;
  /** Everything seen on the contact sheet, in time order ([from, to] when it lasts). */
  moves: Array<{ move: Move; at: number; to?: number }>;
  /** The session's challenges (challenge_order fixed) and when the page would see each: the peak. */
  challenges: Array<{ type: ChallengeType; seen_at: number }>;
  /** Selfie: a frame at this time (neutral, eyes open, outside the recorded part when possible). */
  selfieAt: number;
  /** calibration: thresholds may be tuned on it; report: never looked at while tuning. */
  split: 'calibration' | 'report';
}

/**
 * Split: the 9 clips bench:liveness calibrated the challenge thresholds on (in-sample, see
 * DEFAULT_CHALLENGE_THRESHOLDS) are the calibration split; the 3 clips nobody had labelled before
 * this bench (d6, d11, d20) are the report split. Thresholds must be tuned on calibration only.
 */
export const GENUINE: GenuineClip[] = [
  {
    name: 'd12', duration: 7.32, split: 'calibration', selfieAt: 3.9,
    moves: [{ move: 'smile', at: 0.5, to: 2.9 }, { move: 'turn_left', at: 1.6, to: 1.9 }, { move: 'turn_right', at: 3.2, to: 3.5 }, { move: 'open_mouth', at: 4.6, to: 5.3 }, { move: 'smile', at: 6.1, to: 7.3 }],
    challenges: [{ type: 'smile', seen_at: 0.7 }, { type: 'turn_left', seen_at: 1.7 }, { type: 'turn_right', seen_at: 3.3 }, { type: 'open_mouth', seen_at: 4.8 }],
  },
  {
    name: 'd9', duration: 19.6, split: 'calibration', selfieAt: 4.0,
    moves: [{ move: 'blink', at: 0.4 }, { move: 'blink', at: 1.3 }, { move: 'blink', at: 6.4 }, { move: 'smile', at: 9.8, to: 12.0 }, { move: 'blink', at: 12.2 }, { move: 'blink', at: 14.1 }, { move: 'blink', at: 15.0 }, { move: 'blink', at: 17.6 }],
    challenges: [{ type: 'blink', seen_at: 0.4 }, { type: 'smile', seen_at: 10.0 }],
  },
  {
    name: 'd18', duration: 7.22, split: 'calibration', selfieAt: 6.8,
    moves: [{ move: 'open_mouth', at: 2.1, to: 3.0 }, { move: 'blink', at: 3.1 }, { move: 'smile', at: 3.9, to: 5.0 }, { move: 'open_mouth', at: 3.9, to: 5.0 }],
    challenges: [{ type: 'open_mouth', seen_at: 2.4 }, { type: 'blink', seen_at: 3.1 }, { type: 'smile', seen_at: 4.0 }],
  },
  {
    name: 'd14', duration: 17.9, split: 'calibration', selfieAt: 9.0,
    moves: [{ move: 'wink', at: 0.5 }, { move: 'smile', at: 0.75, to: 1.5 }, { move: 'wink', at: 3.5, to: 7.0 }, { move: 'smile', at: 11.2, to: 11.4 }],
    challenges: [{ type: 'blink', seen_at: 0.5 }, { type: 'smile', seen_at: 1.0 }],
  },
  {
    name: 'd3', duration: 11.82, split: 'calibration', selfieAt: 6.5,
    moves: [{ move: 'wink', at: 0.25, to: 0.5 }, { move: 'blink', at: 1.9 }, { move: 'look_down', at: 2.5, to: 5.0 }, { move: 'turn_left', at: 4.8, to: 6.1 }, { move: 'look_down', at: 8.1, to: 9.3 }, { move: 'open_mouth', at: 10.0, to: 11.6 }],
    // look_down: 2.5–5.0 is mostly the eyes looking down (head pitch moved < 8°, what the page's
    // face model also measures); the head itself goes down at 8.1–9.3, where the page sees it.
    challenges: [{ type: 'blink', seen_at: 1.9 }, { type: 'look_down', seen_at: 8.2 }, { type: 'open_mouth', seen_at: 10.2 }],
  },
  {
    name: 'd0', duration: 3.12, split: 'calibration', selfieAt: 0.1,
    moves: [{ move: 'smile', at: 0.75, to: 2.5 }, { move: 'blink', at: 2.6 }],
    challenges: [{ type: 'smile', seen_at: 0.9 }, { type: 'blink', seen_at: 2.6 }],
  },
  {
    name: 'd10', duration: 14.98, split: 'calibration', selfieAt: 9.0,
    moves: [{ move: 'speaking', at: 0, to: 4.0 }, { move: 'open_mouth', at: 3.1, to: 3.5 }, { move: 'smile', at: 5.0, to: 8.0 }, { move: 'blink', at: 7.4 }, { move: 'blink', at: 11.1 }, { move: 'speaking', at: 10.7, to: 14.4 }],
    challenges: [{ type: 'open_mouth', seen_at: 3.25 }, { type: 'smile', seen_at: 6.0 }, { type: 'blink', seen_at: 7.4 }],
  },
  {
    name: 'd13', duration: 11.73, split: 'calibration', selfieAt: 5.2,
    moves: [{ move: 'smile', at: 0.5, to: 4.5 }, { move: 'blink', at: 1.4 }, { move: 'smile', at: 6.0, to: 8.5 }, { move: 'smile', at: 9.0, to: 11.5 }],
    // The page reports the FIRST moment it sees the move after showing the prompt: her first smile.
    challenges: [{ type: 'smile', seen_at: 0.75 }],
  },
  {
    name: 'd19', duration: 8.36, split: 'calibration', selfieAt: 4.2,
    moves: [{ move: 'smile', at: 0.25, to: 0.5 }, { move: 'smile', at: 2.75, to: 3.0 }, { move: 'smile', at: 5.25, to: 5.75 }, { move: 'smile', at: 7.75, to: 8.36 }],
    challenges: [{ type: 'smile', seen_at: 7.9 }],
  },
  {
    name: 'd6', duration: 33.65, split: 'report', selfieAt: 0.5,
    moves: [{ move: 'open_mouth', at: 1.6, to: 2.7 }, { move: 'speaking', at: 2.7, to: 4.2 }, { move: 'blink', at: 6.9 }, { move: 'open_mouth', at: 7.5, to: 8.3 }, { move: 'wink', at: 12.6 }, { move: 'blink', at: 13.0 }, { move: 'wink', at: 15.6 }, { move: 'open_mouth', at: 16.4, to: 17.1 }, { move: 'smile', at: 21.5 }, { move: 'open_mouth', at: 25.6, to: 26.2 }, { move: 'look_down', at: 26.2 }, { move: 'blink', at: 31.0 }, { move: 'open_mouth', at: 32.6, to: 33.5 }],
    challenges: [{ type: 'open_mouth', seen_at: 1.9 }, { type: 'blink', seen_at: 6.9 }, { type: 'open_mouth', seen_at: 16.6 }],
  },
  {
    name: 'd11', duration: 9.01, split: 'report', selfieAt: 8.75,
    moves: [{ move: 'speaking', at: 0, to: 8.0 }, { move: 'open_mouth', at: 3.0 }, { move: 'turn_left', at: 4.5, to: 5.0 }, { move: 'blink', at: 6.0 }, { move: 'open_mouth', at: 6.5 }],
    challenges: [{ type: 'open_mouth', seen_at: 3.0 }, { type: 'turn_left', seen_at: 4.6 }, { type: 'blink', seen_at: 6.0 }],
  },
  {
    name: 'd20', duration: 7.01, split: 'report', selfieAt: 2.1,
    moves: [{ move: 'speaking', at: 0.4, to: 7.0 }, { move: 'open_mouth', at: 1.5 }, { move: 'open_mouth', at: 5.0 }],
    challenges: [{ type: 'open_mouth', seen_at: 1.5 }, { type: 'open_mouth', seen_at: 5.0 }],
  },
];

export const clipPath = (dataDir: string, name: string): string => `${dataDir}/video/liveportrait/driving_${name}.mp4`;

/**
 * What the per-clip calibration benches (loop-scan, freeze-scan, screen-replay) start from: the real
 * data dir (exits with a clear message when it is absent), `--split`, and the media cache dir
 * (`envDir` or a fresh temp dir).
 */
export function clipBench(name: string, envDir: string): { data: string; split: string | null; dir: string; tools: { ffmpeg: string; ffprobe: string } } {
  const data = resolve(import.meta.dirname, '../../shared/data');
  if (!existsSync(join(data, 'video/liveportrait'))) {
    console.error(`bench:${name} needs the real clips in ${data}/video (not found)`);
    process.exit(2);
  }
  const split = process.argv.includes('--split') ? process.argv[process.argv.indexOf('--split') + 1] ?? null : null;
  const dir = process.env[envDir] ?? mkdtempSync(join(tmpdir(), `vkyc-${name}-`));
  mkdirSync(dir, { recursive: true });
  return { data, split, dir, tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' } };
}
