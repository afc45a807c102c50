// Client-computed landmarks and head pose are never used for a decision; they are compared with
// what the server measured on the same frames. A client whose numbers describe other pictures than
// the ones it uploaded (a script feeding canned values, frames swapped after the measurement) shows
// up here. Formats differ between SDKs (degrees or radians, mirrored or not, pixels or 0–1), so the
// comparisons are unit- and sign-tolerant.

import type { Box, DetectedFace } from '../engines/face/port.ts';
import type { CheckOutcome } from './outcome.ts';
import { round } from './replay.ts';

interface ClientFrameData {
  headPose?: unknown;
  landmarks?: unknown;
  server: DetectedFace | null;
  width: number;
  height: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** {yaw, pitch, roll} in any unit, or {x: pitch, y: yaw, z: roll} (three.js / MediaPipe order). */
function parseClientPose(v: unknown): { yaw: number; pitch: number } | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const yaw = num(o.yaw) ?? num(o.y);
  const pitch = num(o.pitch) ?? num(o.x);
  return yaw !== null && pitch !== null ? { yaw, pitch } : null;
}

/** Arrays of [x, y] / {x, y}, possibly wrapped ({positions}, {landmarks}, [[…]] per face). */
function parseClientLandmarks(v: unknown): Array<[number, number]> {
  let list: unknown = v;
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    const o = list as Record<string, unknown>;
    list = o.positions ?? o.landmarks ?? o.points ?? o.faceLandmarks ?? [];
  }
  if (Array.isArray(list) && Array.isArray(list[0]) && Array.isArray((list[0] as unknown[])[0])) list = list[0];
  if (Array.isArray(list) && Array.isArray(list[0]) && typeof (list[0] as unknown[])[0] === 'object') list = list[0];
  if (!Array.isArray(list)) return [];
  const out: Array<[number, number]> = [];
  for (const p of list.slice(0, 2000)) {
    const x = Array.isArray(p) ? num(p[0]) : num((p as Record<string, unknown> | null)?.x);
    const y = Array.isArray(p) ? num(p[1]) : num((p as Record<string, unknown> | null)?.y);
    if (x !== null && y !== null) out.push([x, y]);
  }
  return out;
}

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2;
  }
  return saa && sbb ? sab / Math.sqrt(saa * sbb) : 0;
}

const range = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

/**
 * Pose: where the server sees ≥ 10° of movement, the client's series must follow it (|r| ≥ 0.5,
 * either sign: mirrored previews flip yaw). Where the server sees a still head (< 5°), the client
 * must not claim a turn (> 15°, after converting radians). 10°/15° are the challenge thresholds'
 * order of magnitude; smaller differences are estimator disagreement, not a different picture.
 */
function comparePose(pairs: Array<{ c: { yaw: number; pitch: number }; s: DetectedFace }>) {
  if (pairs.length < 3) return { mismatch: false, note: 'fewer than 3 frames with client pose' };
  const out: Record<string, unknown> = {};
  let mismatch = false;
  for (const axis of ['yaw', 'pitch'] as const) {
    const server = pairs.map((p) => p.s.pose[axis]);
    let client = pairs.map((p) => p.c[axis]);
    if (Math.max(...client.map(Math.abs)) <= Math.PI) client = client.map((x) => (x * 180) / Math.PI);
    const r = pearson(server, client);
    const bad = range(server) >= 10 ? Math.abs(r) < 0.5 : range(server) < 5 && range(client) > 15;
    out[axis] = { serverRange: round(range(server), 1), clientRange: round(range(client), 1), r: round(r, 3), bad };
    mismatch ||= bad;
  }
  return { mismatch, ...out };
}

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter || 1);
}

/** Landmarks: their bounding box must overlap the server's face box (IoU ≥ 0.3, mirrored or not). */
function landmarkIou(f: ClientFrameData): number | null {
  const pts = parseClientLandmarks(f.landmarks);
  if (pts.length < 5 || !f.server) return null;
  const normalised = pts.every(([x, y]) => Math.abs(x) <= 1.5 && Math.abs(y) <= 1.5);
  const sx = normalised ? f.width : 1, sy = normalised ? f.height : 1;
  const xs = pts.map(([x]) => x * sx), ys = pts.map(([, y]) => y * sy);
  const box = { x: Math.min(...xs), y: Math.min(...ys), width: range(xs), height: range(ys) };
  const mirrored = { ...box, x: f.width - box.x - box.width };
  return Math.max(iou(box, f.server.box), iou(mirrored, f.server.box));
}

export function checkClientData(frames: readonly ClientFrameData[]): CheckOutcome {
  const posePairs = frames.flatMap((f) => {
    const c = parseClientPose(f.headPose);
    return c && f.server ? [{ c, s: f.server }] : [];
  });
  const pose = comparePose(posePairs);
  const ious = frames.map(landmarkIou).filter((x): x is number => x !== null);
  // 0.3: a landmark cloud of the same face overlaps its detector box by ≥ 0.5 even with a
  // different landmark set (68 vs 468 points); below 0.3 it is somewhere else in the picture.
  const badLandmarks = ious.filter((x) => x < 0.3).length;
  const landmarksMismatch = ious.length > 0 && badLandmarks > ious.length / 3;
  const flagged = pose.mismatch || landmarksMismatch;
  return {
    reason: 'client_data_mismatch', flagged, blocking: false,
    evidence: { pose, landmarks: { frames: ious.length, lowOverlap: badLandmarks, minIou: ious.length ? round(Math.min(...ious), 3) : null } },
  };
}
