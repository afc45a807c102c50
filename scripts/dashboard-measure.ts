import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DASHBOARD_OUT_DIR } from '../web/dashboard/build.ts';
import { dashboardFixture } from './dashboard-fixture.ts';

// `npm run measure:dashboard`: the bundle's size (minified, and gzip -9 as a server would send it)
// and time-to-interactive of the session list and the evidence viewer in Chromium: from navigation
// start to the page's `vkyc:ready` performance mark (set when its data is on screen and handlers
// are attached), median of RUNS cold loads (new page each, HTTP cache on).

const RUNS = Number(process.env.RUNS ?? 7);

async function sizes() {
  const out: Record<string, { min: number; gz: number }> = {};
  for (const f of ['app.js', 'styles.css']) {
    const b = await readFile(path.join(DASHBOARD_OUT_DIR, f));
    out[f] = { min: b.length, gz: gzipSync(b, { level: 9 }).length };
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const f = await dashboardFixture();
try {
  const ctx = await f.signedIn({ width: 1366, height: 900 });
  const result: Record<string, { median_ms: number; runs_ms: number[] }> = {};
  for (const [name, hash] of [['list', '#/sessions'], ['detail', `#/sessions/${f.processedId}`]] as const) {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await ctx.newPage();
      await page.goto(`${f.server.baseUrl}/dashboard${hash}`);
      await page.waitForFunction(() => performance.getEntriesByName('vkyc:ready').length > 0, undefined, { timeout: 30_000 });
      runs.push(Math.round(await page.evaluate(() => performance.getEntriesByName('vkyc:ready')[0]!.startTime)));
      await page.close();
    }
    result[name] = { median_ms: median(runs), runs_ms: runs };
  }
  console.log(JSON.stringify({ bundle: await sizes(), time_to_interactive: result, runs: RUNS, load: (await import('node:os')).loadavg()[0]?.toFixed(1) }, null, 2));
} finally {
  await f.close();
}
