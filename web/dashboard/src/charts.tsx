import { useEffect, useRef } from 'preact/hooks';

// Chart components over the lazily loaded uPlot module (uplot-charts.ts → /assets/dashboard/charts.js).
// uPlot draws on a canvas; each chart has a text label, and the page shows its numbers in words.

type ChartsModule = typeof import('./uplot-charts.ts');
/** A variable, not a literal: esbuild leaves the import to the browser instead of bundling it here. */
const CHARTS_URL = '/assets/dashboard/charts.js';
let loading: Promise<ChartsModule> | null = null;
const charts = () => (loading ??= import(CHARTS_URL) as Promise<ChartsModule>);

const widthOf = (el: HTMLElement | null) => Math.max(280, Math.min(900, (el?.clientWidth ?? 600) - 8));

function useChart(draw: (m: ChartsModule, el: HTMLElement) => () => void, deps: unknown[]) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let destroy: (() => void) | null = null;
    let gone = false;
    void charts().then((m) => { if (!gone && box.current) destroy = draw(m, box.current); });
    return () => { gone = true; destroy?.(); };
  }, deps);
  return box;
}

export function DailyChart({ days }: { days: Array<{ day: string; total: number; approved: number; declined: number; needs_review: number }> }) {
  const box = useChart((m, el) => m.drawDaily(el, widthOf(el), days), [days]);
  return <div ref={box} class="chart" role="img" aria-label={`Sessions per day, ${days.length} days: ${days.reduce((a, d) => a + d.total, 0)} sessions in total`} id="chart-daily" />;
}

export function Histogram({ name, threshold, buckets }: { name: string; threshold: number; buckets: Array<{ from: number; to: number; count: number }> }) {
  const box = useChart((m, el) => m.drawHistogram(el, Math.min(440, widthOf(el)), threshold, buckets), [buckets, threshold]);
  const below = buckets.filter((b) => b.to <= threshold).reduce((a, b) => a + b.count, 0);
  const all = buckets.reduce((a, b) => a + b.count, 0);
  return (
    <figure class="hist">
      <div ref={box} class="chart" role="img" aria-label={`${name} score distribution: ${below} of ${all} sessions below the threshold ${threshold}`} />
      <figcaption class="small">{name}: {below} of {all} below the threshold <b>{threshold}</b> (dashed line).</figcaption>
    </figure>
  );
}
