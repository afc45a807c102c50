/**
 * CTC decoding of the recogniser's per-frame class probabilities, optionally restricted to an
 * alphabet. Pure functions over the output tensor, kept apart from the ONNX session so they can be
 * tested without the model.
 */
import type { RecognizedChar, RecognizedLine } from './port.ts';

/**
 * Class index → alphabet slot (1-based; 0 = the CTC blank; -1 = not counted). Without an alphabet
 * every class is its own slot. With one, a class also counts for the alphabet character it is the
 * same letter as in another case or width (`o`, `Ｏ` → `O`, NFKC then upper case): PP-OCRv4 was
 * trained on mixed-case Chinese and Latin text and often puts most of a frame's mass on the lower-
 * case or full-width form of an OCR-B capital. Counted apart, the capital alone can lose to the
 * blank and the letter vanishes from the reading.
 */
export function slotTable(dictionary: readonly string[], alphabet: string | undefined, fold = true): Int32Array {
  const slots = new Int32Array(dictionary.length).fill(-1);
  slots[0] = 0;
  for (let k = 1; k < dictionary.length; k++) {
    const ch = dictionary[k] ?? '';
    if (alphabet === undefined) { slots[k] = k; continue; }
    const exact = alphabet.indexOf(ch);
    const plain = ch.normalize('NFKC').toUpperCase();
    const at = exact !== -1 ? exact : fold && plain.length === 1 ? alphabet.indexOf(plain) : -1;
    if (at !== -1) slots[k] = at + 1;
  }
  return slots;
}

export interface CtcOptions {
  /** Characters of the slots 1..n (slot 0 is the blank). */
  readonly symbols: readonly string[];
  /** Class → slot (see slotTable); the probabilities of the classes of one slot add up. */
  readonly slots: Int32Array;
}

/**
 * Greedy CTC decoding over slots. Each character also carries the frame where it peaked, and the
 * per-frame slot probabilities are returned, so that a caller knowing the text's layout (a fixed
 * character pitch, a line length) can look again where a character went missing.
 */
export function decodeCtc(probs: Float32Array, steps: number, classes: number, options: CtcOptions): RecognizedLine & { frames: Float32Array } {
  const width = options.symbols.length + 1;
  const frames = new Float32Array(steps * width);
  const chars: RecognizedChar[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = frames.subarray(t * width, (t + 1) * width);
    const base = t * classes;
    for (let k = 0; k < classes; k++) {
      const slot = options.slots[k]!;
      if (slot < 0) continue;
      const p = probs[base + k]!;
      row[slot] = row[slot]! + p;
    }
    let best = 0;
    for (let s = 1; s < width; s++) if (row[s]! > row[best]!) best = s;
    const p = row[best]!;
    if (best !== 0 && best === previous) {
      const last = chars[chars.length - 1];
      if (last !== undefined && p > last.confidence) chars[chars.length - 1] = { char: last.char, confidence: p, frame: t };
    } else if (best !== 0) {
      chars.push({ char: options.symbols[best - 1] ?? '', confidence: p, frame: t });
    }
    previous = best;
  }
  const text = chars.map((c) => c.char).join('');
  const confidence = chars.length === 0 ? 0 : chars.reduce((s, c) => s + c.confidence, 0) / chars.length;
  return { text, chars, confidence, frames };
}
