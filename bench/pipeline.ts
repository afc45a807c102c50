// The real verify-session pipeline on a 30 s 640×480 self-record video (person A, zoom/pan motion,
// a spoken phrase over the first seconds), with a selfie and an ID card: every stage's wall time as
// the pipeline records it (stage_runs.duration_ms), and the face part (faces + face_match +
// liveness) against the issue's ≤ 5 s target. Run: npm run bench:pipeline [-- --runs 3]
//
// The media are generated (face-api's sample photos, flite, ffmpeg), so this runs without
// ../shared/data. The clip does not perform the scheduled challenges: the work done is the same,
// the decision is not the point here.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { headCrop, PERSON_A_S1 } from '../test/unit/faces/helpers.ts';
import { idCard, personA1, personA3 } from '../test/helpers/face-media.ts';
import { makeRuntime } from '../test/helpers/runtime.ts';
import { synthSpeech } from '../test/unit/speech/synth.ts';
import { percentile } from './faces-metrics.ts';

const run = promisify(execFile);
const FACE_STAGES = ['faces', 'face_match', 'liveness'];

async function clip(dir: string, phraseWav: string): Promise<string> {
  const png = join(dir, 'a.png');
  await (await import('sharp')).default({ create: { width: 960, height: 720, channels: 3, background: { r: 110, g: 118, b: 126 } } })
    .composite([{ input: await headCrop(1, PERSON_A_S1, 420), left: 270, top: 150 }]).png().toFile(png);
  const out = join(dir, 'clip.webm');
  // 30 s: the phrase, then silence; slow zoom and pan so consecutive frames differ.
  await run('ffmpeg', ['-y', '-v', 'error', '-loop', '1', '-i', png, '-i', phraseWav, '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono',
    '-filter_complex', '[1:a][2:a]concat=n=2:v=0:a=1[a]', '-map', '0:v', '-map', '[a]',
    '-vf', "zoompan=z='1.08+0.06*sin(2*PI*on/240)':x='iw/2-(iw/zoom/2)+25*sin(2*PI*on/300)':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=30",
    '-t', '30', '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-b:v', '800k', '-deadline', 'realtime', '-c:a', 'libopus', out]);
  return out;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-pipeline-'));
  const rt = await makeRuntime();
  try {
    console.log(`load average at start: ${loadavg().map((v) => v.toFixed(1)).join(' ')} (2 cores; timings scale with it)`);
    const selfie = await personA3();
    const document = await idCard(await personA1());
    const perStage = new Map<string, number[]>();
    const facePart: number[] = [];
    for (let r = 0; r < runs; r++) {
      const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['document', 'selfie', 'video'] } })).json();
      const token = new URL(s.capture_url).pathname.split('/').pop();
      const auth = { authorization: `Bearer ${token}` };
      const view = await (await rt.app.request('/v1/capture/session', { headers: auth })).json();
      const video = await clip(dir, await synthSpeech(dir, `phrase-${r}`, view.phrase.text, { tts: 'flite', voice: 'slt' }));
      for (const [path, body] of [['/document/front', document], ['/selfie', selfie], ['/video', await readFile(video)]] as const) {
        const res = await rt.app.request(`/v1/capture${path}`, { method: 'PUT', headers: auth, body: new Uint8Array(body) as Uint8Array<ArrayBuffer> });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      }
      await rt.app.request('/v1/capture/complete', { method: 'POST', headers: auth });
      const w = rt.startWorkers({ pollMs: 20 });
      await w.drain(600_000);
      await w.stop();
      const full = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
      const stages = full.verification.stages as Array<{ stage: string; duration_ms: number; result: Record<string, unknown> }>;
      let face = 0;
      for (const st of stages) {
        (perStage.get(st.stage) ?? perStage.set(st.stage, []).get(st.stage)!).push(st.duration_ms);
        if (FACE_STAGES.includes(st.stage)) face += st.duration_ms;
      }
      facePart.push(face);
      const f = stages.find((x) => x.stage === 'faces')?.result as { frames_analyzed?: number } | undefined;
      console.log(`run ${r + 1}: ${stages.map((x) => `${x.stage} ${x.duration_ms} ms`).join(', ')}; frames analysed ${f?.frames_analyzed}; result ${full.result}`);
    }
    console.log(`\n[median of ${runs} runs, 30 s 640×480 clip + selfie + ID card]`);
    for (const [stage, ms] of perStage) console.log(`  ${stage.padEnd(11)} ${percentile(ms, 50).toFixed(0).padStart(6)} ms`);
    console.log(`  face part (${FACE_STAGES.join(' + ')}): ${percentile(facePart, 50).toFixed(0)} ms (target ≤ 5000 ms)`);
    console.log(`load average at end: ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  } finally {
    await rt.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
