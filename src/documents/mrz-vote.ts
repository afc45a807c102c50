/**
 * Per-character vote between readings of one MRZ line from different crops, after an edit-distance
 * alignment (a reading that lost a character must not shift every later vote).
 */
import type { ReadRow } from './mrz-lines.ts';

/**
 * For each character of `base`, the character of `other` aligned with it (edit-distance alignment),
 * or undefined where `other` dropped it: a reading that lost one letter must not shift every later
 * vote (Estonian specimen `MARI<LIIS` against a reading `MARI<LIS<`).
 */
function align(base: string, other: string): (number | undefined)[] {
  const n = base.length;
  const m = other.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (base[i - 1] === other[j - 1] ? 0 : 1));
    }
  }
  const out: (number | undefined)[] = new Array(n).fill(undefined);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if (d[i]![j] === d[i - 1]![j - 1]! + (base[i - 1] === other[j - 1] ? 0 : 1)) { out[i - 1] = j - 1; i--; j--; }
    else if (d[i]![j] === d[i - 1]![j]! + 1) i--;
    else j--;
  }
  return out;
}

/**
 * Per position of the first reading, the character with the largest summed confidence over the
 * readings aligned with it: two readings that agree outvote a third; of two that disagree, the more
 * confident wins.
 */
export function vote(readings: readonly ReadRow[]): string {
  const [first, ...others] = readings;
  const maps = others.map((r) => align(first!.text, r.text));
  let out = '';
  for (let i = 0; i < first!.text.length; i++) {
    const weight = new Map<string, number>([[first!.text[i]!, first!.confidences[i] ?? 0.5]]);
    others.forEach((r, k) => {
      const j = maps[k]![i];
      if (j === undefined) return;
      const ch = r.text[j]!;
      weight.set(ch, (weight.get(ch) ?? 0) + (r.confidences[j] ?? 0.5));
    });
    out += [...weight].sort((a, b) => b[1] - a[1])[0]![0];
  }
  return out;
}
