// Active-liveness benchmark on real head/face-motion clips (../shared/data/video/liveportrait):
// genuine challenge sequences labelled by eye, attacks built from them (still photo, photo panned and
// zoomed with ffmpeg, wrong order, looped frames, face swap), audio shifted against video, the
// passive anti-spoof model on ../shared/data/spoof, and the latency of verifyLiveness.
// Run: node --import tsx bench/liveness.ts        (needs Debian ffmpeg; ~5 min on 2 cores)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { CHALLENGE_TYPES, type ChallengeType } from '../src/domain/liveness-challenges.ts';
import { GENUINE } from './liveness-clips.ts';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { createFaceEnginePool } from '../src/engines/face/worker-pool.ts';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { FaceEngine } from '../src/engines/face/port.ts';
import { parseWav } from '../src/engines/speech/audio.ts';
import { audioVisualSync, monoAudio, type PcmAudio } from '../src/liveness/av-sync.ts';
import { frameSignature, meanAbsDiff, type FrameSignature } from '../src/liveness/frame-signature.ts';
import { verifyChallenges } from '../src/liveness/verify-challenges.ts';
import { createMemoryNonceStore } from '../src/liveness/memory-nonce-store.ts';
import { euclidean } from '../src/liveness/replay.ts';
import { percentile } from './faces-metrics.ts';
import { signChallengeToken } from '../src/liveness/token.ts';
import { assessCapture, embeddedFrames, measureFrame, verifyLiveness, type MeasuredFrame } from '../src/liveness/verify.ts';

const DATA = resolve(import.meta.dirname, '../../shared/data');
const VIDEO = join(DATA, 'video/liveportrait');
/** Frame rate of the sequences (LIVENESS_BENCH_FPS; 10 = the pipeline's default FRAME_RATE; 5 = an API client sending a frame every 200 ms). */
const FPS = Number(process.env.LIVENESS_BENCH_FPS ?? 10);
const tmp = mkdtempSync(join(tmpdir(), 'vkyc-bench-liveness-'));

interface Frame { t: number; m: Awaited<ReturnType<typeof measureFrame>>; reencoded: FrameSignature }

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// Optional cache of measurements between runs while tuning (LIVENESS_BENCH_CACHE=/some/dir).
const CACHE = process.env.LIVENESS_BENCH_CACHE;
const toJson = (_k: string, v: unknown) => (v instanceof Float32Array ? { f32: Array.from(v) } : v);
const fromJson = (_k: string, v: unknown) =>
  (v && typeof v === 'object' && 'f32' in v ? Float32Array.from((v as { f32: number[] }).f32) : v);
async function cached<T>(key: string, make: () => Promise<T>): Promise<T> {
  const file = CACHE ? join(CACHE, `${key}.json`) : null;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'), fromJson) as T;
  const v = await make();
  if (file) { mkdirSync(CACHE!, { recursive: true }); writeFileSync(file, JSON.stringify(v, toJson)); }
  return v;
}

async function measureDir(engine: FaceEngine, dir: string, t0: number): Promise<Frame[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
  const out: Frame[] = [];
  for (const [i, f] of files.entries()) {
    const bytes = readFileSync(join(dir, f));
    const img = await decodeImage(bytes);
    const m = await measureFrame(engine, img, false);
    // The same frame re-encoded at another JPEG quality: what a replayed frame looks like after a
    // second capture/encode, for the loop attack.
    const re = await decodeImage(await sharp(bytes).jpeg({ quality: 75 }).toBuffer());
    out.push({ t: t0 + i / FPS, m, reencoded: frameSignature(re, m.face?.box ?? null) });
  }
  return out;
}

async function clipFrames(engine: FaceEngine, clip: string, from: number, to: number): Promise<Frame[]> {
  const dir = join(tmp, `${clip}_${from}`);
  mkdirSync(dir, { recursive: true });
  return cached(`clip_${clip}_${from}_${to}_${FPS}`, async () => {
  ffmpeg(['-ss', String(from), '-t', String(to - from), '-i', join(VIDEO, `driving_${clip}.mp4`),
    '-vf', `fps=${FPS},scale='min(640,iw)':-2`, '-q:v', '3', join(dir, 'f_%04d.jpg')]);
  return measureDir(engine, dir, from);
  });
}

type Seq = { name: string; challenges: ChallengeType[]; frames: MeasuredFrame[] };

function toSequence(name: string, frames: Frame[], bounds: Array<{ type: ChallengeType; to: number }>, sig: 'm' | 're' = 'm'): Seq {
  const ms = frames.map((f, index) => {
    const ci = bounds.findIndex((b) => f.t < b.to);
    return { ...f.m, signature: sig === 'm' ? f.m.signature : f.reencoded, index, challengeIndex: ci < 0 ? bounds.length - 1 : ci, t: 1_700_000_000 + f.t };
  });
  // Keep only the embeddings verifyLiveness computes (the frontal frame and each challenge's peak):
  // the still-photo and face-swap checks must be measured on what production gives them.
  const keep = new Set(embeddedFrames(ms));
  for (const [i, f] of ms.entries()) if (!keep.has(i)) f.embedding = null;
  return { name, challenges: bounds.map((b) => b.type), frames: ms };
}

function assess(seq: Seq) {
  const ts = seq.frames.map((f) => f.t);
  const t0 = Math.min(...ts), t1 = Math.max(...ts);
  // The bench is not testing the token window: a window that covers the sequence.
  return assessCapture(seq.frames, { challenges: seq.challenges, window: { issuedAt: t0 - 1, expiresAt: t1 + 60, receivedAt: t1 + 1 } });
}

/** A still frame shown to the camera: optional pan/zoom (photo moved in front of a screen) + noise. */
async function photoAttack(engine: FaceEngine, clip: string, still: string, n: number, move: boolean, t0: number): Promise<Frame[]> {
  return cached(`${move ? 'pan' : 'still'}_${clip}_${n}_${FPS}`, async () => {
  const dir = mkdtempSync(join(tmp, move ? 'pan-' : 'still-'));
  const motion = move
    ? `zoompan=z='1+0.35*on/${n}':x='iw/2-(iw/zoom/2)+25*sin(on/2)':y='ih/2-(ih/zoom/2)+15*cos(on/3)':d=1:fps=${FPS}:s=512x512,`
    : '';
  // noise = camera sensor noise changing every frame (allf=t): a real re-capture is never bit-identical.
  if (!existsSync(still)) {
    ffmpeg(['-ss', String(t0), '-i', join(VIDEO, `driving_${clip}.mp4`), '-frames:v', '1', '-vf', "scale='min(640,iw)':-2", '-q:v', '3', still]);
  }
  ffmpeg(['-loop', '1', '-i', still, '-vf', `${motion}noise=alls=8:allf=t+u,fps=${FPS}`, '-frames:v', String(n), '-q:v', '3', join(dir, 'f_%04d.jpg')]);
  return measureDir(engine, dir, t0);
  });
}

/** Closest pair of face crops (grey-level MAD): consecutive frames and any frames ≥ 2 apart. */
function dupStats(seq: Seq): string {
  let cons = Infinity, far = Infinity;
  const f = seq.frames;
  for (let i = 0; i < f.length; i++) for (let j = i + 1; j < f.length; j++) {
    const d = meanAbsDiff(f[i]!.signature.faceThumb, f[j]!.signature.faceThumb);
    if (j === i + 1) cons = Math.min(cons, d); else far = Math.min(far, d);
  }
  return `mad(cons)=${cons.toFixed(2)} mad(far)=${far.toFixed(2)}`;
}

/** Values every challenge type reaches in windows where it was NOT asked: the spontaneous-motion
 * ceiling a threshold must stay above. */
function spontaneous(seqs: Seq[]): Map<ChallengeType, number[]> {
  const out = new Map<ChallengeType, number[]>();
  for (const s of seqs) {
    for (const t of CHALLENGE_TYPES) {
      const v = verifyChallenges(s.challenges.map(() => t), s.frames);
      v.results.forEach((r, i) => {
        if (s.challenges[i] === t || r.value === null) return;
        out.set(t, [...(out.get(t) ?? []), r.value]);
      });
    }
  }
  return out;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}% (${a}/${b})` : 'n/a');

async function main(): Promise<void> {
  if (!existsSync(VIDEO)) {
    console.log(`liveness bench: ${VIDEO} is absent — no numbers (the bench needs ../shared/data).`);
    return;
  }
  if (process.argv.includes('--latency')) {
    await latencyBench();
    return;
  }
  const engine = createFaceEngine();
  await engine.init();
  console.log(`models: ${JSON.stringify(engine.info())}\n`);
  const clips = new Map<string, Frame[]>();
  for (const g of GENUINE) clips.set(g.clip, await clipFrames(engine, g.clip, g.from, g.windows.at(-1)!.to));

  console.log('== genuine sequences (labelled by eye) ==');
  const genuine: Seq[] = GENUINE.map((g) => toSequence(`genuine ${g.clip}`, clips.get(g.clip)!, g.windows));
  const perType = new Map<string, { ok: number; n: number; values: string[] }>();
  let passed = 0;
  for (const s of genuine) {
    const a = assess(s);
    if (a.blocking.length === 0) passed++;
    for (const r of a.challenges.results) {
      const e = perType.get(r.type) ?? { ok: 0, n: 0, values: [] };
      e.n++; if (r.passed) e.ok++; e.values.push(r.value === null ? 'null' : r.value.toFixed(2));
      perType.set(r.type, e);
    }
    console.log(`${s.name.padEnd(16)} [${s.challenges.join(',')}] -> ${a.blocking.length ? 'REJECT ' + a.blocking.join(',') : 'pass'}  values=${a.challenges.results.map((r) => r.value?.toFixed(2)).join('/')} still=${JSON.stringify(a.checks.find((c) => c.reason === 'still_image')?.evidence)} swap=${JSON.stringify(a.checks.find((c) => c.reason === 'face_swap')?.evidence)} ${dupStats(s)}`);
  }
  console.log('spontaneous values (type reached where not asked) — thresholds must sit above these:');
  for (const [t, vs] of spontaneous(genuine)) {
    const sorted = [...vs].sort((a, b) => b - a);
    console.log(`  ${t.padEnd(11)} max ${sorted[0]?.toFixed(2)}  top5 ${sorted.slice(0, 5).map((v) => v.toFixed(2)).join(' ')}  (n=${vs.length})`);
  }
  console.log(`genuine pass rate: ${pct(passed, genuine.length)}`);
  for (const [t, e] of perType) console.log(`  ${t.padEnd(11)} detected ${pct(e.ok, e.n)} values ${e.values.join(' ')}`);

  console.log('\n== attacks ==');
  const attacks = new Map<string, { rejected: number; n: number; by: string[]; hardN: number; hardRejected: number }>();
  const genuinePassed = new Map(GENUINE.map((g, i) => [g.clip, assess(genuine[i]!).blocking.length === 0]));
  let current = '';
  const record = (kind: string, s: Seq) => {
    const a = assess(s);
    const e = attacks.get(kind) ?? { rejected: 0, n: 0, by: [], hardN: 0, hardRejected: 0 };
    e.n++; if (a.blocking.length) e.rejected++;
    // The informative cases: attacks built from a genuine sequence that itself passes.
    if (genuinePassed.get(current)) { e.hardN++; if (a.blocking.length) e.hardRejected++; }
    e.by.push(a.blocking.length ? a.blocking.join('+') : 'PASSED');
    attacks.set(kind, e);
    if (process.env.LIVENESS_BENCH_VERBOSE) {
      console.log(`  ${kind} ${s.challenges.join(',')} values=${a.challenges.results.map((r) => r.value?.toFixed(2)).join('/')} still=${JSON.stringify(a.checks.find((c) => c.reason === 'still_image')?.evidence)} swap=${JSON.stringify(a.checks.find((c) => c.reason === 'face_swap')?.evidence)} ${dupStats(s)}`);
    }
  };
  const multi = GENUINE.filter((g) => g.windows.length >= 2);
  for (const g of GENUINE) {
    current = g.clip;
    const frames = clips.get(g.clip)!;
    const first = join(tmp, `${g.clip}_still.jpg`);
    record('still photo', toSequence('still', await photoAttack(engine, g.clip, first, frames.length, false, g.from), g.windows));
    record('photo panned/zoomed', toSequence('pan', await photoAttack(engine, g.clip, first, frames.length, true, g.from), g.windows));
  }
  for (const g of multi) {
    current = g.clip;
    const frames = clips.get(g.clip)!;
    const types = g.windows.map((w) => w.type);
    // wrong order: the same real frames, but the server had asked for the challenges rotated by one
    const rotated = g.windows.map((w, i) => ({ ...w, type: types[(i + 1) % types.length]! }));
    if (rotated.some((w, i) => w.type !== types[i])) record('wrong order', toSequence('order', frames, rotated));
    // looped: the challenge asked third equals the first one, and the attacker replays window 0's
    // frames (re-encoded) for it: challenges pass, only the loop check can catch it.
    const w0 = frames.filter((f) => f.t < g.windows[0]!.to);
    const lastTo = g.windows.at(-1)!.to;
    const looped = [...frames, ...w0.map((f, i) => ({ ...f, t: lastTo + (i + 1) / FPS, m: { ...f.m }, reencoded: f.reencoded }))];
    const loopSeq = toSequence('loop', looped, [...g.windows, { type: g.windows[0]!.type, to: Infinity }]);
    for (const f of loopSeq.frames.slice(frames.length)) f.signature = looped[f.index]!.reencoded;
    record('looped frames', loopSeq);
  }
  // face swap: the last window's frames come from another person's clip doing the same challenge
  for (const g of multi) {
    current = g.clip;
    const last = g.windows.at(-1)!;
    const donor = GENUINE.find((d) => d.clip !== g.clip && d.windows.some((w) => w.type === last.type));
    if (!donor) continue;
    const di = donor.windows.findIndex((w) => w.type === last.type);
    const dFrom = di === 0 ? donor.from : donor.windows[di - 1]!.to;
    const dFrames = clips.get(donor.clip)!.filter((f) => f.t >= dFrom && f.t < donor.windows[di]!.to);
    const own = clips.get(g.clip)!.filter((f) => f.t < (g.windows.at(-2)?.to ?? 0));
    const start = g.windows.at(-2)!.to;
    const swapped = [...own, ...dFrames.map((f, i) => ({ ...f, t: start + i / FPS }))];
    record('face swap', toSequence('swap', swapped, g.windows.map((w, i, a) => (i === a.length - 1 ? { ...w, to: Infinity } : w))));
  }
  for (const [k, e] of attacks) {
    console.log(`${k.padEnd(20)} rejected ${pct(e.rejected, e.n)}; built from genuine sequences that pass: ${pct(e.hardRejected, e.hardN)}  by: ${e.by.join(' | ')}`);
  }

  await identityStats(clips);
  await avSyncBench(engine);
  await passiveBench(engine);
  await latencyBench();
  rmSync(tmp, { recursive: true, force: true });
}

/** Within-clip (same person) vs between-clip embedding distances, for the face-swap limit (0.6). */
async function identityStats(clips: Map<string, Frame[]>): Promise<void> {
  let within = 0, between = Infinity;
  const reps: Array<[string, Float32Array]> = [];
  for (const [clip, frames] of clips) {
    const e = frames.flatMap((f) => (f.m.embedding ? [f.m.embedding] : []));
    for (let i = 0; i < e.length; i++) for (let j = i + 1; j < e.length; j++) within = Math.max(within, euclidean(e[i]!, e[j]!));
    if (e[0]) reps.push([clip, e[0]]);
  }
  for (let i = 0; i < reps.length; i++) for (let j = i + 1; j < reps.length; j++) between = Math.min(between, euclidean(reps[i]![1], reps[j]![1]));
  console.log(`\nface-swap limit 0.6: max within-clip distance ${within.toFixed(3)}, min between-clip distance ${between.toFixed(3)}`);
}

/** Mouth opening (server-measured) vs speech energy: genuine track vs shifted / foreign tracks. */
async function avSyncBench(engine: FaceEngine): Promise<void> {
  console.log('\n== audio-visual sync (12.5 fps mouth, 16 kHz WAV, first 8 s) ==');
  const clips = ['liveportrait/driving_d10.mp4', 'liveportrait/driving_d20.mp4', 'liveportrait/driving_d11.mp4',
    'liveportrait/driving_d12.mp4', 'liveportrait/driving_d3.mp4', 'liveportrait/driving_d18.mp4', 'trueface/obama_speech.mp4'];
  const series: Series[] = [];
  for (const c of clips) {
    const src = join(DATA, 'video', c);
    const dir = mkdtempSync(join(tmp, 'av-'));
    ffmpeg(['-t', '8', '-i', src, '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', join(dir, 'a.wav')]);
    const mouth = await cached(`mouth_${c.replace(/\W/g, '_')}`, () => mouthSeries(engine, src, dir));
    series.push({ name: c.split('/').pop()!, mouth, wav: monoAudio(parseWav(readFileSync(join(dir, 'a.wav')))) });
  }
  await avSyncReport(series);
}

async function mouthSeries(engine: FaceEngine, src: string, dir: string): Promise<Array<{ t: number; open: number }>> {
  ffmpeg(['-t', '8', '-i', src, '-vf', "fps=12.5,scale='min(640,iw)':-2", '-q:v', '3', join(dir, 'f_%04d.jpg')]);
  const mouth: Array<{ t: number; open: number }> = [];
  for (const [i, f] of readdirSync(dir).filter((x) => x.endsWith('.jpg')).sort().entries()) {
    const faces = await engine.detect(await decodeImage(readFileSync(join(dir, f))), { mesh: true });
    const face = faces.reduce<(typeof faces)[number] | null>((a, x) => (!a || x.box.height > a.box.height ? x : a), null);
    if (face && Number.isFinite(face.mouthOpen)) mouth.push({ t: i / 12.5, open: face.mouthOpen });
  }
  return mouth;
}

type Series = { name: string; mouth: Array<{ t: number; open: number }>; wav: PcmAudio };
async function avSyncReport(series: Series[]): Promise<void> {
  const shift = (w: PcmAudio, s: number) => {
    const n = Math.round(Math.abs(s) * w.sampleRate);
    const out = new Float32Array(w.samples.length);
    if (s > 0) out.set(w.samples.subarray(0, w.samples.length - n), n); else out.set(w.samples.subarray(n));
    return { sampleRate: w.sampleRate, samples: out };
  };
  const rows: Array<{ kind: string; r: number | null; lag: number | null; synced: boolean | null }> = [];
  for (const [i, s] of series.entries()) {
    const variants: Array<[string, PcmAudio]> = [
      ['genuine', s.wav], ['shift +0.5s', shift(s.wav, 0.5)], ['shift -0.5s', shift(s.wav, -0.5)],
      ['shift +1.0s', shift(s.wav, 1)], ['shift +0.2s', shift(s.wav, 0.2)], ['foreign', series[(i + 1) % series.length]!.wav],
    ];
    const line: string[] = [];
    for (const [kind, wav] of variants) {
      const r = audioVisualSync(s.mouth, wav);
      rows.push({ kind, r: r.correlation, lag: r.lagSeconds, synced: r.synced });
      line.push(`${kind}: ${r.synced === null ? `n/a (${r.note})` : `${r.synced ? 'SYNC' : 'no'} r=${r.correlation!.toFixed(2)} lag=${r.lagSeconds}`}`);
    }
    console.log(`${s.name.padEnd(20)} ${line.join(' | ')}`);
  }
  const judged = rows.filter((r) => r.synced !== null);
  const gen = judged.filter((r) => r.kind === 'genuine');
  const att = judged.filter((r) => r.kind !== 'genuine' && r.kind !== 'shift +0.2s');
  console.log(`genuine accepted ${pct(gen.filter((r) => r.synced).length, gen.length)}; shifted ≥0.5 s / foreign rejected ${pct(att.filter((r) => !r.synced).length, att.length)}; +0.2 s shift (audio later: inside the natural mouth lead, may pass) rejected ${pct(judged.filter((r) => r.kind === 'shift +0.2s' && !r.synced).length, judged.filter((r) => r.kind === 'shift +0.2s').length)}`);
}

/** Human's passive antispoof on the tiny labelled spoof set (a smoke test, not an APCER estimate). */
async function passiveBench(engine: FaceEngine): Promise<void> {
  const dir = join(DATA, 'spoof');
  if (!existsSync(join(dir, 'labels.csv'))) { console.log('\nspoof set absent'); return; }
  console.log('\n== passive anti-spoof (Human antispoof, threshold 0.5) on ../shared/data/spoof — SMOKE SET ==');
  const rows = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  let apce = 0, nSpoof = 0, bpce = 0, nReal = 0;
  for (const [file, label, attack] of rows) {
    if (!file || !label) continue;
    const faces = await engine.detect(await decodeImage(readFileSync(join(dir, file))), { mesh: true, antispoof: true });
    const face = faces.reduce<(typeof faces)[number] | null>((a, x) => (!a || x.box.height > a.box.height ? x : a), null);
    const s = face?.antispoof ?? null;
    console.log(`  ${file.padEnd(28)} ${label.padEnd(5)} ${String(attack).padEnd(20)} antispoof=${s === null ? 'no face' : s.toFixed(3)} liveness=${face?.liveness?.toFixed(3) ?? '-'}`);
    if (s === null) continue;
    if (label === 'spoof') { nSpoof++; if (s >= 0.5) apce++; } else { nReal++; if (s < 0.5) bpce++; }
  }
  console.log(`APCER ${pct(apce, nSpoof)}  BPCER ${pct(bpce, nReal)}  (n=${nSpoof + nReal}: far too few for a rate)`);
}

/**
 * p50 of verifyLiveness end to end (decode, detect+mesh, embed, checks) for 8 frames at 640×480,
 * on the engine the server uses: FACE_WORKERS worker threads (default one per core, ≤ 4).
 * Run alone with --latency.
 */
async function latencyBench(): Promise<void> {
  const workers = loadConfig(process.env).FACE_WORKERS;
  const engine = workers > 0 ? createFaceEnginePool({ size: workers }) : createFaceEngine();
  await engine.init();
  const dir = mkdtempSync(join(tmp, 'lat-'));
  ffmpeg(['-t', '3.2', '-i', join(VIDEO, 'driving_d12.mp4'), '-vf', 'fps=2.5,scale=480:480,pad=640:480:80:0', '-q:v', '4', join(dir, 'f_%04d.jpg')]);
  const jpgs = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, 8).map((f) => readFileSync(join(dir, f)));
  const clock = { now: () => new Date() };
  const secret = 'bench-secret-bench-secret-bench-secret';
  const nonces = createMemoryNonceStore(clock);
  const times: number[] = [];
  const cpu: number[] = [];
  // 3 warm-up runs (JIT tiers of the JS around the models settle over the first few calls), then 15.
  const WARM = 3, RUNS = 15;
  for (let run = 0; run < WARM + RUNS; run++) {
    const { token, payload } = signChallengeToken({ sessionId: 's', projectId: 'p', challenges: ['smile', 'turn_left'] }, secret, clock);
    const frames = jpgs.map((b, i) => ({ challengeIndex: i < 4 ? 0 : 1, image: `data:image/jpeg;base64,${b.toString('base64')}`, timestamp: payload.issuedAt + 0.4 * i }));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await verifyLiveness({ body: { challengeToken: token, frames }, sessionId: 's', projectId: 'p' },
      { engine, decodeImage, tokenSecret: secret, nonces, clock });
    const c = process.cpuUsage(c0);
    if (run < WARM) continue;
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // CPU time is reported too: on a shared machine the wall time mostly measures the neighbours.
  await (engine as { close?(): Promise<void> }).close?.();
  console.log(`\nverifyLiveness, 8 frames 640x480, ${workers} face worker(s), ${RUNS} runs after ${WARM} warm-up: p50 wall ${percentile(times, 50).toFixed(0)} ms, p90 ${percentile(times, 90).toFixed(0)} ms; p50 CPU ${percentile(cpu, 50).toFixed(0)} ms (all threads) (wall runs sorted: ${times.map((t) => t.toFixed(0)).join(', ')}; target p50 ≤ 400 ms; load average ${loadavg()[0]!.toFixed(1)})`);
}

await main();
