import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

// uPlot (bundled, ~50 KB) behind two small components: a time series (sessions per day) and a
// histogram with a threshold line (score distributions). uPlot draws on a canvas; each chart has a
// text label, and the page shows the same numbers in words next to it.

const COLORS = { total: '#1f5fbf', approved: '#17773a', declined: '#b3261e', needs_review: '#8a5a00', open: '#5b6470' } as const;

function widthOf(ref: { current: HTMLElement | null }): number {
  return Math.max(280, Math.min(900, (ref.current?.clientWidth ?? 600) - 8));
}

export function DailyChart({ days }: { days: Array<{ day: string; total: number; approved: number; declined: number; needs_review: number }> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const series = (['total', 'approved', 'declined', 'needs_review'] as const);
    const plot = new uPlot({
      width: widthOf(box), height: 220,
      scales: { x: { time: true } },
      axes: [{}, { label: 'sessions' }],
      series: [{}, ...series.map((k) => ({ label: k === 'needs_review' ? 'needs review' : k, stroke: COLORS[k], width: 2, points: { show: days.length < 40 } }))],
    }, [xs, ...series.map((k) => days.map((d) => d[k]))], el);
    return () => plot.destroy();
  }, [days]);
  return <div ref={box} class="chart" role="img" aria-label={`Sessions per day, ${days.length} days: ${days.reduce((a, d) => a + d.total, 0)} sessions in total`} id="chart-daily" />;
}

export function Histogram({ name, threshold, buckets }: { name: string; threshold: number; buckets: Array<{ from: number; to: number; count: number }> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !buckets.length) return;
    const xs = buckets.map((b) => (b.from + b.to) / 2);
    const width = (buckets[0]!.to - buckets[0]!.from) * 0.9;
    const plot = new uPlot({
      width: Math.min(440, widthOf(box)), height: 180,
      scales: { x: { time: false, range: [buckets[0]!.from, buckets.at(-1)!.to] } },
      axes: [{ label: 'score' }, { label: 'sessions' }],
      legend: { show: false },
      series: [{}, { label: 'sessions', fill: 'rgba(31,95,191,.35)', stroke: COLORS.total, paths: uPlot.paths.bars!({ size: [0.9, Infinity], align: 0 }) }],
      hooks: {
        // The threshold as a red vertical line, so the share of sessions on each side is visible.
        draw: [(u) => {
          const x = u.valToPos(threshold, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = COLORS.declined;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      },
    }, [xs, buckets.map((b) => b.count)], el);
    void width;
    return () => plot.destroy();
  }, [buckets, threshold]);
  const below = buckets.filter((b) => b.to <= threshold).reduce((a, b) => a + b.count, 0);
  const all = buckets.reduce((a, b) => a + b.count, 0);
  return (
    <figure class="hist">
      <div ref={box} class="chart" role="img" aria-label={`${name} score distribution: ${below} of ${all} sessions below the threshold ${threshold}`} />
      <figcaption class="small">{name}: {below} of {all} below the threshold <b>{threshold}</b> (dashed line).</figcaption>
    </figure>
  );
}
