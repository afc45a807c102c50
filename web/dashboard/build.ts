import { build } from 'esbuild';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAtomically } from '../build-atomic.ts';
import { bundleCss, PAGE_SCRIPT, totalBytes } from '../bundle.ts';

// Bundles the reviewers' dashboard (Preact + uPlot, TypeScript/TSX) into `outDir`: app.js (one ES
// module), charts.js (uPlot, loaded by the overview only), styles.css (ours + uPlot's) and index.html. The server only serves that directory
// (src/http/routes/dashboard.ts); `npm run build:web` (web/capture/build.ts) runs this.

const here = path.dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_FILES = ['app.js', 'charts.js', 'styles.css', 'index.html'] as const;
export const DASHBOARD_OUT_DIR = path.resolve(here, '../build/dashboard');

export async function buildDashboardAssets(outDir: string = DASHBOARD_OUT_DIR): Promise<{ bytes: number }> {
  await buildAtomically(outDir, DASHBOARD_FILES, bundle);
  return { bytes: await totalBytes(outDir, DASHBOARD_FILES) };
}

async function bundle(outDir: string): Promise<void> {
  await build({
    // Two bundles: the app, and uPlot's charts which only the overview loads (import at run time).
    entryPoints: { app: path.join(here, 'src/main.tsx'), charts: path.join(here, 'src/uplot-charts.ts') },
    outdir: outDir,
    ...PAGE_SCRIPT,
    jsx: 'automatic',
    jsxImportSource: 'preact',
  });
  // Reviewers work on desktop/tablet browsers of the last few years; no capture-page-style reach needed.
  await bundleCss(path.join(here, 'styles.css'), path.join(outDir, 'styles.css'), ['chrome100', 'safari15', 'firefox100']);
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  buildDashboardAssets().then((r) => console.log(`dashboard: ${r.bytes} bytes → ${DASHBOARD_OUT_DIR} in ${Math.round(performance.now() - t0)} ms`), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
