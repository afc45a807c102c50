// What POST …/liveness/verify decides on real frames, written out so two commits can be compared:
// a speed change to verifyLiveness must leave every result the same. The genuine sequences of
// bench:liveness (../shared/data/video/liveportrait), each sent as 8, 16 and 30 frames spread over
// it, as-is and as one still frame repeated; the 8-frame ones also with a passport photo (the
// sequence's last frame). A fixed clock, so the token window and the timestamps check do not
// depend on how fast the machine is; the face workers as the server runs them (FACE_WORKERS).
//
//   node --import tsx bench/verify-results.ts out.jsonl [--diff before.jsonl]
//
// --diff prints the sequences whose result differs from an earlier run, and which fields. Timings
// and model names are left out of the file; everything else of the result is in it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import { createFaceEnginePool } from '../src/engines/face/worker-pool.ts';
import { createMemoryNonceStore } from '../src/liveness/memory-nonce-store.ts';
import { signChallengeToken } from '../src/liveness/token.ts';
import { verifyLiveness } from '../src/liveness/verify.ts';
import { GENUINE } from './liveness-clips.ts';

const VIDEO = resolve(import.meta.dirname, '../../shared/data/video/liveportrait');
/** Extracted frames are kept between runs (the same JPEGs for both commits). */
const FRAMES = join(tmpdir(), 'vkyc-verify-results');
const FPS = 10;
const out = process.argv[2];
const diffWith = process.argv.includes('--diff') ? process.argv[process.argv.indexOf('--diff') + 1] : undefined;
if (!out) throw new Error('usage: bench/verify-results.ts out.jsonl [--diff before.jsonl]');

function clipFrames(clip: string, from: number, to: number): string[] {
  const dir = join(FRAMES, `${clip}_${from}_${to}`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', String(from), '-t', String(to - from), '-i', join(VIDEO, `driving_${clip}.mp4`),
      '-vf', `fps=${FPS},scale='min(640,iw)':-2`, '-q:v', '3', join(dir, 'f_%04d.jpg')]);
  }
  return readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(dir, f));
}

type Variant = 'as-is' | 'still' | 'passport';

const engine = createFaceEnginePool({ size: Math.max(1, loadConfig(process.env).FACE_WORKERS) });
await engine.init();
let nowMs = Date.parse('2026-12-01T10:00:00Z');
const clock = { now: () => new Date(nowMs) };
const secret = 'verify-results-secret-verify-results';
const nonces = createMemoryNonceStore(clock);
const lines: string[] = [];
for (const g of GENUINE) {
  const files = clipFrames(g.clip, g.from, g.windows.at(-1)!.to);
  for (const n of [8, 16, 30]) {
    const pick = Array.from({ length: n }, (_, i) => Math.min(files.length - 1, Math.floor((i * files.length) / n)));
    const variants: Variant[] = n === 8 ? ['as-is', 'still', 'passport'] : ['as-is', 'still'];
    for (const variant of variants) {
      nowMs += 60_000;
      const { token, payload } = signChallengeToken({ sessionId: 's', projectId: 'p', challenges: g.windows.map((w) => w.type) }, secret, clock);
      const frames = pick.map((k, i) => {
        const t = g.from + k / FPS;
        return {
          challengeIndex: Math.max(0, g.windows.findIndex((w) => t < w.to)),
          image: readFileSync(variant === 'still' ? files[pick[0]!]! : files[k]!).toString('base64'),
          timestamp: payload.issuedAt + 0.2 * i,
        };
      });
      const body = { challengeToken: token, frames, ...(variant === 'passport' ? { passport: readFileSync(files.at(-1)!).toString('base64') } : {}) };
      nowMs += 10_000; // received 10 s after the token: every frame time is in the past, however slow the run
      const r = await verifyLiveness({ body, sessionId: 's', projectId: 'p' }, { engine, decodeImage, tokenSecret: secret, nonces, clock });
      const { timingsMs: _t, models: _m, ...evidence } = r.evidence;
      const name = `${g.clip} n=${n} ${variant}`;
      lines.push(JSON.stringify({ name, passed: r.passed, reasons: r.reasons, score: r.score, details: r.details, evidence }));
      console.log(`${name.padEnd(22)} ${r.passed ? 'pass' : `decline ${r.reasons.join(',')}`} score ${r.score}`);
    }
  }
}
await engine.close();
writeFileSync(out, lines.join('\n') + '\n');

if (diffWith) {
  const before = new Map(readFileSync(diffWith, 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    return [r.name as string, r] as const;
  }));
  let same = 0;
  for (const l of lines) {
    const r = JSON.parse(l) as Record<string, unknown>;
    const b = before.get(r.name as string);
    const fields = b ? leafDiffs(b, r) : ['(absent before)'];
    if (fields.length === 0) same++;
    else console.log(`DIFF ${r.name}: ${fields.slice(0, 12).join(', ')}${fields.length > 12 ? ` … (${fields.length})` : ''}`);
  }
  console.log(`${same} of ${lines.length} results identical to ${diffWith}`);
}

/** Paths of the leaves that differ between two JSON values (frames[3].antispoof, details.score…). */
function leafDiffs(a: unknown, b: unknown, path = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => leafDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}
