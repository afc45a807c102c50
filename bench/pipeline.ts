import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { headCrop, PERSON_A_S1 } from '../test/unit/faces/helpers.ts';
import { idCard, personA1, personA3 } from '../test/helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../test/helpers/runtime.ts';
import { synthSpeech } from '../test/unit/speech/synth.ts';
import { readWav } from '../src/engines/speech/audio.ts';
import { cpuSample, cpuSince, loadAverage } from './cpu-clock.ts';
import { percentile } from './faces-metrics.ts';
import { naivePeer } from './pipeline-peer.ts';

const run = promisify(execFile);
const FACE_STAGES = ['faces', 'face_match', 'liveness'];
/** The issue's target for complete → decision of a 30 s self-record session (idle machine). */
const TARGET_MS = 6000;
const DEFAULT_CHALLENGES = 'turn_left,blink,smile';

const arg = (name: string): string | undefined => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);

/** How both video tracks are encoded: 30 s of VP8 at 800 kb/s, no audio (the session's phrase is added per run). */
const TRACK_ENCODING = ['-t', '30', '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-b:v', '800k', '-deadline', 'realtime', '-an'];

/**
 * A real person's recording as the 30 s video track (`--video FILE`, e.g. a clip of
 * ../shared/data/video): its first 30 s (looped when shorter), fitted into 640×480 with black bars,
 * 30 frames/s, VP8. The generated track below is a still photo moved around, and its face (face-api's
 * sample1) is tilted ~22°, which the faces stage does not track (track-hint.ts): a real recording
 * is what the issue's 6 s target is about.
 */
async function recordedTrack(dir: string, file: string): Promise<string> {
  const out = join(dir, 'track.webm');
  await run('ffmpeg', ['-y', '-v', 'error', '-stream_loop', '-1', '-i', file, '-map', '0:v:0',
    '-vf', 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=30',
    ...TRACK_ENCODING, out]);
  return out;
}

/** The 30 s video track (slow zoom and pan so consecutive frames differ), encoded once per bench run. */
async function videoTrack(dir: string): Promise<string> {
  const png = join(dir, 'a.png');
  await (await import('sharp')).default({ create: { width: 960, height: 720, channels: 3, background: { r: 110, g: 118, b: 126 } } })
    .composite([{ input: await headCrop(1, PERSON_A_S1, 420), left: 270, top: 150 }]).png().toFile(png);
  const out = join(dir, 'track.webm');
  await run('ffmpeg', ['-y', '-v', 'error', '-loop', '1', '-i', png,
    '-vf', "zoompan=z='1.08+0.06*sin(2*PI*on/240)':x='iw/2-(iw/zoom/2)+25*sin(2*PI*on/300)':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=30",
    ...TRACK_ENCODING, out]);
  return out;
}

/** The session's clip: the video track with this session's phrase, then silence, as Opus. */
async function clip(dir: string, track: string, phraseWav: string, r: number): Promise<string> {
  const out = join(dir, `clip-${r}.webm`);
  await run('ffmpeg', ['-y', '-v', 'error', '-i', track, '-i', phraseWav, '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono',
    '-filter_complex', '[1:a][2:a]concat=n=2:v=0:a=1[a]', '-map', '0:v', '-map', '[a]', '-t', '30', '-c:v', 'copy', '-c:a', 'libopus', out]);
  return out;
}

interface RunOutcome { wallMs: number; cpuMs: number; childrenMs: number; stages: Array<{ stage: string; duration_ms: number; result: Record<string, unknown> }>; result: string }

/**
 * What the capture page sends with `complete` (web/capture): where the phrase was said, and when it
 * showed each challenge and saw it done (here 1.2 s after showing it, one every 3 s after the phrase).
 * The server still verifies every challenge from the video; the report only narrows where it looks,
 * which is most of the frames analysed. `--no-page-report` completes without it (a client of the
 * bare API): every challenge window then runs to the end of the video.
 */
async function pageReportFor(phraseWav: string, challenges: string[]) {
  const wav = await readWav(phraseWav);
  const seconds = wav.samples.length / wav.channels / wav.sampleRate;
  const first = seconds + 1.5;
  return {
    phrase_window: { from: 0.2, to: Math.round((seconds + 0.3) * 10) / 10 },
    challenge_events: challenges.map((type, index) => ({ type, index, shown_at: Math.round((first + 3 * index) * 10) / 10, seen_at: Math.round((first + 3 * index + 1.2) * 10) / 10 })),
  };
}
const pageReport = !process.argv.includes('--no-page-report');

/** One session from creation to decision; the clock runs from `complete` to the finished job. */
async function oneSession(rt: TestRuntime, dir: string, track: string, r: number, uploads: Array<[string, Uint8Array]>, profile: { steps: string[]; challenges: string[] }): Promise<{ outcome: RunOutcome; video: string }> {
  const s = await (await rt.req('POST', '/v1/sessions', { profile: { ...profile, challenge_order: 'fixed' } })).json();
  const token = new URL(s.capture_url).pathname.split('/').pop();
  const auth = { authorization: `Bearer ${token}` };
  const view = await (await rt.app.request('/v1/capture/session', { headers: auth })).json();
  const phraseWav = await synthSpeech(dir, `phrase-${r}`, view.phrase.text, { tts: 'flite', voice: 'slt' });
  const video = await clip(dir, track, phraseWav, r);
  for (const [path, body] of [...uploads, ['/video', new Uint8Array(await readFile(video))] as [string, Uint8Array]]) {
    const res = await rt.app.request(`/v1/capture${path}`, { method: 'PUT', headers: auth, body: body as Uint8Array<ArrayBuffer> });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  const c0 = cpuSample();
  const report = pageReport ? JSON.stringify(await pageReportFor(phraseWav, profile.challenges)) : undefined;
  await rt.app.request('/v1/capture/complete', { method: 'POST', headers: report ? { ...auth, 'content-type': 'application/json' } : auth, body: report });
  const w = rt.startWorkers({ pollMs: 10 });
  await w.drain(600_000);
  const spent = cpuSince(c0);
  await w.stop();
  const full = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
  return { outcome: { wallMs: spent.wallMs, cpuMs: spent.cpuMs, childrenMs: spent.childrenMs, stages: full.verification.stages, result: full.result }, video };
}

async function main(): Promise<void> {
  const runs = Number(arg('--runs')) || 3;
  const peerEvery = Number(arg('--peer-every')) || 1;
  const withPeer = !process.argv.includes('--no-peer');
  const steps = process.argv.includes('--document') ? ['document', 'selfie', 'video'] : ['selfie', 'video'];
  // Fixed, so runs compare: the frames analysed depend on the challenges (a blink window is analysed
  // at every decoded frame, and without the page's report it runs to the end of the video).
  const challenges = (arg('--challenges') ?? DEFAULT_CHALLENGES).split(',');
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-pipeline-'));
  const rt = await makeRuntime();
  try {
    console.log(`load average at start: ${loadAverage()} (2 cores; wall times scale with it, CPU ms much less)`);
    const uploads: Array<[string, Uint8Array]> = [['/selfie', new Uint8Array(await personA3())]];
    if (steps.includes('document')) uploads.unshift(['/document/front', new Uint8Array(await idCard(await personA1()))]);
    // A verify worker loads its face models at start (cli/serve.ts warmModels): not part of a session's time.
    const w0 = cpuSample();
    await rt.deps.engines.face();
    console.log(`face models loaded in ${cpuSince(w0).wallMs.toFixed(0)} ms (before the first session)`);
    const recorded = arg('--video');
    const track = recorded ? await recordedTrack(dir, recorded) : await videoTrack(dir);
    console.log(`video track: ${recorded ? `${recorded} (first 30 s, fitted into 640×480)` : 'generated (face-api sample1, slow zoom and pan)'}`);
    const perStage = new Map<string, number[]>();
    const wall: number[] = [], cpu: number[] = [], facePart: number[] = [];
    let lastVideo = '';
    for (let r = 0; r < runs; r++) {
      const { outcome: o, video } = await oneSession(rt, dir, track, r, uploads, { steps, challenges });
      lastVideo = video;
      wall.push(o.wallMs);
      cpu.push(o.cpuMs);
      let face = 0;
      for (const st of o.stages) {
        (perStage.get(st.stage) ?? perStage.set(st.stage, []).get(st.stage)!).push(st.duration_ms);
        if (FACE_STAGES.includes(st.stage)) face += st.duration_ms;
      }
      facePart.push(face);
      const f = o.stages.find((x) => x.stage === 'faces')?.result as { frames_analyzed?: number } | undefined;
      console.log(`run ${r + 1}: complete→decision ${o.wallMs.toFixed(0)} ms wall, ${o.cpuMs.toFixed(0)} ms CPU (children ${o.childrenMs.toFixed(0)}), load ${loadAverage()}; ${o.stages.map((x) => `${x.stage} ${x.duration_ms}`).join(', ')} ms; frames analysed ${f?.frames_analyzed}; result ${o.result}`);
    }
    const med = (xs: number[]) => percentile(xs, 50);
    console.log(`\n[median of ${runs} runs, 30 s 640×480 VP8+Opus clip, steps ${steps.join(' + ')}, challenges ${challenges.join(', ')}]`);
    for (const [stage, ms] of perStage) console.log(`  ${stage.padEnd(11)} ${med(ms).toFixed(0).padStart(6)} ms`);
    // The face models start on the frames while decode runs (stages/video-faces.ts): part of their time is inside decode's.
    console.log(`  face part (${FACE_STAGES.join(' + ')}, after decode; the models start during decode): ${med(facePart).toFixed(0)} ms`);
    console.log(`  complete → decision: ${med(wall).toFixed(0)} ms wall (target ≤ ${TARGET_MS} ms idle), ${med(cpu).toFixed(0)} ms CPU`);
    if (withPeer) {
      console.log(`\nnaive peer: Human defaults on ${peerEvery === 1 ? 'every frame' : `every ${peerEvery}th frame (extrapolated to all)`} of the same clip, load ${loadAverage()}`);
      const p = await naivePeer(lastVideo, { width: 640, height: 480, every: peerEvery });
      console.log(`  ${p.framesRun} of ${p.framesInVideo} frames in ${p.wallMs.toFixed(0)} ms wall, ${p.cpuMs.toFixed(0)} ms CPU (${(p.wallMs / p.framesRun).toFixed(0)} ms/frame); faces found ${p.facesSeen}`);
      const peerCpu = p.cpuMs * (p.framesInVideo / p.framesRun);
      console.log(`  peer ${(p.estimatedWallMs / 1000).toFixed(1)} s${p.extrapolated ? ' (extrapolated)' : ''} vs ours ${(med(wall) / 1000).toFixed(1)} s: ${(p.estimatedWallMs / med(wall)).toFixed(1)}× wall, ${(peerCpu / med(cpu)).toFixed(1)}× CPU (target ≥ 50×)`);
    }
    console.log(`load average at end: ${loadAverage()}`);
  } finally {
    await rt.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
