/**
 * MRZ characters are printed at a fixed pitch (ICAO 9303-3: 2.54 mm, every cell holds a character,
 * fillers included), so along one recognised line the frames where characters peak are evenly
 * spaced. A gap of about two pitches between neighbours is a character the greedy CTC reading lost:
 * PP-OCRv4 drops letters of spaced OCR-B when the blank outweighs the letter in every frame of it
 * (`ROSSI<<HUGO` → `ROSS<<HG`), and merges two equal neighbours with no blank between them (`SS`,
 * `<<`). The lost character is taken back from the frames in the middle of the gap: the most likely
 * non-blank character there.
 */
import type { RecognizedLine } from '../engines/ocr/port.ts';
import type { ReadRow } from './mrz-lines.ts';

// A gap counts as k pitches when it is within (k ± 0.5) pitches; below this ratio it is one pitch.
// Peaks of single characters land within ±1 frame of their cell's centre (~5 frames per pitch on
// MRZ crops), so single-pitch gaps measure 0.6–1.4; 1.6 leaves margin on both sides.
const GAP_RATIO = 1.6;
// Neighbouring gaps used for the local pitch: perspective changes the pitch along the line, so the
// pitch is the median over this many gaps on each side, not over the whole line.
const PITCH_WINDOW = 6;
// Fewer characters than this give no reliable pitch (a fragment, not a line).
const MIN_CHARS = 8;

function median(xs: number[]): number {
  const s = xs.sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/** The most likely non-blank character around frame `at` (± `radius` frames), among `allowed`. */
export function bestAround(line: RecognizedLine, symbols: string, at: number, radius: number, allowed = symbols): { char: string; p: number } {
  const width = symbols.length + 1;
  const steps = line.frames.length / width;
  let best = { char: allowed[0] ?? '<', p: 0 };
  for (let t = Math.max(0, Math.round(at - radius)); t <= Math.min(steps - 1, Math.round(at + radius)); t++) {
    for (let s = 1; s < width; s++) {
      if (!allowed.includes(symbols[s - 1]!)) continue;
      const p = line.frames[t * width + s]!;
      if (p > best.p) best = { char: symbols[s - 1]!, p };
    }
  }
  return best;
}

/**
 * The line's text with every character lost in a pitch gap put back (confidence = its probability
 * in the frames, usually low, so repairs and votes treat it as uncertain). `symbols` is the
 * alphabet the line was recognised with, in the order of its frame slots.
 */
export function fillPitchGaps(line: RecognizedLine, symbols: string): ReadRow {
  const chars = line.chars;
  const text = chars.map((c) => c.char);
  const confidences = chars.map((c) => c.confidence);
  if (chars.length < MIN_CHARS || line.frames.length === 0) return { text: text.join(''), confidences };
  const gaps = chars.slice(1).map((c, i) => c.frame - chars[i]!.frame);
  let outText = text[0]!;
  const outConf = [confidences[0]!];
  gaps.forEach((gap, i) => {
    const pitch = median(gaps.slice(Math.max(0, i - PITCH_WINDOW), i + PITCH_WINDOW + 1));
    const cells = pitch > 0 && gap / pitch >= GAP_RATIO ? Math.round(gap / pitch) : 1;
    for (let k = 1; k < cells; k++) {
      const found = bestAround(line, symbols, chars[i]!.frame + (k * gap) / cells, pitch / 3);
      outText += found.char;
      outConf.push(found.p);
    }
    outText += text[i + 1]!;
    outConf.push(confidences[i + 1]!);
  });
  return { text: outText, confidences: outConf };
}
