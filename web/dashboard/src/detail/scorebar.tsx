import { label, num } from '../format.ts';
import type { FacePair } from '../types.ts';

// A score drawn against its thresholds: the bar is the score on the 0–100 scale, the zone below
// `decline_below` is red, between it and `threshold` amber (a human looks), above green. SVG
// attributes, not inline styles: the CSP forbids style attributes.

export function ScoreBar({ score, threshold, declineBelow, max = 100, name }: { score: number; threshold: number; declineBelow?: number; max?: number; name: string }) {
  const W = 240;
  const x = (v: number) => Math.max(0, Math.min(W, (v / max) * W));
  const low = declineBelow ?? threshold;
  return (
    <svg class="scorebar" viewBox={`0 0 ${W} 28`} role="img" aria-label={`${name}: score ${num(score, 1)}, threshold ${num(threshold, 0)}${low !== threshold ? `, declined below ${num(low, 0)}` : ''}`}>
      <rect x="0" y="6" width={x(low)} height="10" class="zone-bad" />
      <rect x={x(low)} y="6" width={x(threshold) - x(low)} height="10" class="zone-review" />
      <rect x={x(threshold)} y="6" width={W - x(threshold)} height="10" class="zone-ok" />
      <rect x="0" y="9" width={x(score)} height="4" class="bar" />
      <line x1={x(threshold)} x2={x(threshold)} y1="2" y2="20" class="mark" />
      <circle cx={x(score)} cy="11" r="5" class="dot" />
      <text x={x(threshold)} y="27" class="tick" text-anchor="middle">{num(threshold, 0)}</text>
    </svg>
  );
}

const OUTCOME: Record<FacePair['outcome'], string> = { match: 'Same person', review: 'Uncertain — look yourself', mismatch: 'Different people' };

export function FacePairs({ pairs, images }: { pairs: FacePair[]; images: Record<string, string | undefined> }) {
  if (!pairs.length) return <p class="muted">No face comparison ran (a side was not captured or had no usable face).</p>;
  return (
    <div class="pairs">
      {pairs.map((p) => {
        const [a, b] = p.pair.split('_') as [string, string];
        // The server names each pair's two images; older answers: the session's face crops by side.
        const img = (side: string) => (side === a ? p.images?.a : p.images?.b) ?? images[side === 'video' ? 'best_frame' : side === 'document' ? 'document_portrait' : side];
        return (
          <figure class={`pair ${p.outcome}`} key={p.pair} data-pair={p.pair}>
            <figcaption><strong>{p.label || label(p.pair)}</strong> <span class={`badge ${p.outcome}`}>{OUTCOME[p.outcome]}</span></figcaption>
            <div class="faces">
              {[a, b].map((side) => (img(side) ? <img key={side} src={img(side)} alt={`${label(side === 'video' ? 'video' : side)} face`} /> : <div key={side} class="noimg">{label(side)}<br />(no image)</div>))}
            </div>
            <ScoreBar score={p.score} threshold={p.threshold} declineBelow={p.decline_below} name={p.label || p.pair} />
            <p class="small">Score <b>{num(p.score, 1)}</b> · needs {num(p.threshold, 0)} to pass · declined below {num(p.decline_below, 0)}</p>
          </figure>
        );
      })}
    </div>
  );
}
