import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '../../../src/engines/speech/audio.ts';
import { audioVisualSync, monoAudio } from '../../../src/liveness/av-sync.ts';

const readWav = (b: Buffer) => monoAudio(parseWav(b));

// A syllable-like loudness envelope (not periodic: two incommensurate rates), used both as the
// "mouth opening" of a synthetic speaker and to modulate noise into an audio track with ffmpeg.
const ENV = (t: string) => `max(0,sin(2*PI*1.7*(${t}))+sin(2*PI*2.9*(${t})+1)+1.2*sin(2*PI*0.37*(${t})+2))`;
const envelope = (t: number) =>
  Math.max(0, Math.sin(2 * Math.PI * 1.7 * t) + Math.sin(2 * Math.PI * 2.9 * t + 1) + 1.2 * Math.sin(2 * Math.PI * 0.37 * t + 2));

const dir = mkdtempSync(join(tmpdir(), 'vkyc-avsync-'));
function wav(shiftSeconds: number, name: string): Buffer {
  const file = join(dir, name);
  const expr = `${ENV(`t-(${shiftSeconds})`)}*(random(0)-0.5)*0.3`;
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=16000:d=6`, '-ac', '1', '-c:a', 'pcm_s16le', file]);
  return readFileSync(file);
}
const mouth = Array.from({ length: 150 }, (_, i) => ({ t: i / 25, open: Math.min(1, envelope(i / 25) / 3) }));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('parseWav + monoAudio read ffmpeg PCM16 mono at 16 kHz', () => {
  const a = readWav(wav(0, 'a.wav'));
  assert.equal(a.sampleRate, 16000);
  assert.equal(a.samples.length, 96000);
  assert.throws(() => readWav(Buffer.alloc(50)), /RIFF/);
});

test('in-sync audio passes; audio shifted by 0.5 s or 1 s fails', () => {
  const ok = audioVisualSync(mouth, readWav(wav(0, 'sync.wav')));
  assert.equal(ok.synced, true, JSON.stringify({ r: ok.correlation, lag: ok.lagSeconds }));
  assert.ok(Math.abs(ok.lagSeconds!) <= 0.04);
  for (const s of [0.5, -0.5, 1]) {
    const bad = audioVisualSync(mouth, readWav(wav(s, `s${s}.wav`)));
    assert.equal(bad.synced, false, `shift ${s}: r=${bad.correlation} lag=${bad.lagSeconds}`);
  }
});

test('shifts are found at the right lag; audio ahead of the mouth fails, a natural mouth lead passes', () => {
  const late = audioVisualSync(mouth, readWav(wav(0.2, 'l.wav')));
  assert.ok(Math.abs(late.lagSeconds! - 0.2) <= 0.04, `lag ${late.lagSeconds}`);
  assert.equal(late.synced, true, 'the mouth leading the voice by 0.2 s is natural speech');
  const early = audioVisualSync(mouth, readWav(wav(-0.25, 'e.wav')));
  assert.ok(Math.abs(early.lagSeconds! + 0.25) <= 0.04, `lag ${early.lagSeconds}`);
  assert.equal(early.synced, false);
});

test('silence or a still mouth cannot be judged (null, not a guess)', () => {
  const silent = { sampleRate: 16000, samples: new Float32Array(16000 * 6) };
  assert.equal(audioVisualSync(mouth, silent).synced, null);
  const still = mouth.map((m) => ({ ...m, open: 0.1 }));
  assert.equal(audioVisualSync(still, readWav(wav(0, 'b.wav'))).synced, null);
});

// Real speech (espeak-ng) and a mouth that opens wherever ffmpeg's silencedetect hears sound: an
// independent measure of the voice, like a face mesh is. Another sentence muxed on the same mouth is
// the dubbed case.
function speech(text: string, name: string, shiftSeconds = 0): Buffer {
  const raw = join(dir, `${name}.raw.wav`), out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '150', '-g', '12', '-w', raw, text]);
  const pad = shiftSeconds > 0 ? `adelay=${Math.round(shiftSeconds * 1000)},` : shiftSeconds < 0 ? `atrim=start=${-shiftSeconds},asetpts=PTS-STARTPTS,` : '';
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', raw, '-af', `${pad}apad=whole_dur=9`, '-t', '9', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', out]);
  return readFileSync(out);
}
function voicedMouth(file: string, fps = 10): Array<{ t: number; open: number }> {
  const err = execFileSync('sh', ['-c', `ffmpeg -hide_banner -nostats -i '${file}' -af silencedetect=n=-35dB:d=0.06 -f null - 2>&1`], { encoding: 'utf8' });
  const starts = [...err.matchAll(/silence_start: ([\d.]+)/g)].map((x) => Number(x[1]));
  const ends = [...err.matchAll(/silence_end: ([\d.]+)/g)].map((x) => Number(x[1]));
  const silent = (t: number) => starts.some((s, i) => t >= s && t < (ends[i] ?? Infinity));
  return Array.from({ length: 9 * fps }, (_, i) => ({ t: i / fps, open: silent(i / fps) ? 0.05 : 0.5 + 0.1 * Math.sin(i) }));
}

test('espeak-ng speech: its own track is in sync; shifted by ≥ 0.5 s or another sentence (dubbed) is not', () => {
  const text = 'four, seven. two; nine, one. eight, three';
  const own = join(dir, 'own.wav');
  assertAudio(speech(text, 'own'), own);
  const mouth10 = voicedMouth(own);
  const ok = audioVisualSync(mouth10, readWav(readFileSync(own)));
  assert.equal(ok.synced, true, JSON.stringify({ r: ok.correlation, lag: ok.lagSeconds, note: ok.note }));
  for (const s of [0.5, -0.5, 1, -1]) {
    const r = audioVisualSync(mouth10, readWav(speech(text, `sh${s}`, s)));
    assert.notEqual(r.synced, true, `shift ${s}: r=${r.correlation} lag=${r.lagSeconds}`);
  }
  const dub = audioVisualSync(mouth10, readWav(speech('the quick brown fox jumps over the lazy dog near the river bank', 'dub')));
  assert.notEqual(dub.synced, true, `dubbed: r=${dub.correlation} lag=${dub.lagSeconds}`);
});

test('the phrase window limits which mouth frames count; a window without speech gives no verdict', () => {
  const own = join(dir, 'own2.wav');
  assertAudio(speech('five, six. seven; eight, nine', 'own2'), own);
  const mouth10 = voicedMouth(own);
  const audio = readWav(readFileSync(own));
  const whole = audioVisualSync(mouth10, audio);
  assert.equal(whole.synced, true, JSON.stringify({ r: whole.correlation, lag: whole.lagSeconds }));
  // espeak's sentence ends by ~4 s and the track is padded with silence to 9 s.
  const after = audioVisualSync(mouth10, audio, { window: { from: 5, to: 9 } });
  assert.equal(after.synced, null, JSON.stringify(after.note));
});

function assertAudio(buf: Buffer, path: string): void {
  assert.ok(buf.length > 44, `${path}: espeak-ng/ffmpeg produced no audio`);
}
