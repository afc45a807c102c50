import { build } from 'esbuild';
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCallAssets, CALL_FILES } from '../calls/build.ts';
import { buildAtomically } from '../build-atomic.ts';
import { bundleCss, PAGE_SCRIPT, totalBytes } from '../bundle.ts';
import { buildDashboardAssets, DASHBOARD_FILES, DASHBOARD_OUT_DIR } from '../dashboard/build.ts';

// Bundle the capture page into `outDir`: app.js (one ES module, minified, es2020 so iOS 14+ and
// Android Chrome 80+ run it), styles.css and index.html. Human is NOT bundled: the page imports
// /assets/human/human.esm.js at run time, only on the selfie/video steps.
// The server never imports this file: it serves whatever is in web/build/capture
// (src/http/routes/pages.ts). `npm run build:web` writes it; `npm start`, the test runner and
// `vkyc serve` (bin/vkyc.mjs, when the bundle is missing) run that build first.

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the server looks for the bundle (the same path as CAPTURE_BUILD_DIR in src/http/routes/pages.ts). */
export const DEFAULT_OUT_DIR = path.resolve(here, '../build/capture');

const FILES = ['app.js', 'styles.css', 'index.html', 'embed.js'];

export async function buildCaptureAssets(outDir: string = DEFAULT_OUT_DIR): Promise<{ files: string[]; bytes: number }> {
  await buildAtomically(outDir, FILES, bundle);
  return { files: FILES, bytes: await totalBytes(outDir, FILES) };
}

/** Where the server looks for the live-call pages (CALL_BUILD_DIR in src/http/routes/call-pages.ts). */
export const CALLS_OUT_DIR = path.resolve(here, '../build/calls');

const missingAny = async (dir: string, files: readonly string[]) =>
  (await Promise.all(files.map((f) => stat(path.join(dir, f)).then(() => true, () => false)))).includes(false);

/**
 * Builds only what is missing (test helpers, `vkyc serve` on a fresh clone): the capture page in
 * outDir and the live-call pages in web/build/calls.
 */
export async function ensureCaptureAssets(outDir: string = DEFAULT_OUT_DIR): Promise<void> {
  if (await missingAny(outDir, FILES)) await buildCaptureAssets(outDir);
  if (await missingAny(CALLS_OUT_DIR, CALL_FILES)) await buildCallAssets(CALLS_OUT_DIR);
  if (await missingAny(DASHBOARD_OUT_DIR, DASHBOARD_FILES)) await buildDashboardAssets(DASHBOARD_OUT_DIR);
}

async function bundle(outDir: string): Promise<void> {
  await build({
    entryPoints: [path.join(here, 'src/main.ts')],
    outfile: path.join(outDir, 'app.js'),
    ...PAGE_SCRIPT,
  });
  await bundleCss(path.join(here, 'styles.css'), path.join(outDir, 'styles.css'), ['chrome80', 'safari14', 'firefox80']);
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  // The <vkyc-capture> element for merchants' pages (web/embed, served as /embed.js): a classic
  // script (document.currentScript tells it our origin), deterministic bytes so an SRI hash holds.
  await build({ entryPoints: [path.join(here, '../embed/vkyc-capture.ts')], outfile: path.join(outDir, 'embed.js'), ...PAGE_SCRIPT, format: 'iife' });
}

async function cli(out: string | undefined): Promise<void> {
  const dir = out ? path.resolve(out) : DEFAULT_OUT_DIR;
  const t0 = performance.now();
  const r = await buildCaptureAssets(dir);
  console.log(`capture assets: ${r.files.join(', ')} (${r.bytes} bytes) → ${dir} in ${Math.round(performance.now() - t0)} ms`);
  if (!out) {
    await buildCallAssets(CALLS_OUT_DIR);
    console.log(`call pages: ${CALL_FILES.join(', ')} → ${CALLS_OUT_DIR}`);
    await buildDashboardAssets(DASHBOARD_OUT_DIR);
    console.log(`dashboard: ${DASHBOARD_FILES.join(', ')} → ${DASHBOARD_OUT_DIR}`);
  }
}

// No top-level await: this module is also imported by test helpers and bin/vkyc.mjs, where the
// CLI branch is skipped.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv[2]).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
