/**
 * Two readings of one MRZ that both pass every check digit yet differ: check digits weigh
 * characters 7-3-1 modulo 10, so a look-alike whose value is the same modulo 10 (`G` = 16 and `6`),
 * or two misreads whose weighted errors cancel, pass unseen (synthetic card TD1/noise, seed 7:
 * `TY360737` read `TV36D737`, both checks valid). Only the recogniser can tell them apart: where
 * the readings differ, the one that read its characters there more confidently is taken.
 */
import { checkSpecs } from './mrz-checks.ts';
import type { ParsedMrz } from './mrz-parse.ts';

export interface Reading {
  readonly parsed: ParsedMrz;
  readonly block: { readonly confidences: readonly (readonly number[])[] };
}

/** Every [line, index] a check digit covers, the check digits included, as `line:index`. */
function checkedPositions(p: ParsedMrz): Set<string> {
  const out = new Set<string>();
  for (const spec of checkSpecs(p.format, p.lines)) {
    for (const [line, start, end] of [...spec.spans, ...(spec.altSpans ?? [])]) {
      for (let i = start; i < end; i++) out.add(`${line}:${i}`);
    }
    out.add(`${spec.digit[0]}:${spec.digit[1]}`);
  }
  return out;
}

/**
 * Where `a` and `b` differ, or null when they differ anywhere a check digit does not cover: such
 * readings disagree about a name or a state code, and confidence alone must not settle that (the
 * ink-contrast crops read `IGOR` as `IG<R` with high confidence; docs/documents.md).
 */
function checkedDifferences(a: ParsedMrz, b: ParsedMrz): [number, number][] | null {
  if (a.format !== b.format || a.lines.length !== b.lines.length) return null;
  const checked = checkedPositions(a);
  const out: [number, number][] = [];
  for (const [l, line] of a.lines.entries()) {
    const other = b.lines[l]!;
    if (other.length !== line.length) return null;
    for (let i = 0; i < line.length; i++) {
      if (line[i] === other[i]) continue;
      if (!checked.has(`${l}:${i}`)) return null;
      out.push([l, i]);
    }
  }
  return out.length === 0 ? null : out;
}

/** True when a character a check digit covers was read below `threshold`. */
export function doubtful(p: ParsedMrz, confidences: readonly (readonly number[])[], threshold: number): boolean {
  return [...checkedPositions(p)].some((key) => {
    const [l, i] = key.split(':').map(Number) as [number, number];
    return (confidences[l]?.[i] ?? 1) < threshold;
  });
}

const confidenceAt = (r: Reading, at: readonly [number, number][]): number =>
  at.reduce((sum, [l, i]) => sum + (r.block.confidences[l]?.[i] ?? 0), 0);

/**
 * `ranked` with its first reading replaced by a settled one that differs from it only in
 * characters check digits cover, when the recogniser read those characters more confidently
 * (repaired characters carry their capped confidence). Unsettled readings never take the lead.
 */
export function preferConfident<T extends Reading>(ranked: readonly T[], settled: (p: ParsedMrz) => boolean): T[] {
  const top = ranked[0];
  if (top === undefined || !settled(top.parsed)) return [...ranked];
  let best = top;
  for (const c of ranked.slice(1)) {
    if (!settled(c.parsed)) continue;
    const at = checkedDifferences(best.parsed, c.parsed);
    if (at !== null && confidenceAt(c, at) > confidenceAt(best, at)) best = c;
  }
  return best === top ? [...ranked] : [best, ...ranked.filter((c) => c !== best)];
}
