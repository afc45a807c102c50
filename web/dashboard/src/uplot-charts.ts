import uPlot from 'uplot';

// The uPlot charts, bundled on their own (charts.js) and loaded by the overview only: the list and
// the evidence viewer do not download or parse the charting library (~52 KB minified).

const COLORS = { total: '#1f5fbf', approved: '#17773a', declined: '#b3261e', needs_review: '#8a5a00' } as const;
type Day = { day: string; total: number; approved: number; declined: number; needs_review: number };
type Bucket = { from: number; to: number; count: number };

export function drawDaily(el: HTMLElement, width: number, days: Day[]): () => void {
  const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const keys = ['total', 'approved', 'declined', 'needs_review'] as const;
  const plot = new uPlot({
    width, height: 220,
    scales: { x: { time: true } },
    axes: [{}, { label: 'sessions' }],
    // The legend names the lines; values under the cursor are noise at a glance.
    legend: { live: false },
    series: [{}, ...keys.map((k) => ({ label: k === 'needs_review' ? 'needs review' : k, stroke: COLORS[k], width: 2, points: { show: days.length < 40 } }))],
  }, [xs, ...keys.map((k) => days.map((d) => d[k]))], el);
  return () => plot.destroy();
}

export function drawHistogram(el: HTMLElement, width: number, threshold: number, buckets: Bucket[]): () => void {
  const first = buckets[0];
  const last = buckets.at(-1);
  if (!first || !last) return () => {};
  const plot = new uPlot({
    width, height: 180,
    scales: { x: { time: false, range: [first.from, last.to] } },
    axes: [{ label: 'score' }, { label: 'sessions' }],
    legend: { show: false },
    series: [{}, { label: 'sessions', fill: 'rgba(31,95,191,.35)', stroke: COLORS.total, points: { show: false }, paths: uPlot.paths.bars!({ size: [0.9, Infinity], align: 0 }) }],
    hooks: {
      // The threshold as a dashed red line, so the share of sessions on each side is visible.
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
  }, [buckets.map((b) => (b.from + b.to) / 2), buckets.map((b) => b.count)], el);
  return () => plot.destroy();
}
