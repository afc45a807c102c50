// Audio plumbing for the speech engines: every engine here expects 16 kHz mono 16-bit PCM WAV
// (pocketsphinx's en-us acoustic model and whisper.cpp are both trained on 16 kHz).
import { readFile, open } from 'node:fs/promises';
import { runChecked } from '../process.ts';

const SPEECH_SAMPLE_RATE = 16000;

export interface Pcm16 { sampleRate: number; channels: number; samples: Int16Array }

/** Parses a RIFF/WAVE buffer with 16-bit PCM data; throws on anything else. */
export function parseWav(buf: Buffer): Pcm16 {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    // ffmpeg writes 0xFFFFFFFF sizes when it cannot seek back; treat as "to the end".
    const raw = buf.readUInt32LE(off + 4);
    const size = raw === 0xffffffff ? buf.length - off - 8 : raw;
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data before fmt chunk');
      // 0xFFFE = WAVE_FORMAT_EXTENSIBLE, which ffmpeg/sox use for some layouts; still PCM here.
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) throw new Error('WAV is not 16-bit PCM');
      const end = Math.min(buf.length, body + size);
      const n = Math.floor((end - body) / 2);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + 2 * i);
      return { sampleRate: fmt.rate, channels: fmt.channels, samples };
    }
    off = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

export async function readWav(path: string): Promise<Pcm16> {
  return parseWav(await readFile(path));
}

/** Cheap header check so an engine fails loudly instead of decoding 44.1 kHz audio as 16 kHz. */
export async function assertSpeechWav(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const buf = head.subarray(0, bytesRead);
    const fmtAt = buf.indexOf('fmt ', 12, 'ascii');
    if (buf.toString('ascii', 0, 4) !== 'RIFF' || fmtAt < 0 || fmtAt + 24 > buf.length) throw new Error(`${path}: not a WAV file`);
    const channels = buf.readUInt16LE(fmtAt + 10);
    const rate = buf.readUInt32LE(fmtAt + 12);
    const bits = buf.readUInt16LE(fmtAt + 22);
    if (channels !== 1 || rate !== SPEECH_SAMPLE_RATE || bits !== 16) {
      throw new Error(`${path}: need 16 kHz mono 16-bit WAV, got ${rate} Hz ×${channels} ${bits}-bit (use toSpeechWav)`);
    }
  } finally {
    await fh.close();
  }
}

interface ConvertOptions { ffmpegPath?: string; timeoutMs?: number; signal?: AbortSignal; startS?: number; durationS?: number }

/** Decodes any audio/video file ffmpeg understands to 16 kHz mono s16 WAV at outPath. */
export async function toSpeechWav(input: string, outPath: string, o: ConvertOptions = {}): Promise<void> {
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
  if (o.startS !== undefined) args.push('-ss', String(o.startS));
  args.push('-i', input);
  if (o.durationS !== undefined) args.push('-t', String(o.durationS));
  args.push('-vn', '-ac', '1', '-ar', String(SPEECH_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 'wav', outPath);
  await runChecked(o.ffmpegPath ?? 'ffmpeg', args, { timeoutMs: o.timeoutMs ?? 60_000, ...(o.signal ? { signal: o.signal } : {}) });
}


/** Writes 16-bit mono PCM as a canonical 44-byte-header WAV. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i] ?? 0, 44 + 2 * i);
  return buf;
}
