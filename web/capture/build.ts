import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Bundle the capture page into `outDir`: app.js (one ES module, minified, es2020 so iOS 14+ and
// Android Chrome 80+ run it), styles.css and index.html. Human is NOT bundled: the page imports
// /assets/human/human.esm.js at run time, only on the selfie/video steps.

const here = path.dirname(fileURLToPath(import.meta.url));

export async function buildCaptureAssets(outDir: string): Promise<{ files: string[]; bytes: number }> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(here, 'src/main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Not written into outDir: the server serves outDir publicly and maps are not needed there.
    sourcemap: false,
  });
  await build({
    entryPoints: [path.join(here, 'styles.css')],
    outfile: path.join(outDir, 'styles.css'),
    bundle: true,
    minify: true,
    target: ['chrome80', 'safari14', 'firefox80'],
    logLevel: 'warning',
  });
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  const files = ['app.js', 'styles.css', 'index.html'];
  let bytes = 0;
  for (const f of files) bytes += (await stat(path.join(outDir, f))).size;
  return { files, bytes };
}

/** Files the server must serve under /assets/human/ (relative to the project root). */
export const HUMAN_ASSETS = {
  script: 'node_modules/@vladmandic/human/dist/human.esm.js',
  models: 'node_modules/@vladmandic/human/models',
  wasmDir: 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
} as const;

async function cli(out: string | undefined): Promise<void> {
  if (!out) {
    console.error('usage: node --import tsx web/capture/build.ts <outDir>');
    process.exitCode = 2;
    return;
  }
  const t0 = performance.now();
  const r = await buildCaptureAssets(path.resolve(out));
  console.log(`capture assets: ${r.files.join(', ')} (${r.bytes} bytes) → ${path.resolve(out)} in ${Math.round(performance.now() - t0)} ms`);
}

// No top-level await: this module is also imported by the server (and tests), where the CLI
// branch is skipped.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv[2]).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
