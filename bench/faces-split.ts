// The calibration/report split of bench/faces.ts, by identity, deterministic ("faces-split-v1"):
// within each source subset of identities.csv, identities are ordered by
// sha256("vkyc-faces-split-v1:" + subset/identity) and dealt alternately to `calibration` and
// `report`, so each subset has people on both sides. A threshold is fitted on the pairs whose two
// identities are both in one side and judged on every other pair (the other side's pairs and the
// pairs that cross sides), then the sides swap: two folds, no pair judged by a threshold it helped set.

import { createHash } from 'node:crypto';
import { ratesAt, rocAuc, rocCurve, tarAtFar, type Scored } from './faces-metrics.ts';

export type Side = 'calibration' | 'report';
export const SPLIT_NAME = 'faces-split-v1 (by identity within each subset, sha256-ordered, alternating)';

/** file (relative to the faces folder) → the side of its identity. */
export function identitySplit(identitiesCsv: string): Map<string, Side> {
  const rows = identitiesCsv.trim().split('\n').slice(1).map((l) => l.split(','));
  const identityOf = new Map(rows.map(([file, identity, subset]) => [file!, `${subset}/${identity}`]));
  const bySubset = new Map<string, string[]>();
  for (const id of new Set(identityOf.values())) {
    const subset = id.slice(0, id.indexOf('/'));
    bySubset.set(subset, [...(bySubset.get(subset) ?? []), id]);
  }
  const side = new Map<string, Side>();
  const key = (id: string) => createHash('sha256').update(`vkyc-faces-split-v1:${id}`).digest('hex');
  for (const ids of bySubset.values()) {
    ids.sort((x, y) => (key(x) < key(y) ? -1 : 1)).forEach((id, i) => side.set(id, i % 2 === 0 ? 'calibration' : 'report'));
  }
  return new Map([...identityOf].map(([file, id]) => [file, side.get(id)!]));
}

export interface SplitPair extends Scored { a: string; b: string }

export interface FoldResult {
  calibratedOn: Side;
  /** Score threshold giving FAR ≤ `far` on the calibration pairs (accept score ≥ threshold). */
  threshold: number;
  calibration: { P: number; N: number };
  report: { P: number; N: number; tar: number; far: number; fa: number; auc: number; rocTar: number };
  /**
   * rocTar: TAR at FAR ≤ `far` on the report pairs' own ROC — how well the scores separate pairs
   * nobody tuned on (the operating point itself cannot be fixed from ~100 calibration impostors).
   */
  /** Genuine report pairs rejected at the threshold (the tail to look at). */
  misses: SplitPair[];
}

/** Which pairs calibrate in a fold: both identities on `side`. Everything else is reported. */
export function folds(pairs: SplitPair[], split: Map<string, Side>, far = 0.001): FoldResult[] {
  return (['calibration', 'report'] as const).map((calibratedOn) => {
    const inside = (p: SplitPair) => split.get(p.a) === calibratedOn && split.get(p.b) === calibratedOn;
    const cal = pairs.filter(inside);
    const rep = pairs.filter((p) => !inside(p));
    const threshold = loosestThreshold(cal, far);
    const r = ratesAt(rep, threshold);
    return {
      calibratedOn,
      threshold,
      calibration: { P: cal.filter((p) => p.same).length, N: cal.filter((p) => !p.same).length },
      report: { P: r.P, N: r.N, tar: 1 - r.frr, far: r.far, fa: r.fa, auc: rocAuc(rep), rocTar: tarAtFar(rocCurve(rep), far).tar },
      misses: rep.filter((p) => p.same && p.score < threshold),
    };
  });
}

/**
 * The lowest score threshold whose FAR on `pairs` is ≤ `far`: just above the (⌊far·N⌋+1)-th highest
 * impostor score (with < 1000 impostors at 0.1 %: above the highest one).
 */
export function loosestThreshold(pairs: Scored[], far: number): number {
  const impostors = pairs.filter((p) => !p.same).map((p) => p.score).sort((x, y) => y - x);
  const k = Math.floor(far * impostors.length);
  const s = impostors[k];
  return s === undefined ? Number.NEGATIVE_INFINITY : s + 1e-9;
}
