// ROC metrics and the ROC plot for bench/faces.ts. Scores: higher = more likely the same person.

export interface Scored { score: number; same: boolean }

export interface RocPoint { far: number; tar: number; threshold: number }

/** Area under the ROC curve = P(genuine score > impostor score), ties count half (Mann–Whitney). */
export function rocAuc(items: Scored[]): number {
  const pos = items.filter((i) => i.same).map((i) => i.score);
  const neg = items.filter((i) => !i.same).map((i) => i.score);
  if (!pos.length || !neg.length) return Number.NaN;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** ROC points at every distinct threshold, from strictest to loosest. */
export function rocCurve(items: Scored[]): RocPoint[] {
  const P = items.filter((i) => i.same).length;
  const N = items.length - P;
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const pts: RocPoint[] = [{ far: 0, tar: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0, fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const it = sorted[i]!;
    if (it.same) tp++; else fp++;
    if (i + 1 < sorted.length && sorted[i + 1]!.score === it.score) continue;
    pts.push({ far: fp / N, tar: tp / P, threshold: it.score });
  }
  return pts;
}

/** Highest TAR whose FAR does not exceed `far`. */
export function tarAtFar(curve: RocPoint[], far: number): { tar: number; threshold: number } {
  let best = { tar: 0, threshold: Number.POSITIVE_INFINITY };
  for (const p of curve) if (p.far <= far && p.tar >= best.tar) best = { tar: p.tar, threshold: p.threshold };
  return best;
}

/** Equal error rate: where FAR ≈ FRR (midpoint of the crossing). */
export function eer(curve: RocPoint[]): number {
  let best = { gap: Number.POSITIVE_INFINITY, eer: Number.NaN };
  for (const p of curve) {
    const frr = 1 - p.tar;
    const gap = Math.abs(frr - p.far);
    if (gap < best.gap) best = { gap, eer: (frr + p.far) / 2 };
  }
  return best.eer;
}

/** FAR and FRR when accepting score >= threshold. */
export function ratesAt(items: Scored[], threshold: number): { far: number; frr: number; fa: number; fr: number; P: number; N: number } {
  const P = items.filter((i) => i.same).length;
  const N = items.length - P;
  const fa = items.filter((i) => !i.same && i.score >= threshold).length;
  const fr = items.filter((i) => i.same && i.score < threshold).length;
  return { far: fa / N, frr: fr / P, fa, fr, P, N };
}

/** ROC plot, FAR on a log axis (1e-3 … 1) because the interesting part is at low FAR. */
export function rocSvg(series: Array<{ name: string; colour: string; curve: RocPoint[] }>, title: string): string {
  const W = 640, H = 480, L = 70, R = 20, T = 40, B = 60;
  const x = (far: number) => L + ((Math.log10(Math.max(far, 1e-3)) + 3) / 3) * (W - L - R);
  const y = (tar: number) => T + (1 - tar) * (H - T - B);
  const grid: string[] = [];
  for (const f of [1e-3, 1e-2, 1e-1, 1]) {
    grid.push(`<line x1="${x(f)}" y1="${T}" x2="${x(f)}" y2="${H - B}" stroke="#ddd"/><text x="${x(f)}" y="${H - B + 20}" font-size="13" text-anchor="middle">${f}</text>`);
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    grid.push(`<line x1="${L}" y1="${y(t)}" x2="${W - R}" y2="${y(t)}" stroke="#ddd"/><text x="${L - 8}" y="${y(t) + 4}" font-size="13" text-anchor="end">${t}</text>`);
  }
  const lines = series.map((s, i) => {
    const pts = s.curve.map((p) => `${x(p.far).toFixed(1)},${y(p.tar).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts}"/>` +
      `<text x="${W - R - 10}" y="${H - B - 15 - 18 * i}" font-size="13" text-anchor="end" fill="${s.colour}">${escapeXml(s.name)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>` +
    grid.join('') + lines.join('') +
    `<text x="${W / 2}" y="24" font-size="15" text-anchor="middle">${escapeXml(title)}</text>` +
    `<text x="${(L + W - R) / 2}" y="${H - 15}" font-size="13" text-anchor="middle">false accept rate (log)</text>` +
    `<text x="18" y="${(T + H - B) / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 18 ${(T + H - B) / 2})">true accept rate</text></svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
