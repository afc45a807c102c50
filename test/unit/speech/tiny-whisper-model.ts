// Writes a tiny ggml whisper model (random weights, 1 layer, 8-wide) in whisper.cpp's file format,
// so the whisper.cpp engine's plumbing (spawn, JSON, words, timings) can be tested without any real
// weights. Its transcripts are meaningless tokens by construction.
import { writeFile } from 'node:fs/promises';

const STATE = 8, HEADS = 2, LAYERS = 1, AUDIO_CTX = 1500, TEXT_CTX = 448, MELS = 80, N_FFT = 201;
/** 51865 = multilingual vocabulary size, so `-l es` etc. are accepted. */
const VOCAB = 51865;
const WORDS_IN_FILE = 50257;

function tensors(): [string, number[]][] {
  const out: [string, number[]][] = [
    ['encoder.positional_embedding', [STATE, AUDIO_CTX]], ['encoder.conv1.weight', [3, MELS, STATE]],
    ['encoder.conv1.bias', [1, STATE]], ['encoder.conv2.weight', [3, STATE, STATE]], ['encoder.conv2.bias', [1, STATE]],
    ['encoder.ln_post.weight', [STATE]], ['encoder.ln_post.bias', [STATE]],
    ['decoder.positional_embedding', [STATE, TEXT_CTX]], ['decoder.token_embedding.weight', [STATE, VOCAB]],
    ['decoder.ln.weight', [STATE]], ['decoder.ln.bias', [STATE]],
  ];
  const block = (p: string, cross: boolean): void => {
    out.push([`${p}.mlp_ln.weight`, [STATE]], [`${p}.mlp_ln.bias`, [STATE]], [`${p}.mlp.0.weight`, [STATE, 4 * STATE]],
      [`${p}.mlp.0.bias`, [4 * STATE]], [`${p}.mlp.2.weight`, [4 * STATE, STATE]], [`${p}.mlp.2.bias`, [STATE]]);
    for (const a of cross ? ['attn', 'cross_attn'] : ['attn']) {
      out.push([`${p}.${a}_ln.weight`, [STATE]], [`${p}.${a}_ln.bias`, [STATE]], [`${p}.${a}.query.weight`, [STATE, STATE]],
        [`${p}.${a}.query.bias`, [STATE]], [`${p}.${a}.key.weight`, [STATE, STATE]], [`${p}.${a}.value.weight`, [STATE, STATE]],
        [`${p}.${a}.value.bias`, [STATE]], [`${p}.${a}.out.weight`, [STATE, STATE]], [`${p}.${a}.out.bias`, [STATE]]);
    }
  };
  for (let i = 0; i < LAYERS; i++) block(`encoder.blocks.${i}`, false);
  for (let i = 0; i < LAYERS; i++) block(`decoder.blocks.${i}`, true);
  return out;
}

/** float32 → IEEE half (round toward zero; the values here are small and finite). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0] ?? 0;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((u >>> 13) & 0x3ff);
}

/** whisper.cpp stores matrices and conv kernels in the model's ftype (F16 here), the rest in F32. */
const isHalf = (name: string): boolean => /(weight)$/.test(name) && !/ln(_post)?\.weight$/.test(name);

const i32 = (vals: number[]): Buffer => {
  const b = Buffer.alloc(4 * vals.length);
  vals.forEach((v, i) => b.writeInt32LE(v, 4 * i));
  return b;
};

export async function writeTinyWhisperModel(path: string, seed = 1): Promise<void> {
  let s = seed >>> 0;
  const rand = (): number => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
  const parts: Buffer[] = [i32([0x67676d6c, VOCAB, AUDIO_CTX, STATE, HEADS, LAYERS, TEXT_CTX, STATE, HEADS, LAYERS, MELS, 1])];
  parts.push(i32([MELS, N_FFT]), Buffer.from(new Float32Array(MELS * N_FFT).map(() => Math.abs(rand()) * 0.01).buffer));
  parts.push(i32([WORDS_IN_FILE]));
  for (let i = 0; i < WORDS_IN_FILE; i++) {
    // whisper.cpp looks up the " " token when suppressing blanks; the rest are arbitrary words.
    const word = Buffer.from(i === 0 ? ' ' : i % 2 ? ` w${i}` : `x${i}`);
    parts.push(i32([word.length]), word);
  }
  for (const [name, dims] of tensors()) {
    const n = dims.reduce((a, b) => a * b, 1);
    // Layer-norm weights at 1 keep activations finite; everything else small noise.
    const data = new Float32Array(n).map(() => (/ln(_post)?\.weight$/.test(name) ? 1 : rand() * 0.2));
    const nameBuf = Buffer.from(name);
    const half = isHalf(name);
    const payload = half ? Buffer.from(Uint16Array.from(data, toHalf).buffer) : Buffer.from(data.buffer);
    parts.push(i32([dims.length, nameBuf.length, half ? 1 : 0]), i32(dims), nameBuf, payload);
  }
  await writeFile(path, Buffer.concat(parts));
}
