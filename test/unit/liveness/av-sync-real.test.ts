import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFaceEngine } from '../../../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../../../src/engines/face/image.ts';
import { extractAudio, extractFrames } from '../../../src/engines/media/ffmpeg.ts';
import { readWav } from '../../../src/engines/speech/audio.ts';
import { analyzeFrames } from '../../../src/faces/analyze-frames.ts';
import { audioVisualSync, monoAudio, type PcmAudio } from '../../../src/liveness/av-sync.ts';

// Real data (bench/av-sync-clips.ts: d6, a woman speaking to the camera), through the pipeline's own
// decode (10 frames/s, 16 kHz WAV) and the face engine's mesh: her own track is in sync, the same
// track one second late and a dubbed voice (whisper.cpp's jfk.wav) are not. Needs ../shared/data.
const DATA = resolve(import.meta.dirname, '../../../../shared/data');
const CLIP = join(DATA, 'video/liveportrait/driving_d6.mp4');
const DUB = join(DATA, 'speech/whisper.cpp/jfk.wav');
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const WINDOW = { from: 2, to: 8 };

test('a real talking clip is in sync with its own audio, not with it shifted by 1 s or dubbed', { timeout: 180_000 }, async () => {
  for (const f of [CLIP, DUB]) assert.ok(existsSync(f), `${f} is missing: this test needs the shared real data set (../shared/data next to the repository)`);
  const dir = mkdtempSync(join(tmpdir(), 'vkyc-av-real-'));
  const engine = createFaceEngine();
  try {
    const frames = await extractFrames(tools, CLIP, dir, { fps: 10, maxWidth: 640, maxSeconds: WINDOW.to });
    const inFrames = frames.filter((f) => f.t >= WINDOW.from).map((f) => ({ t: f.t, image: readFile(f.path).then(decodeImage) }));
    await engine.init();
    const measured = await analyzeFrames(engine, inFrames, { irisAt: () => false, expressionsAt: () => false });
    const mouth = measured.flatMap((m) => (m.faces[0] && Number.isFinite(m.faces[0].mouthOpen) ? [{ t: m.t, open: m.faces[0].mouthOpen }] : []));
    assert.ok(mouth.length >= 50, `only ${mouth.length} frames with a face mesh`);
    const wav = async (src: string, name: string): Promise<PcmAudio> => {
      const out = join(dir, name);
      assert.ok(await extractAudio(tools, src, out), `${src}: no audio`);
      return monoAudio(await readWav(out));
    };
    const own = await wav(CLIP, 'own.wav');
    const ok = audioVisualSync(mouth, own, { window: WINDOW });
    assert.equal(ok.synced, true, JSON.stringify({ r: ok.correlation, lag: ok.lagSeconds, note: ok.note }));
    const late = new Float32Array(own.samples.length);
    late.set(own.samples.subarray(0, own.samples.length - own.sampleRate), own.sampleRate);
    const shifted = audioVisualSync(mouth, { sampleRate: own.sampleRate, samples: late }, { window: WINDOW });
    assert.notEqual(shifted.synced, true, JSON.stringify({ r: shifted.correlation, lag: shifted.lagSeconds }));
    const dub = await wav(DUB, 'dub.wav');
    const dubbed = audioVisualSync(mouth.map((m) => ({ t: m.t - WINDOW.from, open: m.open })), dub);
    assert.notEqual(dubbed.synced, true, JSON.stringify({ r: dubbed.correlation, lag: dubbed.lagSeconds }));
  } finally {
    await (engine as { close?(): Promise<void> }).close?.();
    rmSync(dir, { recursive: true, force: true });
  }
});
