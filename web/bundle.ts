import { build, type BuildOptions } from 'esbuild';
import { stat } from 'node:fs/promises';
import path from 'node:path';

// What every served page bundle shares (capture, call pages, dashboard): one minified browser ES
// module per entry, es2020 (iOS 14+, Android Chrome 80+), no licence comments, and no source maps:
// the server serves the build folder publicly and maps are not needed there.
export const PAGE_SCRIPT = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: false,
} as const satisfies BuildOptions;

/** A page's stylesheet, its @imports inlined and minified for the browsers in `target`. */
export async function bundleCss(src: string, outfile: string, target: string[]): Promise<void> {
  await build({ entryPoints: [src], outfile, bundle: true, minify: true, target, logLevel: 'warning' });
}

/** Bytes of `files` in `dir` (the build logs print the bundle size). */
export async function totalBytes(dir: string, files: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const f of files) bytes += (await stat(path.join(dir, f))).size;
  return bytes;
}
